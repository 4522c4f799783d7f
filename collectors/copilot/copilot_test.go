package copilot_test

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
	"github.com/aisight/aisight/collectors/copilot"
	sim "github.com/aisight/aisight/internal/sim/saas"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

func ptr(n int) *int { return &n }

func estate() *sim.Estate {
	seats := []sim.CopilotSeat{
		{Login: "alice", Team: "platform", CreatedDaysAgo: 200, LastActivityDaysAgo: ptr(1), Editor: "vscode/1.95.0/copilot/1.250.0"},
		{Login: "bob", CreatedDaysAgo: 300, LastActivityDaysAgo: ptr(91), Editor: "vim/9.1/copilot.vim/1.40"},
		{Login: "carol", CreatedDaysAgo: 120},
		{Login: "dave", CreatedDaysAgo: 10, LastActivityDaysAgo: ptr(2), PendingCancellation: true},
		{Login: "erin", CreatedDaysAgo: 5},
	}
	return &sim.Estate{GitHub: &sim.GitHub{Token: "ghp_" + strings.Repeat("k", 36), Orgs: []sim.GitHubOrg{
		{Login: "acme", Copilot: true, PlanType: "enterprise", SeatManagementSetting: "assign_selected", PublicCodeSuggestions: "block", IDEChat: "enabled", PlatformChat: "disabled", CLI: "unconfigured",
			CodingAgent: "selected", CodingAgentRepos: []string{"app", "infra", "docs"}, ContentExclusion: map[string][]string{"*": {"**/.env*", "**/secrets/**"}, "payments": {"/keys/**"}}, Seats: seats},
		{Login: "labs", Copilot: true, PlanType: "business", SeatManagementSetting: "assign_all", PublicCodeSuggestions: "allow", CodingAgent: "all"},
		{Login: "oss"},
	}}}
}

func collect(t *testing.T, e *sim.Estate, token string, orgs ...string) (model.Inventory, *sim.Server) {
	t.Helper()
	srv := sim.Start(e)
	t.Cleanup(srv.Close)
	c := copilot.New(copilot.Options{Token: token, APIURL: srv.GitHubURL, Orgs: orgs, Backoff: 5 * time.Millisecond})
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, RetryBackoff: 5 * time.Millisecond}).
		Run(context.Background(), []collectors.Plan{{Name: copilot.Name, Collector: c}})
	inv.Normalize()
	return inv, srv
}

func scopeFacts(inv model.Inventory) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, sf := range inv.ScopeFacts {
		out[sf.Scope.ID] = map[string]any{}
		for _, f := range sf.Facts {
			out[sf.Scope.ID][f.Key] = f.Value
		}
	}
	return out
}

// Every organisation of the token (found by listing, in pages of two,
// after a 429): each seat, the policies, the coding agent's reach and the
// exclusions; the organisation without Copilot said so, not failed.
func TestOrganisationsEqualGroundTruth(t *testing.T) {
	e := estate()
	e.Faults.ThrottleFirst = 1
	inv, srv := collect(t, e, e.GitHub.Token)
	var ids, want []string
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		ids = append(ids, a.ID)
		byID[a.ID] = a
	}
	for _, o := range e.GitHub.Orgs {
		for _, s := range o.Seats {
			want = append(want, "github://orgs/"+o.Login+"/copilot/seats/"+s.Login)
		}
	}
	sort.Strings(want)
	if d := cmp.Diff(want, ids); d != "" {
		t.Errorf("seats vs ground truth (-want +got):\n%s", d)
	}
	if len(inv.Scan.CollectorRuns) != 3 {
		t.Fatalf("%d scopes, want the token's three organisations", len(inv.Scan.CollectorRuns))
	}
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusOK {
			t.Errorf("%s: %s/%s %s %q", r.Scope.ID, r.Status, r.ErrorClass, r.Error, r.Problems)
		}
		if r.Scope.ID == "github:oss" && (len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "no Copilot subscription")) {
			t.Errorf("oss notes %q", r.Notes)
		}
	}
	sf := scopeFacts(inv)
	for id, want := range map[string]map[string]any{
		"github:acme": {"copilot.plan_type": "enterprise", "copilot.public_code_blocked": true, "copilot.platform_chat": "disabled", "copilot.cli": "unconfigured",
			"copilot.seats_total": int64(5), "copilot.seats_listed": int64(5), "copilot.seats_unused_90d": int64(2),
			"copilot.coding_agent_repositories": "selected", "copilot.coding_agent_repository_count": int64(3),
			"copilot.content_exclusion_configured": true, "copilot.content_exclusion_repositories": int64(2), "copilot.content_exclusion_paths": int64(3)},
		"github:labs": {"copilot.public_code_blocked": false, "copilot.coding_agent_repositories": "all", "copilot.content_exclusion_configured": false, "copilot.seats_listed": int64(0)},
		"github:oss":  {"copilot.subscription": "none_visible"},
	} {
		for k, v := range want {
			if d := cmp.Diff(v, sf[id][k]); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", id, k, d)
			}
		}
	}
	for id, want := range map[string]map[string]any{
		"github://orgs/acme/copilot/seats/alice": {"seat.last_activity_days": int64(1), "seat.assigning_team": "platform", "seat.age_days": int64(200)},
		"github://orgs/acme/copilot/seats/bob":   {"seat.last_activity_days": int64(91)},
		"github://orgs/acme/copilot/seats/carol": {"seat.last_activity_days": int64(120), "seat.never_used": true},
		"github://orgs/acme/copilot/seats/dave":  {"seat.pending_cancellation": true},
	} {
		got := map[string]any{}
		for _, f := range byID[id].Facts {
			got[f.Key] = f.Value
		}
		for k, v := range want {
			if d := cmp.Diff(v, got[k]); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", id, k, d)
			}
		}
	}
	for _, r := range srv.Requests() {
		if r.Method != "GET" {
			t.Errorf("%s %s: the collector only reads", r.Method, r.Path)
		}
	}
	b, _ := json.Marshal(inv)
	if strings.Contains(string(b), e.GitHub.Token) {
		t.Error("the token reached the inventory")
	}
}

// A named organisation without Copilot fails as not enabled (the user
// asked for it); a forbidden listing makes its organisation partial and
// denied, the other families still read.
func TestNamedAndDenied(t *testing.T) {
	e := estate()
	e.Faults.Forbidden = []string{"/orgs/acme/copilot/content_exclusion"}
	inv, _ := collect(t, e, e.GitHub.Token, "acme", "oss")
	got := map[string]model.CollectorRun{}
	for _, r := range inv.Scan.CollectorRuns {
		got[r.Scope.ID] = r
	}
	if r := got["github:oss"]; r.Status != model.StatusFailed || r.ErrorClass != model.ErrNotEnabled {
		t.Errorf("named organisation without Copilot: %s/%s %q", r.Status, r.ErrorClass, r.Error)
	}
	if r := got["github:acme"]; r.Status != model.StatusPartial || r.ErrorClass != model.ErrDenied || !strings.Contains(r.Error, "content_exclusion") {
		t.Errorf("denied listing: %s/%s %q", r.Status, r.ErrorClass, r.Error)
	}
	sf := scopeFacts(inv)["github:acme"]
	if _, ok := sf["copilot.content_exclusion_configured"]; ok {
		t.Error("a denied listing produced a fact: it must stay unknown")
	}
	if sf["copilot.seats_listed"] != int64(5) {
		t.Errorf("seats_listed %v: the other families must still run", sf["copilot.seats_listed"])
	}
}

func TestRefusedTokenFailsDenied(t *testing.T) {
	e := estate()
	inv, _ := collect(t, e, "ghp_wrong", "acme")
	r := inv.Scan.CollectorRuns[0]
	if r.Status != model.StatusFailed || r.ErrorClass != model.ErrDenied || !strings.Contains(r.Error, "token was refused") {
		t.Errorf("refused token: %s/%s %q", r.Status, r.ErrorClass, r.Error)
	}
}

// Paced to GitHub's x-ratelimit headers: no request refused.
func TestPacedToTheBudget(t *testing.T) {
	e := estate()
	e.Faults.RatePerSecond = 4
	e.Faults.PageSize = 1
	inv, srv := collect(t, e, e.GitHub.Token)
	if len(inv.Assets) != 5 {
		t.Errorf("%d seats, want 5", len(inv.Assets))
	}
	if n := len(srv.Requests()); n <= 8 {
		t.Fatalf("%d requests: the estate should need more than twice the budget", n)
	}
	if n := srv.Throttled(); n != 0 {
		t.Errorf("%d requests answered 429: the client did not pace to the x-ratelimit headers", n)
	}
}

// Enablement: a token from the environment enables auto, except GitHub
// Actions' own token with no organisation named.
func TestPlan(t *testing.T) {
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		runs    bool
		wantErr bool
	}{
		{"no token", nil, nil, false, false},
		{"GH_TOKEN", map[string]string{"GH_TOKEN": "ghp_x"}, nil, true, false},
		{"GITHUB_TOKEN", map[string]string{"GITHUB_TOKEN": "ghp_x"}, nil, true, false},
		{"in Actions", map[string]string{"GITHUB_TOKEN": "ghs_x", "GITHUB_ACTIONS": "true"}, nil, false, false},
		{"in Actions, org named", map[string]string{"GITHUB_TOKEN": "ghs_x", "GITHUB_ACTIONS": "true"}, []string{"--copilot-org=acme"}, true, false},
		{"on without token", nil, []string{"--copilot=on"}, false, true},
		{"off", map[string]string{"GH_TOKEN": "ghp_x"}, []string{"--copilot=off"}, false, false},
		{"bad URL", map[string]string{"GH_TOKEN": "ghp_x", "GITHUB_API_URL": "ftp://x"}, nil, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := copilot.NewSpec()
			fs := newFlags(s)
			if err := fs.Parse(tc.args); err != nil {
				t.Fatal(err)
			}
			var secrets []string
			env := collectors.Env{Getenv: func(k string) string { return tc.env[k] }, Secret: func(v string) { secrets = append(secrets, v) }}
			c, reason, err := s.Plan(context.Background(), env)
			if (err != nil) != tc.wantErr || (c != nil) != tc.runs {
				t.Fatalf("runs %v reason %q err %v", c != nil, reason, err)
			}
			if c == nil && err == nil && reason == "" {
				t.Error("skipped without a reason")
			}
			if c != nil && len(secrets) == 0 {
				t.Error("the token was not registered with the output wall")
			}
		})
	}
}

func TestEveryFactIsDocumented(t *testing.T) {
	e := estate()
	inv, _ := collect(t, e, e.GitHub.Token)
	goldentest.FactsDocumented(t, "../../docs/facts.md", inv, 20)
}

var _ io.Closer = (*copilot.Collector)(nil)
