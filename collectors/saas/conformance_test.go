package saas_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/saas"
	sim "github.com/aisight/aisight/internal/sim/saas"
	"github.com/aisight/aisight/internal/testenv/replay"
	"github.com/aisight/aisight/model"
)

// conformance runs one collector against the replay of dir's calls.yaml.
func conformance(t *testing.T, dir string, build func(base string) collectors.Collector, name string) (model.Inventory, *replay.Server) {
	t.Helper()
	return replay.Collect(t, dir, name, build)
}

// The OpenAI collector against the OpenAPI description's examples
// (testdata/conformance/openai/calls.yaml), on 2026-12-01.
func TestOpenAIConformance(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	inv, _ := conformance(t, "testdata/conformance/openai", func(base string) collectors.Collector {
		return saas.NewOpenAI(saas.OpenAIOptions{AdminKey: "sk-admin-" + strings.Repeat("x", 40), BaseURL: base + "/v1", Now: func() time.Time { return now }, Backoff: time.Millisecond})
	}, saas.OpenAIName)
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusOK {
			t.Errorf("%s: %s %s %q", r.Scope.ID, r.Status, r.Error, r.Problems)
		}
	}
	replay.ExpectAssets(t, inv, map[string]map[string]any{
		// list-projects: proj_abc active; the schema case: archived_at set, status null.
		"openai://projects/proj_abc":      {"project.status": "active", "project.archived": false, "project.owners": int64(1), "project.service_accounts": int64(1), "project.rate_limited_models": int64(1)},
		"openai://projects/proj_archived": {"project.status": "archived", "project.archived": true},
		// list-project-service-accounts: svc_acct_abc, owner (for each project).
		"openai://projects/proj_abc/service_accounts/svc_acct_abc":      {"iam.principal_type": "service_account", "identity.role": "owner"},
		"openai://projects/proj_archived/service_accounts/svc_acct_abc": {"iam.principal_type": "service_account"},
		// list-project-api-keys: a user's key, owner_project_access active, used a second after creation.
		"openai://projects/proj_abc/api_keys/key_abc":      {"key.kind": "openai_project_key", "key.owner_kind": "user", "key.owner_present": true, "key.status": "active", "key.never_used": nil},
		"openai://projects/proj_archived/api_keys/key_abc": {"key.owner_kind": "user"},
		// admin-api-keys-list: owned by a service account (owner.type
		// service_account), expired on 2024-04-25 (expires_at 1714063533).
		"openai://admin_api_keys/key_abc": {"key.admin": true, "key.owner_kind": "service_account", "key.status": "expired"},
		"openai-service-account:sa_456":   {"iam.principal_type": "service_account", "iam.org_admin": true},
	})
	// list-users: one owner; the schema case is_service_account is not a member.
	sf := replay.ScopeFacts(inv)
	for k, v := range map[string]any{"org.owners": int64(1), "org.members": int64(1), "org.service_account_users": int64(1), "org.admin_keys": int64(1)} {
		if !reflect.DeepEqual(sf[k], v) {
			t.Errorf("scope fact %s = %#v, want %#v", k, sf[k], v)
		}
	}
}

// The Anthropic collector against the Admin API reference
// (testdata/conformance/anthropic/calls.yaml).
func TestAnthropicConformance(t *testing.T) {
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	inv, _ := conformance(t, "testdata/conformance/anthropic", func(base string) collectors.Collector {
		return saas.NewAnthropic(saas.AnthropicOptions{AdminKey: "sk-ant-admin01-" + strings.Repeat("x", 80), BaseURL: base, Now: func() time.Time { return now }, Backoff: time.Millisecond})
	}, saas.AnthropicName)
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusOK || r.Scope.ID != "anthropic:12345678-1234-5678-1234-567812345678" {
			t.Errorf("%s: %s %s %q", r.Scope.ID, r.Status, r.Error, r.Problems)
		}
	}
	const creator = "user_01WCz1FkmYMm4gnmykNKUu3Q"
	replay.ExpectAssets(t, inv, map[string]map[string]any{
		// workspaces list: archived on 2024-11-01.
		"anthropic://workspaces/wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ": {"project.archived": true, "project.owners": int64(1)},
		// api_keys list: created by a user who is in the organisation.
		"anthropic://api_keys/apikey_01Rj2N8SVvo6BePZj99NhmiT": {"key.status": "active", "key.owner_kind": "user", "key.owner_present": true},
		// created_by null: who owns it is unknown, not gone.
		"anthropic://api_keys/apikey_legacy": {"key.owner_present": nil, "key.owner_kind": nil},
		// bound to a service account, organisation scope: attributed to the
		// service account, not to the user who created it.
		"anthropic://api_keys/apikey_ci": {"key.owner_kind": "service_account", "key.scope": "organization", "key.owner_present": nil},
	})
	for _, a := range inv.Assets {
		if a.ID == "anthropic://api_keys/apikey_ci" && a.Identity != "anthropic-service-account:svcacct_01CI" {
			t.Errorf("apikey_ci acts as %q, want its service account", a.Identity)
		}
	}
	sf := replay.ScopeFacts(inv)
	for k, v := range map[string]any{"org.owners": int64(1), "org.members": int64(1), "org.invites_pending": int64(1), "usage.report_visible": true} {
		if !reflect.DeepEqual(sf[k], v) {
			t.Errorf("scope fact %s = %#v (%s), want %#v", k, sf[k], creator, v)
		}
	}
}

// A failing GET /v1/organizations/me (a 404 here) is a named problem; the
// organisation's users, workspaces and keys are still listed.
func TestAnthropicOrganizationMeMissingIsAProblem(t *testing.T) {
	m, err := replay.Load("testdata/conformance/anthropic/calls.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m.Calls = m.Calls[1:] // no answer for /v1/organizations/me: 501
	srv := replay.Start(t, m, "testdata/conformance/anthropic/examples", false)
	c := saas.NewAnthropic(saas.AnthropicOptions{AdminKey: "sk-ant-admin01-" + strings.Repeat("x", 80), BaseURL: srv.URL, Backoff: time.Millisecond})
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, RetryBackoff: time.Millisecond}).
		Run(context.Background(), []collectors.Plan{{Name: saas.AnthropicName, Collector: c}})
	if len(inv.Scan.CollectorRuns) != 1 {
		t.Fatalf("runs: %+v", inv.Scan.CollectorRuns)
	}
	r := inv.Scan.CollectorRuns[0]
	if r.Status != model.StatusPartial || !strings.Contains(r.Error, "organizations/me") {
		t.Errorf("run %s %q, want partial naming organizations/me", r.Status, r.Error)
	}
	if len(inv.Assets) != 4 { // the workspace and three keys
		t.Errorf("%d assets, want the workspace and three keys listed anyway", len(inv.Assets))
	}
}

// TestConformanceCallsDocumented: every call of both calls.yaml files is in
// docs/collectors/saas.md.
func TestConformanceCallsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/collectors/saas.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"openai", "anthropic"} {
		m, err := replay.Load("testdata/conformance/" + dir + "/calls.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range m.Calls {
			path := strings.TrimPrefix(strings.Fields(c.Call)[1], "/v1")
			if !regexp.MustCompile("(?m)^\\| `GET [^`]*" + regexp.QuoteMeta(path) + "`").Match(doc) {
				t.Errorf("docs/collectors/saas.md has no row for %s", c.Call)
			}
		}
	}
}

// TestEmulatorMatchesTheOpenAISchemas: every field the OpenAI emulator
// answers, for every estate it serves here, is in the schema of its object
// in the OpenAI OpenAPI description (testdata/conformance/openai/
// schemas.json, the schemas the collector reads, taken from openapi.json
// at the commit calls.yaml names), so the emulator cannot drift from the
// service it stands for.
func TestEmulatorMatchesTheOpenAISchemas(t *testing.T) {
	b, err := os.ReadFile("testdata/conformance/openai/schemas.json")
	if err != nil {
		t.Fatal(err)
	}
	var schemas map[string]any
	if err := json.Unmarshal(b, &schemas); err != nil {
		t.Fatal(err)
	}
	if got := notInSchema(schemas, schemas["AdminApiKey"], map[string]any{"id": "k", "owner": map[string]any{"id": "u", "bogus": 1}}, ""); !reflect.DeepEqual(got, []string{".owner.bogus"}) {
		t.Fatalf("the schema check itself: %q, want [.owner.bogus]", got)
	}
	for _, path := range []string{"testdata/orgs.yaml", "../../internal/sim/demo/estate/saas.yaml"} {
		e, err := sim.LoadEstate(path)
		if err != nil {
			t.Fatal(err)
		}
		srv := sim.Start(e)
		get := func(p string) []map[string]any {
			req, _ := http.NewRequest(http.MethodGet, srv.OpenAIURL+p, nil)
			req.Header.Set("Authorization", "Bearer "+e.OpenAI.AdminKey)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var page struct {
				Data []map[string]any `json:"data"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
				t.Fatalf("%s %s: %v", path, p, err)
			}
			return page.Data
		}
		check := func(p, schema string) []map[string]any {
			items := get(p)
			for i, it := range items {
				for _, f := range notInSchema(schemas, schemas[schema], it, "") {
					t.Errorf("%s: GET %s item %d: field %s is not in the %s schema", path, p, i, f, schema)
				}
			}
			return items
		}
		check("/organization/users", "User")
		check("/organization/admin_api_keys", "AdminApiKey")
		for _, proj := range check("/organization/projects?include_archived=true", "Project") {
			pre := "/organization/projects/" + proj["id"].(string)
			check(pre+"/users", "ProjectUser")
			check(pre+"/service_accounts", "ProjectServiceAccount")
			check(pre+"/rate_limits", "ProjectRateLimit")
			check(pre+"/api_keys?owner_project_access=any", "ProjectApiKey")
		}
		srv.Close()
	}
}

// notInSchema lists the fields of v its schema does not name (through
// $ref, anyOf and oneOf; an object schema without properties admits any).
func notInSchema(all map[string]any, schema any, v any, at string) []string {
	s, _ := schema.(map[string]any)
	if ref, ok := s["$ref"].(string); ok {
		s, _ = all[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	}
	obj, ok := v.(map[string]any)
	if !ok || s == nil {
		return nil
	}
	props := map[string]any{}
	var alts []any
	for _, k := range []string{"anyOf", "oneOf", "allOf"} {
		if a, ok := s[k].([]any); ok {
			alts = append(alts, a...)
		}
	}
	for _, a := range append(alts, s) {
		as, _ := a.(map[string]any)
		if ref, ok := as["$ref"].(string); ok {
			as, _ = all[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		}
		if p, ok := as["properties"].(map[string]any); ok {
			for k, pv := range p {
				props[k] = pv
			}
		}
	}
	if len(props) == 0 {
		return nil
	}
	var out []string
	for k, fv := range obj {
		ps, ok := props[k]
		if !ok {
			out = append(out, at+"."+k)
			continue
		}
		out = append(out, notInSchema(all, ps, fv, at+"."+k)...)
	}
	return out
}
