package saas_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/saas"
	sim "github.com/aisight/aisight/internal/sim/saas"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

func estate(t *testing.T) *sim.Estate {
	t.Helper()
	e, err := sim.LoadEstate("testdata/orgs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func collect(t *testing.T, e *sim.Estate, openaiKey, anthropicKey string) (model.Inventory, *sim.Server) {
	t.Helper()
	srv := sim.Start(e)
	t.Cleanup(srv.Close)
	plans := []collectors.Plan{
		{Name: saas.OpenAIName, Collector: saas.NewOpenAI(saas.OpenAIOptions{AdminKey: openaiKey, BaseURL: srv.OpenAIURL, Backoff: 10 * time.Millisecond})},
		{Name: saas.AnthropicName, Collector: saas.NewAnthropic(saas.AnthropicOptions{AdminKey: anthropicKey, BaseURL: srv.AnthropicURL, Backoff: 10 * time.Millisecond})},
	}
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, RetryBackoff: 10 * time.Millisecond}).Run(context.Background(), plans)
	return inv, srv
}

// groundTruth is every asset the estate holds, by the ID scheme of docs/collectors/saas.md.
func groundTruth(e *sim.Estate, archivedWorkspaces bool) []string {
	var ids []string
	holders := map[string]bool{}
	for _, p := range e.OpenAI.Projects {
		ids = append(ids, "openai://projects/"+p.ID)
		for _, sa := range p.ServiceAccounts {
			ids = append(ids, "openai://projects/"+p.ID+"/service_accounts/"+sa.ID)
		}
		for _, k := range p.Keys {
			ids = append(ids, "openai://projects/"+p.ID+"/api_keys/"+k.ID)
		}
	}
	for _, k := range e.OpenAI.AdminKeys {
		ids = append(ids, "openai://admin_api_keys/"+k.ID)
		if !holders[k.OwnerUser] {
			holders[k.OwnerUser] = true
			ids = append(ids, "openai-user:"+k.OwnerUser)
		}
	}
	for _, w := range e.Anthropic.Workspaces {
		if !w.Archived || archivedWorkspaces {
			ids = append(ids, "anthropic://workspaces/"+w.ID)
		}
	}
	for _, k := range e.Anthropic.Keys {
		ids = append(ids, "anthropic://api_keys/"+k.ID)
	}
	sort.Strings(ids)
	return ids
}

func facts(a model.Asset) map[string]any {
	m := map[string]any{}
	for _, f := range a.Facts {
		m[f.Key] = f.Value
	}
	return m
}

// Both organisations through the emulators: pages of two, a 429 (with
// Retry-After) before anything succeeds, an archived project, an archived
// (revoked) key, a stale key, a never-used key, a departed owner.
func TestOrganisationsEqualGroundTruth(t *testing.T) {
	e := estate(t)
	e.Faults.ThrottleFirst = 1
	inv, srv := collect(t, e, e.OpenAI.AdminKey, e.Anthropic.AdminKey)
	inv.Normalize()
	var ids []string
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		ids = append(ids, a.ID)
		byID[a.ID] = a
		if a.DeploymentType != model.APISaaS {
			t.Errorf("%s: deployment type %s", a.ID, a.DeploymentType)
		}
	}
	if d := cmp.Diff(groundTruth(e, false), ids); d != "" {
		t.Errorf("inventory vs ground truth (-want +got):\n%s", d)
	}
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusOK {
			t.Errorf("%s %s: %s/%s %s", r.Collector, r.Scope.ID, r.Status, r.ErrorClass, r.Error)
		}
	}
	if inv.Scan.CollectorRuns[0].Scope.ID != "anthropic:8a3c5e9f-0000-4a1b-9c2d-acme00000001" {
		t.Errorf("anthropic scope %+v", inv.Scan.CollectorRuns[0].Scope)
	}
	checks := map[string]map[string]any{
		"openai://projects/proj_chat":                         {"project.owner_present": true, "project.owners": int64(1), "project.archived": false, "project.service_accounts": int64(1), "project.rate_limited_models": int64(2)},
		"openai://projects/proj_legacy":                       {"project.archived": true, "project.owner_present": false},
		"openai://projects/proj_rag":                          {"project.owner_present": false},
		"openai://projects/proj_chat/api_keys/key_chat_sa":    {"key.owner_kind": "service_account", "key.owner_present": true, "key.age_days": int64(30), "key.last_used_days": int64(1)},
		"openai://projects/proj_chat/api_keys/key_chat_carol": {"key.owner_kind": "user", "key.age_days": int64(200), "key.last_used_days": int64(120)},
		"openai://projects/proj_chat/api_keys/key_chat_new":   {"key.never_used": true, "key.last_used_days": int64(5)},
		"openai://projects/proj_legacy/api_keys/key_old_eve":  {"key.owner_present": false},
		"openai://admin_api_keys/admin_key_2":                 {"key.admin": true, "key.age_days": int64(400), "key.never_used": true},
		"anthropic://workspaces/wrkspc_01APPS":                {"project.owner_present": true, "project.members": int64(2)},
		"anthropic://workspaces/wrkspc_03ORPHAN":              {"project.owner_present": false},
		"anthropic://api_keys/apikey_02REVOKED":               {"key.status": "archived", "key.age_days": int64(300)},
		"anthropic://api_keys/apikey_03DEPARTED":              {"key.status": "active", "key.owner_present": false},
		"anthropic://api_keys/apikey_04EXPIRED":               {"key.status": "expired"},
	}
	for id, want := range checks {
		got := facts(byID[id])
		for k, v := range want {
			if d := cmp.Diff(v, got[k]); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", id, k, d)
			}
		}
	}
	if _, ok := facts(byID["anthropic://api_keys/apikey_01LIVE"])["key.last_used_days"]; ok {
		t.Error("Anthropic reports no last use: the fact must stay unknown")
	}
	scope := map[string]map[string]any{}
	for _, sf := range inv.ScopeFacts {
		scope[sf.Scope.ID] = map[string]any{}
		for _, f := range sf.Facts {
			scope[sf.Scope.ID][f.Key] = f.Value
		}
	}
	if d := cmp.Diff(map[string]any{"org.owners": int64(2), "org.members": int64(4), "org.service_account_users": int64(0), "org.admin_keys": int64(2), "org.admin_keys_max_age_days": int64(400), "usage.key_last_use_visible": true},
		scope["openai:default"]); d != "" {
		t.Errorf("openai scope facts (-want +got):\n%s", d)
	}
	if f := scope["anthropic:8a3c5e9f-0000-4a1b-9c2d-acme00000001"]; f["org.owners"] != int64(1) || f["org.invites_pending"] != int64(1) || f["usage.report_visible"] != true {
		t.Errorf("anthropic scope facts %v", f)
	}
	// The hint is a fingerprint: first and last four characters only.
	if s := byID["openai://projects/proj_chat/api_keys/key_chat_sa"].Secret; s == nil || s.Prefix != "sk-p" || len(s.Suffix) != 4 || s.SHA256 != "" {
		t.Errorf("key fingerprint %+v", s)
	}
	// Only GETs were sent, every page was followed, the 429 was honoured.
	var saw429, pages int
	for _, r := range srv.Requests() {
		if r.Method != http.MethodGet {
			t.Errorf("%s %s sent", r.Method, r.Path)
		}
		if r.Status == http.StatusTooManyRequests {
			saw429++
		}
		if r.Path == "/v1/organization/projects/proj_rag/api_keys" {
			pages++
		}
	}
	if saw429 != 1 || pages != 2 {
		t.Errorf("429s answered %d (want 1, retried), pages of proj_rag keys %d (want 2)", saw429, pages)
	}
	b, _ := json.Marshal(inv)
	for _, secret := range planted(t) {
		if strings.Contains(string(b), secret[len(secret)-12:]) {
			t.Errorf("key material %s… in the inventory", secret[:6])
		}
	}
}

func planted(t *testing.T) []string {
	b, err := os.ReadFile("testdata/planted.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// A project key given as the admin key, a wrong admin key, an admin key
// denied one listing: one clear line each, the scope classed, no crash.
func TestBadCredentialsSayWhatIsWrong(t *testing.T) {
	e := estate(t)
	for _, tc := range []struct {
		name, openaiKey, anthropicKey string
		class                         model.ErrorClass
		says                          []string
	}{
		{"a project key as admin key", "sk-proj-" + strings.Repeat("a", 48), "sk-ant-api03-" + strings.Repeat("b", 95), model.ErrInvalidConfig,
			[]string{"openai: the admin key given is a project or service-account key (sk-proj-…), not an admin key (sk-admin-…)", "anthropic: the admin key given is an API key (sk-ant-api…), not an admin key"}},
		{"a wrong admin key", "sk-admin-" + strings.Repeat("x", 60), "sk-ant-admin01-" + strings.Repeat("y", 90), model.ErrDenied,
			[]string{"openai: the admin key was refused", "anthropic: the organisation of the admin key: anthropic: the admin key was refused"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			inv, srv := collect(t, e, tc.openaiKey, tc.anthropicKey)
			if len(inv.Assets) != 0 {
				t.Errorf("%d assets", len(inv.Assets))
			}
			for i, r := range inv.Scan.CollectorRuns {
				if r.Status != model.StatusFailed || r.ErrorClass != tc.class || !slices.ContainsFunc(tc.says, func(s string) bool { return strings.Contains(r.Error, s) }) {
					t.Errorf("run %d: %s/%s %q", i, r.Status, r.ErrorClass, r.Error)
				}
				if strings.Contains(r.Error, tc.openaiKey[9:20]) || strings.Contains(r.Error, tc.anthropicKey[15:30]) {
					t.Errorf("the key is in the error: %q", r.Error)
				}
			}
			if tc.class == model.ErrInvalidConfig && len(srv.Requests()) != 0 {
				t.Errorf("%d requests sent with a key that cannot be an admin key", len(srv.Requests()))
			}
		})
	}
	e.Faults.Forbidden = []string{"/v1/organization/admin_api_keys"}
	inv, _ := collect(t, e, e.OpenAI.AdminKey, e.Anthropic.AdminKey)
	for _, r := range inv.Scan.CollectorRuns {
		if r.Collector == saas.OpenAIName && (r.Status != model.StatusPartial || r.ErrorClass != model.ErrDenied || !strings.Contains(r.Error, "may not read /organization/admin_api_keys")) {
			t.Errorf("a denied listing: %s/%s %q", r.Status, r.ErrorClass, r.Error)
		}
	}
}

// The HTTP client refuses anything but GET before it reaches the network.
func TestClientIsReadOnly(t *testing.T) {
	if err := saas.RefusesWrites(); err != nil {
		t.Error(err)
	}
}

func TestEverySaaSFactIsDocumented(t *testing.T) {
	e := estate(t)
	inv, _ := collect(t, e, e.OpenAI.AdminKey, e.Anthropic.AdminKey)
	goldentest.FactsDocumented(t, "../../docs/facts.md", inv, 25)
}

// Under an organisation's request budget, told on every answer by the
// providers' rate-limit headers, the collectors wait for budget instead of
// spending it on 429s: the whole estate, not one request refused.
func TestPacedToTheBudgetWithoutThrottling(t *testing.T) {
	e := estate(t)
	e.Faults.RatePerSecond = 4 // a budget of four requests, refilled at four a second
	e.Faults.PageSize = 1      // many more requests than the budget holds
	inv, srv := collect(t, e, e.OpenAI.AdminKey, e.Anthropic.AdminKey)
	inv.Normalize()
	var ids []string
	for _, a := range inv.Assets {
		ids = append(ids, a.ID)
	}
	if d := cmp.Diff(groundTruth(e, false), ids); d != "" {
		t.Errorf("inventory vs ground truth (-want +got):\n%s", d)
	}
	perProvider := map[string]int{}
	for _, r := range srv.Requests() {
		perProvider[r.Provider]++
	}
	if perProvider["openai"] <= 8 || perProvider["anthropic"] <= 8 {
		t.Fatalf("requests %v: the estate should need more than twice the budget of each organisation", perProvider)
	}
	if n := srv.Throttled(); n != 0 {
		t.Errorf("%d requests answered 429: the client did not pace to the budget its answers told it", n)
	}
}

// serve plans its collectors for every scan and closes them after it:
// each releases its idle connections (BenchmarkServeSoak measures what
// that keeps flat).
var (
	_ io.Closer = (*saas.OpenAI)(nil)
	_ io.Closer = (*saas.Anthropic)(nil)
)
