package azure_test

import (
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/collectors"
	azcol "github.com/aisight/aisight/collectors/azure"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/enrich"
	sim "github.com/aisight/aisight/internal/sim/azure"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

func startSim(t *testing.T, mutate func(*sim.Estate)) (*sim.Server, *sim.Estate) {
	t.Helper()
	e, err := sim.LoadEstate("testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(e)
	}
	srv := sim.Start(e)
	t.Cleanup(srv.Close)
	return srv, e
}

// options point the real SDK clients at the emulator: its URL as the
// Resource Manager endpoint, its certificate as the only trusted one.
func options(t *testing.T, srv *sim.Server, o azcol.Options) azcol.Options {
	t.Helper()
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(srv.CertPEM()) {
		t.Fatal("emulator certificate")
	}
	o.RootCAs = roots
	o.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: srv.URL, Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
		cloud.ResourceManager: {Endpoint: srv.URL, Audience: srv.URL}}}
	o.Credential = azcol.StaticToken(sim.Token)
	o.RatePerSubscription = 5000
	if o.RetryDelay == 0 {
		o.RetryDelay = time.Millisecond
	}
	return o
}

func collectRaw(t *testing.T, srv *sim.Server, o azcol.Options) model.Inventory {
	t.Helper()
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := azcol.New(options(t, srv, o), cat)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, Concurrency: 8, PerCollector: 8, RetryBackoff: time.Millisecond}).
		Run(context.Background(), []collectors.Plan{{Name: azcol.Name, Collector: c}})
	inv.Normalize()
	return inv
}

func collect(t *testing.T, srv *sim.Server, o azcol.Options) model.Inventory {
	t.Helper()
	inv := collectRaw(t, srv, o)
	enrich.Apply(&inv, enrich.Options{})
	inv.Normalize()
	return inv
}

func sha6(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}

// groundTruth lists the AI resources the estate holds where the caller may
// read them (enabled, not denied, the provider registered), by the ARM id
// formats, with the account keys of accounts whose local auth is on.
func groundTruth(e *sim.Estate) []string {
	var ids []string
	for _, s := range e.Subscriptions {
		if s.Denied || s.State != "Enabled" {
			continue
		}
		reg := func(ns string) bool { return !slices.Contains(s.Unregistered, ns) }
		for _, g := range s.GroupNames() {
			rg := s.ResourceGroups[g]
			base := "/subscriptions/" + s.ID + "/resourceGroups/" + g + "/providers/"
			if reg("Microsoft.CognitiveServices") {
				for _, a := range rg.CognitiveAccounts {
					kind := a.Body["kind"].(string)
					if kind != "OpenAI" && kind != "AIServices" {
						continue
					}
					id := base + "Microsoft.CognitiveServices/accounts/" + a.Name
					ids = append(ids, id)
					if props, _ := a.Body["properties"].(map[string]any); props["disableLocalAuth"] != true {
						ids = append(ids, id+"#account-keys")
					}
					for _, coll := range []string{"deployments", "raiPolicies"} {
						for _, c := range a.Children[coll] {
							ids = append(ids, id+"/"+coll+"/"+c.Name)
						}
					}
					if kind == "AIServices" {
						for _, c := range a.Children["projects"] {
							ids = append(ids, id+"/projects/"+c.Name)
						}
					}
				}
			}
			if reg("Microsoft.MachineLearningServices") {
				for _, w := range rg.MLWorkspaces {
					id := base + "Microsoft.MachineLearningServices/workspaces/" + w.Name
					ids = append(ids, id)
					for _, ep := range w.Children["onlineEndpoints"] {
						ids = append(ids, id+"/onlineEndpoints/"+ep.Name)
						for _, d := range ep.Children["deployments"] {
							ids = append(ids, id+"/onlineEndpoints/"+ep.Name+"/deployments/"+d.Name)
						}
					}
					for _, c := range w.Children["computes"] {
						if c.Body["properties"].(map[string]any)["computeType"] == "ComputeInstance" {
							ids = append(ids, id+"/computes/"+c.Name)
						}
					}
				}
				for _, r := range rg.MLRegistries {
					ids = append(ids, base+"Microsoft.MachineLearningServices/registries/"+r.Name)
				}
			}
		}
	}
	sort.Strings(ids)
	return ids
}

const (
	prod = "//management.azure.com/subscriptions/11111111-1111-1111-1111-111111111111/principals/00000000-0000-0000-0000-0000000000"
	res  = "//management.azure.com/subscriptions/66666666-6666-6666-6666-666666666666/principals/00000000-0000-0000-0000-0000000000"
	dev  = "//management.azure.com/subscriptions/22222222-2222-2222-2222-222222222222/principals/00000000-0000-0000-0000-0000000000"
	llm  = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-ai/providers/Microsoft.MachineLearningServices/workspaces/mlw-prod/onlineEndpoints/ep-llm/deployments/green#key-"
)

// principals are the principals holding AI roles on the AI resources, and
// the literal keys of a deployment's env, read off the estate by hand (the
// Reader and the roles on subscriptions with no AI resource are not AI
// grants).
var principals = []string{
	prod + "a1", prod + "b1", prod + "c1", prod + "c2", prod + "a3", prod + "e1", res + "b2", dev + "b3",
	llm + sha6("sk-proj-AzureMlCanary1032547698badcfehgjilknmporqtsvuxwzyBADCFE"), llm + sha6("hf_AzureCanary1Token2Acbedgfihkjmlonqp"),
}

func ids(inv model.Inventory, keep func(model.Asset) bool) []string {
	var out []string
	for _, a := range inv.Assets {
		if keep(a) {
			out = append(out, a.ID)
		}
	}
	sort.Strings(out)
	return out
}

func principalOrEnvKey(a model.Asset) bool {
	return a.Kind == model.KindIdentity || a.Kind == model.KindAPIKey && !strings.HasSuffix(a.ID, "#account-keys")
}

func runs(inv model.Inventory) map[string]model.CollectorRun {
	out := map[string]model.CollectorRun{}
	for _, r := range inv.RunsFor(azcol.Name) {
		out[r.Scope.ID] = r
	}
	return out
}

// The must-show: 3 subscriptions with every resource type, pages of one
// item, a denied subscription, unregistered providers, 30% of calls
// answered 429 with Retry-After: the inventory is the ground truth, the
// scopes are classified, every retry waited as told, and the calls needed
// exactly the actions of deploy/azure's role.
func TestInventoryMatchesGroundTruth(t *testing.T) {
	srv, e := startSim(t, func(e *sim.Estate) {
		e.PageSize = 1
		e.Faults.ThrottleRate, e.Faults.RetryAfterMillis, e.Faults.Seed = 0.3, 20, 11
	})
	inv := collect(t, srv, azcol.Options{MaxRetries: 20})
	if diff := cmp.Diff(groundTruth(e), ids(inv, func(a model.Asset) bool { return !principalOrEnvKey(a) })); diff != "" {
		t.Errorf("resources differ from the estate (-want +got):\n%s", diff)
	}
	want := slices.Sorted(slices.Values(principals))
	if diff := cmp.Diff(want, ids(inv, principalOrEnvKey)); diff != "" {
		t.Errorf("principals and keys (-want +got):\n%s", diff)
	}
	got := map[string]string{}
	var throttled int64
	for id, r := range runs(inv) {
		got[id] = string(r.Status) + "/" + string(r.ErrorClass)
		throttled += r.Stats["throttled_retries"]
	}
	wantRuns := map[string]string{
		"azure:11111111-1111-1111-1111-111111111111": "ok/", "azure:66666666-6666-6666-6666-666666666666": "ok/",
		"azure:22222222-2222-2222-2222-222222222222": "ok/", "azure:33333333-3333-3333-3333-333333333333": "failed/denied",
		"azure:44444444-4444-4444-4444-444444444444": "skipped/not_enabled",
	}
	if diff := cmp.Diff(wantRuns, got); diff != "" {
		t.Errorf("runs (-want +got):\n%s", diff)
		for id, r := range runs(inv) {
			t.Logf("%s: %s", id, r.Error)
		}
	}
	if r := runs(inv)["azure:22222222-2222-2222-2222-222222222222"]; !slices.ContainsFunc(r.Notes, func(n string) bool {
		return strings.Contains(n, "not_enabled") && strings.Contains(n, "Microsoft.MachineLearningServices")
	}) {
		t.Errorf("the unregistered provider is not noted: %q", r.Notes)
	}
	if throttled == 0 {
		t.Error("30% 429s caused no retries: the fault did not reach the client")
	}
	if early := srv.Early(); len(early) > 0 {
		t.Errorf("%d retries came before their Retry-After: %v", len(early), early[:min(3, len(early))])
	}
	if u := srv.Unexpected(); len(u) > 0 {
		t.Errorf("non-read calls: %v", u)
	}
	if diff := cmp.Diff(loadRole(t), srv.Actions()); diff != "" {
		t.Errorf("deploy/azure role vs actions the calls needed (-role +used):\n%s", diff)
	}
}

// A Retry-After in seconds is waited for, and a throttle that outlasts the
// retries is classified throttled.
func TestRetryAfterSeconds(t *testing.T) {
	srv, _ := startSim(t, func(e *sim.Estate) {
		e.Faults.ThrottleRate, e.Faults.RetryAfterSeconds, e.Faults.Seed = 1, 1, 3
	})
	start := time.Now()
	inv := collect(t, srv, azcol.Options{MaxRetries: 1, Subscriptions: []string{"22222222-2222-2222-2222-222222222222"}})
	_ = inv
	if len(srv.Early()) > 0 {
		t.Errorf("retried before Retry-After: %v", srv.Early())
	}
	if time.Since(start) < time.Second {
		t.Error("the scan did not wait a Retry-After of one second")
	}
}

// A nextLink to another host is not followed: the token never leaves for
// it, and the listing is a named problem.
func TestForeignNextLinkIsRefused(t *testing.T) {
	srv, _ := startSim(t, func(e *sim.Estate) { e.PageSize, e.Faults.ForeignNextLink = 1, "https://attacker.example" })
	inv := collect(t, srv, azcol.Options{})
	for _, r := range inv.RunsFor(azcol.Name) {
		t.Logf("%s %s %s", r.Scope.ID, r.Status, r.Error)
	}
	if !strings.Contains(inv.Scan.CollectorRuns[0].Error, "refused to follow a link to https://attacker.example") {
		t.Errorf("the foreign nextLink was not refused: %q", inv.Scan.CollectorRuns[0].Error)
	}
}

// loadRole reads the Actions of the custom role deploy/azure ships.
func loadRole(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../deploy/azure/aisight-role.json")
	if err != nil {
		t.Fatal(err)
	}
	var role struct {
		Actions, NotActions, DataActions []string
	}
	if err := json.Unmarshal(b, &role); err != nil {
		t.Fatal(err)
	}
	for _, a := range role.Actions {
		if !strings.HasSuffix(a, "/read") {
			t.Errorf("role action %s is not a read", a)
		}
	}
	if len(role.DataActions) > 0 {
		t.Errorf("role has data actions: %v", role.DataActions)
	}
	sort.Strings(role.Actions)
	return role.Actions
}

var update = goldentest.Flag()

// The scoring golden estate azure-ai is this collector's own output.
func TestScoringEstateIsCollectorOutput(t *testing.T) {
	srv, _ := startSim(t, nil)
	inv := collectRaw(t, srv, azcol.Options{})
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	inv.Scan.Started, inv.Scan.Finished = now, now
	for i := range inv.Scan.CollectorRuns {
		r := &inv.Scan.CollectorRuns[i]
		r.Started, r.Duration = now, 0
	}
	got, err := json.MarshalIndent(inv, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	goldentest.Compare(t, "../../scoring/testdata/azure-ai.inventory.json", append(got, '\n'), update)
}

// Facts survive the real clients and enrichment.
func TestFactsThroughTheClients(t *testing.T) {
	srv, _ := startSim(t, nil)
	inv := collect(t, srv, azcol.Options{})
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		byID[a.ID] = a
	}
	const rg = "/subscriptions/11111111-1111-1111-1111-111111111111/resourceGroups/rg-ai/providers/"
	const oai, hub, ws = rg + "Microsoft.CognitiveServices/accounts/oai-prod", rg + "Microsoft.CognitiveServices/accounts/foundry-hub", rg + "Microsoft.MachineLearningServices/workspaces/mlw-prod"
	for _, c := range []struct {
		id, key string
		want    any
	}{
		{oai, "auth.local_auth_disabled", true},
		{oai, "network.public_access", false},
		{oai, "logging.invocation_enabled", true},
		{oai, "iam.key_readers", []string{"service_principal:00000000-0000-0000-0000-0000000000c1", "service_principal:00000000-0000-0000-0000-0000000000c2", "user:00000000-0000-0000-0000-0000000000a1"}},
		{oai + "/deployments/gpt-4o-mini", "guardrail.filters_off", []string{"completion:hate", "prompt:jailbreak", "prompt:violence"}},
		{oai + "/deployments/gpt-4o", "guardrail.content_filters", int64(3)},
		{hub, "logging.invocation_enabled", false},
		{hub, "network.public_access", true},
		{hub + "/deployments/deepseek-r1", "guardrail.attached", true}, // no raiPolicyName: the service's default filter
		{hub + "/deployments/deepseek-r1", "guardrail.service_default", true},
		{hub + "/projects/proj-support", "auth.local_auth_disabled", false},
		{ws + "/onlineEndpoints/ep-fraud", "auth.local_auth_disabled", true},
		{ws + "/onlineEndpoints/ep-fraud", "logging.invocation_enabled", true},
		{ws + "/onlineEndpoints/ep-llm", "auth.mode", "key"},
		{ws + "/onlineEndpoints/ep-llm", "identity.dedicated", false}, // its identity also holds a role on foundry-hub
		{ws + "/onlineEndpoints/ep-dev", "identity.default", true},
		{ws + "/computes/ci-alice", "notebook.direct_internet", true},
		{"//management.azure.com/subscriptions/11111111-1111-1111-1111-111111111111/principals/00000000-0000-0000-0000-0000000000e1", "iam.principal_type", "managed_identity"},
		{"//management.azure.com/subscriptions/11111111-1111-1111-1111-111111111111/principals/00000000-0000-0000-0000-0000000000a1", "iam.ai_wildcard_actions", true},
		{"//management.azure.com/subscriptions/11111111-1111-1111-1111-111111111111/principals/00000000-0000-0000-0000-0000000000c1", "iam.can_read_ai_keys", true},
	} {
		a, ok := byID[c.id]
		if !ok {
			t.Errorf("no asset %s", c.id)
			continue
		}
		f, _ := a.Fact(c.key)
		if d := cmp.Diff(c.want, f.Value); d != "" {
			t.Errorf("%s %s (-want +got):\n%s", c.id, c.key, d)
		}
	}
	goldentest.FactsDocumented(t, "../../docs/facts.md", inv, 50)
}

// Azure Policy for ORG.4: ai-prod inherits an assignment that denies
// public AI accounts (the definition's effect parameter assigned Deny) and
// one that denies other regions (not about AI); ai-dev has the same AI
// definition assigned with its default effect, Audit, which denies nothing;
// ai-research is assigned an initiative that denies through its parameter.
func TestPolicyGuardrails(t *testing.T) {
	srv, _ := startSim(t, nil)
	inv := collectRaw(t, srv, azcol.Options{Subscriptions: []string{"11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222", "66666666-6666-6666-6666-666666666666"}})
	got := map[string]map[string]any{}
	for _, sf := range inv.ScopeFacts {
		for _, f := range sf.Facts {
			if strings.HasPrefix(f.Key, "org.") {
				if got[sf.Scope.ID] == nil {
					got[sf.Scope.ID] = map[string]any{}
				}
				got[sf.Scope.ID][f.Key] = f.Value
			}
		}
	}
	want := map[string]map[string]any{
		"azure:11111111-1111-1111-1111-111111111111": {"org.ai_service_policy": true, "org.ai_policies": []string{"Deny public Azure AI accounts"}},
		"azure:22222222-2222-2222-2222-222222222222": {"org.ai_service_policy": false, "org.ai_policies": []string{}},
		// an initiative whose member's effect is the initiative's parameter, Deny by default
		"azure:66666666-6666-6666-6666-666666666666": {"org.ai_service_policy": true, "org.ai_policies": []string{"AI baseline"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("policy scope facts (-want +got):\n%s", d)
	}
}
