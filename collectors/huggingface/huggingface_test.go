package huggingface_test

import (
	"context"
	"encoding/json"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/huggingface"
	sim "github.com/aisight/aisight/internal/sim/saas"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

const secretCanary = "hf_SecretModelPullTokenNeverRecorded00"

func estate() *sim.Estate {
	return &sim.Estate{HuggingFace: &sim.HuggingFace{
		Token: "hf_" + strings.Repeat("t", 34), User: "alice", TokenRole: "fineGrained", TokenCreatedDaysAgo: 10,
		Scoped: []sim.HFScoped{{Org: "acme", Permissions: []string{"repo.content.read", "inference.endpoints.infer.write"}}, {Org: "lab", Permissions: []string{"repo.write"}}},
		Orgs: []sim.HFOrg{
			{Name: "acme", Role: "admin", Enterprise: true, Members: []string{"alice", "bob", "carol"},
				Models:         []sim.HFRepo{{Name: "m1", Private: true}, {Name: "m2", Gated: "manual"}, {Name: "m3", Private: true}, {Name: "m4"}, {Name: "m5"}},
				Datasets:       []sim.HFRepo{{Name: "d1", Private: true}, {Name: "d2"}, {Name: "d3"}},
				Spaces:         []sim.HFRepo{{Name: "s1", SDK: "gradio", Hardware: "t4-small"}},
				ResourceGroups: []sim.HFResourceGroup{{ID: "rg1", Name: "g", Members: []string{"alice"}}},
				Endpoints: []sim.HFEndpoint{
					{Name: "e-private", Type: "private", Repository: "acme/m1", Revision: strings.Repeat("a", 40), Vendor: "aws", Region: "us-east-1", Accelerator: "gpu", InstanceType: "nvidia-l4", InstanceSize: "x1", MinReplica: 1, MaxReplica: 1, State: "running", CreatedBy: "alice", CreatedDaysAgo: 3, SecretToken: secretCanary},
					{Name: "e-public", Type: "public", Repository: "acme/m2", Revision: "main", Vendor: "azure", Region: "eastus", Accelerator: "cpu", State: "paused", CreatedBy: "bob"},
					{Name: "e-protected", Type: "protected", Repository: "gpt2", Vendor: "gcp", Region: "us-central1", State: "running"},
				}},
			{Name: "lab", Role: "write", Models: []sim.HFRepo{{Name: "x", Private: true}}},
		}}}
}

func groundTruth(e *sim.Estate) []string {
	var ids []string
	for _, o := range e.HuggingFace.Orgs {
		for kind, repos := range map[string][]sim.HFRepo{"models": o.Models, "datasets": o.Datasets, "spaces": o.Spaces} {
			for _, r := range repos {
				ids = append(ids, "huggingface://"+kind+"/"+o.Name+"/"+r.Name)
			}
		}
		for _, ep := range o.Endpoints {
			ids = append(ids, "huggingface://endpoints/"+o.Name+"/"+ep.Name)
		}
	}
	sort.Strings(ids)
	return ids
}

func collect(t *testing.T, e *sim.Estate, token string, orgs ...string) (model.Inventory, *sim.Server) {
	t.Helper()
	srv := sim.Start(e)
	t.Cleanup(srv.Close)
	c := huggingface.New(huggingface.Options{Token: token, HubURL: srv.HuggingFaceURL, EndpointsURL: srv.HFEndpointsURL, Orgs: orgs, Backoff: 5 * time.Millisecond})
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, RetryBackoff: 5 * time.Millisecond}).
		Run(context.Background(), []collectors.Plan{{Name: huggingface.Name, Collector: c}})
	inv.Normalize()
	return inv, srv
}

func facts(a model.Asset) map[string]any {
	m := map[string]any{}
	for _, f := range a.Facts {
		m[f.Key] = f.Value
	}
	return m
}

// Every organisation of the token through the emulator, in pages of two
// after a 429: the whole estate, every scope ok, only GETs, and the model
// pull token an endpoint carries recorded nowhere.
func TestOrganisationsEqualGroundTruth(t *testing.T) {
	e := estate()
	e.Faults.ThrottleFirst = 2
	inv, srv := collect(t, e, e.HuggingFace.Token)
	var ids []string
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		ids = append(ids, a.ID)
		byID[a.ID] = a
	}
	if d := cmp.Diff(groundTruth(e), ids); d != "" {
		t.Errorf("inventory vs ground truth (-want +got):\n%s", d)
	}
	if len(inv.Scan.CollectorRuns) != 2 {
		t.Fatalf("%d scopes, want one per organisation of the token (2)", len(inv.Scan.CollectorRuns))
	}
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusOK {
			t.Errorf("%s: %s/%s %s %q", r.Scope.ID, r.Status, r.ErrorClass, r.Error, r.Problems)
		}
	}
	for id, want := range map[string]map[string]any{
		"huggingface://endpoints/acme/e-private":   {"endpoint.access": "private", "network.public_access": false, "auth.required": true, "model.revision_pinned": true, "compute.instance_type": "nvidia-l4", "endpoint.age_days": int64(3)},
		"huggingface://endpoints/acme/e-public":    {"endpoint.access": "public", "network.public_access": true, "auth.required": false, "model.revision_pinned": false, "cloud.vendor": "azure"},
		"huggingface://endpoints/acme/e-protected": {"endpoint.access": "protected", "network.public_access": true, "auth.required": true},
		"huggingface://models/acme/m1":             {"repo.visibility": "private", "repo.gated": "none"},
		"huggingface://models/acme/m2":             {"repo.visibility": "public", "repo.gated": "manual"},
		"huggingface://spaces/acme/s1":             {"app.sdk": "gradio", "compute.instance_type": "t4-small"},
	} {
		got := facts(byID[id])
		for k, v := range want {
			if d := cmp.Diff(v, got[k]); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", id, k, d)
			}
		}
	}
	if a := byID["huggingface://endpoints/acme/e-private"]; a.Owner != "huggingface-user:alice" || a.Region != "us-east-1" || a.Model == nil || a.Model.Publisher != "acme" {
		t.Errorf("endpoint owner %q region %q model %+v", a.Owner, a.Region, a.Model)
	}
	if a := byID["huggingface://endpoints/acme/e-protected"]; a.Model == nil || a.Model.Publisher != "" || a.Model.Name != "gpt2" {
		t.Errorf("a canonical model without an owner: %+v", a.Model)
	}
	scope := map[string]map[string]any{}
	for _, sf := range inv.ScopeFacts {
		scope[sf.Scope.ID] = map[string]any{}
		for _, f := range sf.Facts {
			scope[sf.Scope.ID][f.Key] = f.Value
		}
	}
	for id, want := range map[string]map[string]any{
		"huggingface:acme": {"org.members": int64(3), "org.resource_groups": int64(1), "org.enterprise": true, "org.caller_role": "admin", "collector.token_role": "fineGrained", "collector.token_can_write": false},
		// the fine-grained token may write to lab's repositories: reported
		"huggingface:lab": {"org.resource_groups": int64(0), "collector.token_can_write": true},
	} {
		for k, v := range want {
			if d := cmp.Diff(v, scope[id][k]); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", id, k, d)
			}
		}
	}
	whoami := 0
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("%s %s: the collector only reads", r.Method, r.Path)
		}
		if r.Path == "/api/whoami-v2" && r.Status == 200 {
			whoami++
		}
	}
	if whoami != 1 {
		t.Errorf("whoami answered %d times: the Hub limits it strictly, ask once a scan", whoami)
	}
	b, _ := json.Marshal(inv)
	if strings.Contains(string(b), secretCanary) || strings.Contains(string(b), e.HuggingFace.Token) {
		t.Error("a token reached the inventory")
	}
}

// Named organisations only; one listing forbidden makes its scope partial
// and denied, naming the listing, with everything else still collected.
func TestDeniedListingIsPartial(t *testing.T) {
	e := estate()
	e.Faults.Forbidden = []string{"/v2/endpoint/"}
	inv, _ := collect(t, e, e.HuggingFace.Token, "acme")
	if len(inv.Scan.CollectorRuns) != 1 {
		t.Fatalf("%d scopes, want the one named", len(inv.Scan.CollectorRuns))
	}
	r := inv.Scan.CollectorRuns[0]
	if r.Status != model.StatusPartial || r.ErrorClass != model.ErrDenied || !strings.Contains(r.Error, "/endpoint/acme") {
		t.Errorf("a denied listing: %s/%s %q", r.Status, r.ErrorClass, r.Error)
	}
	models := 0
	for _, a := range inv.Assets {
		if a.Kind == model.KindEndpoint {
			t.Errorf("%s from a denied listing", a.ID)
		}
		if a.Kind == model.KindModel {
			models++
		}
	}
	if models != 5 {
		t.Errorf("%d models, want the 5 of acme still listed", models)
	}
}

// A refused token fails the scope as denied with one clear line, and no
// listing is tried after it.
func TestRefusedTokenFailsDenied(t *testing.T) {
	e := estate()
	inv, srv := collect(t, e, "hf_wrong"+strings.Repeat("x", 30))
	if len(inv.Scan.CollectorRuns) != 1 {
		t.Fatalf("%d scopes", len(inv.Scan.CollectorRuns))
	}
	r := inv.Scan.CollectorRuns[0]
	if r.Status != model.StatusFailed || r.ErrorClass != model.ErrDenied || !strings.Contains(r.Error, "token was refused") {
		t.Errorf("refused token: %s/%s %q", r.Status, r.ErrorClass, r.Error)
	}
	if n := len(srv.Requests()); n > 2 {
		t.Errorf("%d requests with a refused token, want at most the two whoami attempts", n)
	}
}

// Paced to the Hub's RateLimit headers: many more requests than the
// budget, none refused.
func TestPacedToTheHubBudget(t *testing.T) {
	e := estate()
	e.Faults.RatePerSecond = 4
	e.Faults.PageSize = 1
	inv, srv := collect(t, e, e.HuggingFace.Token)
	var ids []string
	for _, a := range inv.Assets {
		ids = append(ids, a.ID)
	}
	if d := cmp.Diff(groundTruth(e), ids); d != "" {
		t.Errorf("inventory vs ground truth (-want +got):\n%s", d)
	}
	if n := len(srv.Requests()); n <= 8 {
		t.Fatalf("%d requests: the estate should need more than twice the budget", n)
	}
	if n := srv.Throttled(); n != 0 {
		t.Errorf("%d requests answered 429: the client did not pace to the RateLimit headers", n)
	}
}

func TestEveryFactIsDocumented(t *testing.T) {
	e := estate()
	inv, _ := collect(t, e, e.HuggingFace.Token)
	goldentest.FactsDocumented(t, "../../docs/facts.md", inv, 25)
}

var _ io.Closer = (*huggingface.Collector)(nil)
