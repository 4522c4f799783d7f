package gcp

import (
	"cloud.google.com/go/orgpolicy/apiv2/orgpolicypb"
	expr "google.golang.org/genproto/googleapis/type/expr"
	"testing"
	"time"

	"cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestPrincipalGrants(t *testing.T) {
	pol := &iampb.Policy{Bindings: []*iampb.Binding{
		{Role: "roles/aiplatform.user", Members: []string{"user:a@x.com", "serviceAccount:svc@p.iam.gserviceaccount.com"}},
		{Role: "roles/aiplatform.admin", Members: []string{"user:a@x.com"}},
		{Role: "roles/editor", Members: []string{"serviceAccount:123-compute@developer.gserviceaccount.com"}},
		{Role: "roles/storage.admin", Members: []string{"user:storage@x.com"}},
		{Role: "projects/p/roles/invoker", Members: []string{"group:g@x.com"}},
		{Role: "projects/p/roles/unread", Members: []string{"group:h@x.com"}},
		{Role: "projects/p/roles/buckets", Members: []string{"group:i@x.com"}},
	}}
	got := principalGrants(pol, map[string][]string{"projects/p/roles/invoker": {"aiplatform.endpoints.predict"}, "projects/p/roles/buckets": nil})
	want := map[string]*grant{
		"user:a@x.com": {roles: []string{"roles/aiplatform.admin", "roles/aiplatform.user"}, broad: []string{"predefined:roles/aiplatform.admin"}, full: true},
		"serviceAccount:svc@p.iam.gserviceaccount.com":             {roles: []string{"roles/aiplatform.user"}},
		"serviceAccount:123-compute@developer.gserviceaccount.com": {roles: []string{"roles/editor"}, broad: []string{"basic:roles/editor"}, full: true, wildcard: true},
		"group:g@x.com": {roles: []string{"projects/p/roles/invoker"}, perms: []string{"aiplatform.endpoints.predict"}},
	}
	if d := cmp.Diff(want, got, cmp.AllowUnexported(grant{}), cmp.Comparer(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b) })); d != "" {
		t.Errorf("grants (-want +got):\n%s", d)
	}
	for member, typ := range map[string]string{"user:a@x.com": "user", "serviceAccount:service-1@gcp-sa-aiplatform.iam.gserviceaccount.com": "service_agent",
		"serviceAccount:svc@p.iam.gserviceaccount.com": "service_account", "allUsers": "public", "allAuthenticatedUsers": "public",
		"principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*": "federated",
		"deleted:serviceAccount:x@p.iam.gserviceaccount.com?uid=1":                                "deleted"} {
		if got := principalType(member); got != typ {
			t.Errorf("principalType(%s) = %s, want %s", member, got, typ)
		}
	}
}

func TestPrincipalAndKeyAssets(t *testing.T) {
	s := testScan(t)
	owned := s.principalAsset("serviceAccount:svc@p.iam.gserviceaccount.com", &grant{roles: []string{"roles/aiplatform.user"}})
	foreign := s.principalAsset("serviceAccount:ci@other.iam.gserviceaccount.com", &grant{roles: []string{"roles/aiplatform.user"}})
	agent := s.principalAsset("serviceAccount:service-123@gcp-sa-aiplatform.iam.gserviceaccount.com", &grant{roles: []string{"roles/aiplatform.serviceAgent"}})
	public := s.principalAsset("allUsers", &grant{roles: []string{"roles/aiplatform.viewer"}})
	if owned.ID != sa+"svc@p.iam.gserviceaccount.com" || agent.ID != sa+"service-123@gcp-sa-aiplatform.iam.gserviceaccount.com" {
		t.Errorf("owned ids: %s %s", owned.ID, agent.ID)
	}
	if foreign.ID != "//cloudresourcemanager.googleapis.com/projects/p/members/serviceAccount:ci@other.iam.gserviceaccount.com" ||
		len(foreign.Relations) != 1 || foreign.Relations[0].Target != "//iam.googleapis.com/projects/other/serviceAccounts/ci@other.iam.gserviceaccount.com" {
		t.Errorf("foreign account: %s %v", foreign.ID, foreign.Relations)
	}
	checkFacts(t, "owned account (keys not yet read)", owned.Facts, map[string]any{"iam.principal_type": "service_account", "iam.long_lived_ai_credentials": nil,
		"iam.ai_full_access_policy": false, "iam.ai_wildcard_actions": false})
	checkFacts(t, "service agent", agent.Facts, map[string]any{"iam.principal_type": "service_agent", "iam.long_lived_ai_credentials": false})
	checkFacts(t, "public grant", public.Facts, map[string]any{"iam.principal_type": "public", "iam.public_grant": true})

	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	ts := func(y int, m time.Month) *timestamppb.Timestamp {
		return timestamppb.New(time.Date(y, m, 1, 0, 0, 0, 0, time.UTC))
	}
	key := s.keyAsset(&adminpb.ServiceAccountKey{Name: "projects/p/serviceAccounts/svc@p.iam.gserviceaccount.com/keys/abcdef0123456789",
		ValidAfterTime: ts(2026, 8), ValidBeforeTime: ts(9999, 12)}, "svc@p.iam.gserviceaccount.com", owned.ID, now)
	checkFacts(t, "active user-managed key", key.Facts, map[string]any{"key.kind": "gcp_service_account_key", "key.age_days": int64(117),
		"key.expires": false, "iam.long_lived_ai_credentials": true, "key.short_lived": false})
	if key.Secret.Prefix != "abcd" || key.Secret.Suffix != "" || key.Identity != owned.ID {
		t.Errorf("key fingerprint %+v identity %s", key.Secret, key.Identity)
	}
	for name, k := range map[string]*adminpb.ServiceAccountKey{
		"disabled": {Name: "k/1", Disabled: true},
		"expired":  {Name: "k/2", ValidBeforeTime: ts(2026, 1)},
		"google":   {Name: "k/3", KeyType: adminpb.ListServiceAccountKeysRequest_SYSTEM_MANAGED},
	} {
		if a := s.keyAsset(k, "svc@p.iam.gserviceaccount.com", owned.ID, now); a != nil {
			t.Errorf("%s key reported", name)
		}
	}
}

func TestRestricts(t *testing.T) {
	rule := func(r *orgpolicypb.PolicySpec_PolicyRule) *orgpolicypb.Policy {
		return &orgpolicypb.Policy{Spec: &orgpolicypb.PolicySpec{Rules: []*orgpolicypb.PolicySpec_PolicyRule{r}}}
	}
	values := func(allowed, denied []string) *orgpolicypb.PolicySpec_PolicyRule {
		return &orgpolicypb.PolicySpec_PolicyRule{Kind: &orgpolicypb.PolicySpec_PolicyRule_Values{Values: &orgpolicypb.PolicySpec_PolicyRule_StringValues{AllowedValues: allowed, DeniedValues: denied}}}
	}
	for _, tc := range []struct {
		name    string
		p       *orgpolicypb.Policy
		governs string
		want    bool
	}{
		{"no policy", &orgpolicypb.Policy{}, "models", false},
		{"allow all", rule(&orgpolicypb.PolicySpec_PolicyRule{Kind: &orgpolicypb.PolicySpec_PolicyRule_AllowAll{AllowAll: true}}), "models", false},
		{"deny all", rule(&orgpolicypb.PolicySpec_PolicyRule{Kind: &orgpolicypb.PolicySpec_PolicyRule_DenyAll{DenyAll: true}}), "models", true},
		{"allowed models", rule(values([]string{"publishers/google/models/gemini-2.5-flash:predict"}, nil)), "models", true},
		{"services allow-list", rule(values([]string{"compute.googleapis.com"}, nil)), "services", true},
		{"services deny-list without AI", rule(values(nil, []string{"compute.googleapis.com"})), "services", false},
		{"services deny-list with Vertex AI", rule(values(nil, []string{"aiplatform.googleapis.com"})), "services", true},
		{"conditional deny", rule(&orgpolicypb.PolicySpec_PolicyRule{Condition: &expr.Expr{Expression: "resource.matchTag('env', 'prod')"},
			Kind: &orgpolicypb.PolicySpec_PolicyRule_DenyAll{DenyAll: true}}), "models", false},
	} {
		if got := restricts(tc.p, tc.governs); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
