package gcp_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/aisight/aisight/collectors"
	gcpcol "github.com/aisight/aisight/collectors/gcp"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/enrich"
	sim "github.com/aisight/aisight/internal/sim/gcp"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

// startSim serves testdata/estate.yaml, changed by mutate.
func startSim(t *testing.T, mutate func(*sim.Estate)) (*sim.Server, *sim.Estate) {
	t.Helper()
	e, err := sim.LoadEstate("testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(e)
	}
	srv, err := sim.Start(e)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv, e
}

// collect runs the collector through the real clients against the
// emulator, as the CLI would, and enriches the inventory.
func collect(t *testing.T, srv *sim.Server, o gcpcol.Options) model.Inventory {
	t.Helper()
	inv := collectRaw(t, srv, o)
	enrich.Apply(&inv, enrich.Options{})
	inv.Normalize()
	return inv
}

// collectRaw is collect without enrichment: what the collector reports.
func collectRaw(t *testing.T, srv *sim.Server, o gcpcol.Options) model.Inventory {
	t.Helper()
	ctx := context.Background()
	o.Emulator = srv.Addr
	o.Backoff, o.MaxBackoff = time.Millisecond, 5*time.Millisecond
	if o.MaxAttempts == 0 {
		o.MaxAttempts = 30
	}
	o.RatePerProject = 5000
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := gcpcol.New(ctx, o, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, Concurrency: 8, PerCollector: 8, RetryBackoff: time.Millisecond}).
		Run(ctx, []collectors.Plan{{Name: gcpcol.Name, Collector: c}})
	inv.Normalize()
	return inv
}

func sha6(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:6])
}

const vx = "//aiplatform.googleapis.com/"

// groundTruth lists the Vertex AI and Workbench resources the estate holds
// where the caller may read them (active projects, not denied, the API
// enabled, the service offered in the location), by the resource-name
// formats of the APIs.
func groundTruth(e *sim.Estate) []string {
	var ids []string
	for _, p := range e.Projects {
		if p.State != "" && p.State != "ACTIVE" || p.Denied {
			continue
		}
		if !slices.Contains(p.DisabledServices, "notebooks.googleapis.com") {
			for _, in := range p.WorkbenchInstances() {
				ids = append(ids, "//notebooks.googleapis.com/"+in.GetName())
			}
		}
		if slices.Contains(p.DisabledServices, "aiplatform.googleapis.com") {
			continue
		}
		for _, loc := range e.Locations {
			v := p.Vertex[loc]
			if v == nil {
				continue
			}
			offered := func(s string) bool { return !slices.Contains(v.NotOffered, s) }
			for _, ep := range v.ParsedEndpoints() {
				ids = append(ids, vx+ep.GetName())
				for _, dm := range ep.GetDeployedModels() {
					ids = append(ids, vx+ep.GetName()+"/deployedModels/"+dm.GetId())
				}
			}
			for _, m := range v.ParsedModels() {
				ids = append(ids, vx+m.GetName()+"@"+m.GetVersionId())
			}
			if offered("tuning_jobs") {
				for _, j := range v.ParsedTuningJobs() {
					if tm := j.GetTunedModel().GetModel(); tm != "" {
						ids = append(ids, vx+tm)
					}
				}
			}
			if offered("reasoning_engines") {
				for _, r := range v.ParsedEngines() {
					ids = append(ids, vx+r.GetName())
				}
			}
			for _, ie := range v.ParsedIndexEndpoints() {
				ids = append(ids, vx+ie.GetName())
			}
			for _, r := range v.ParsedRuntimes() {
				ids = append(ids, vx+r.GetName())
			}
		}
	}
	sort.Strings(ids)
	return slices.Compact(ids)
}

// principals are the AI principals of the estate's readable projects and
// the credentials they and its resources hold, read off the estate by hand.
var principals = []string{
	// ml-prod's API keys that reach a model: the Gemini API key and the
	// unrestricted one (not the Maps key, not the deleted Vertex AI key).
	"//apikeys.googleapis.com/projects/100000000001/locations/global/keys/gemini-studio",
	"//apikeys.googleapis.com/projects/100000000001/locations/global/keys/unrestricted",
	"//cloudresourcemanager.googleapis.com/projects/legacy-web/members/group:web-admins@example.com",
	"//cloudresourcemanager.googleapis.com/projects/ml-dev/members/allAuthenticatedUsers",
	"//cloudresourcemanager.googleapis.com/projects/ml-dev/members/group:ml-platform-admins@example.com", // from the organisation, through folders/555
	"//cloudresourcemanager.googleapis.com/projects/ml-dev/members/user:carol@example.com",
	"//cloudresourcemanager.googleapis.com/projects/ml-prod/members/group:ml-engineers@example.com",
	"//cloudresourcemanager.googleapis.com/projects/ml-prod/members/group:ml-platform-admins@example.com", // from the organisation
	"//cloudresourcemanager.googleapis.com/projects/ml-prod/members/serviceAccount:ci@ml-dev.iam.gserviceaccount.com",
	"//cloudresourcemanager.googleapis.com/projects/ml-prod/members/user:alice@example.com",
	"//iam.googleapis.com/projects/agents-prod/serviceAccounts/agents@agents-prod.iam.gserviceaccount.com",
	"//iam.googleapis.com/projects/ml-dev/serviceAccounts/ci@ml-dev.iam.gserviceaccount.com",
	"//iam.googleapis.com/projects/ml-dev/serviceAccounts/ci@ml-dev.iam.gserviceaccount.com#gcp_service_account_key-" + sha6("c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1"),
	"//iam.googleapis.com/projects/ml-prod/serviceAccounts/100000000001-compute@developer.gserviceaccount.com",
	"//iam.googleapis.com/projects/ml-prod/serviceAccounts/agent-support@ml-prod.iam.gserviceaccount.com",
	"//iam.googleapis.com/projects/ml-prod/serviceAccounts/notebooks@ml-prod.iam.gserviceaccount.com",
	"//iam.googleapis.com/projects/ml-prod/serviceAccounts/notebooks@ml-prod.iam.gserviceaccount.com#gcp_service_account_key-" + sha6("5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e5e"),
	"//iam.googleapis.com/projects/ml-prod/serviceAccounts/service-100000000001@gcp-sa-aiplatform.iam.gserviceaccount.com",
	"//iam.googleapis.com/projects/ml-prod/serviceAccounts/vertex-serving@ml-prod.iam.gserviceaccount.com",
	"//iam.googleapis.com/projects/ml-prod/serviceAccounts/vertex-serving@ml-prod.iam.gserviceaccount.com#gcp_service_account_key-" + sha6("1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c"),
	vx + "projects/ml-prod/locations/us-central1/models/llama-vllm@2#key-" + sha6("hf_GcpCanary0Token1Acbedgfihkjmlonqpr"),
	vx + "projects/ml-prod/locations/us-central1/reasoningEngines/2001#key-" + sha6("sk-proj-GcpAgentCanary1032547698badcfehgjilknmporqtsvuxwzyABCD"),
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

func principalOrKey(a model.Asset) bool {
	return a.Kind == model.KindIdentity || a.Kind == model.KindAPIKey
}

func runsByScope(inv model.Inventory) map[string]model.CollectorRun {
	out := map[string]model.CollectorRun{}
	for _, r := range inv.RunsFor(gcpcol.Name) {
		out[r.Scope.ID] = r
	}
	return out
}

// The must-show: 3 projects x 2 locations with every resource type, pages
// of one item, a denied project, a project with Vertex AI disabled, and 30%
// of calls answered RESOURCE_EXHAUSTED. The inventory is the ground truth,
// the denied and disabled scopes are classified, and the calls needed
// exactly the permissions of deploy/gcp's role.
func TestInventoryMatchesGroundTruth(t *testing.T) {
	srv, e := startSim(t, func(e *sim.Estate) {
		e.PageSize = 1
		e.Faults.ResourceExhaustedRate = 0.3
		e.Faults.Seed = 7
	})
	inv := collect(t, srv, gcpcol.Options{})

	if diff := cmp.Diff(groundTruth(e), ids(inv, func(a model.Asset) bool { return !principalOrKey(a) })); diff != "" {
		t.Errorf("resources differ from the estate (-want +got):\n%s", diff)
	}
	want := slices.Sorted(slices.Values(principals))
	if diff := cmp.Diff(want, ids(inv, principalOrKey)); diff != "" {
		t.Errorf("principals and keys (-want +got):\n%s", diff)
	}

	runs := runsByScope(inv)
	wantRuns := map[string][2]string{ // scope -> status, class
		"gcp:ml-prod": {"ok", ""}, "gcp:ml-prod:us-central1": {"ok", ""}, "gcp:ml-prod:europe-west4": {"ok", ""},
		"gcp:ml-dev": {"ok", ""}, "gcp:ml-dev:us-central1": {"ok", ""}, "gcp:ml-dev:europe-west4": {"ok", ""},
		"gcp:agents-prod": {"ok", ""}, "gcp:agents-prod:us-central1": {"ok", ""}, "gcp:agents-prod:europe-west4": {"ok", ""},
		"gcp:finance-ai": {"failed", "denied"}, "gcp:finance-ai:us-central1": {"failed", "denied"}, "gcp:finance-ai:europe-west4": {"failed", "denied"},
		"gcp:legacy-web": {"ok", ""}, "gcp:legacy-web:us-central1": {"skipped", "not_enabled"}, "gcp:legacy-web:europe-west4": {"skipped", "not_enabled"},
	}
	got := map[string][2]string{}
	for id, r := range runs {
		got[id] = [2]string{string(r.Status), string(r.ErrorClass)}
	}
	if diff := cmp.Diff(wantRuns, got); diff != "" {
		t.Errorf("scope runs (-want +got):\n%s", diff)
		for id, r := range runs {
			if r.Error != "" {
				t.Logf("%s: %s", id, r.Error)
			}
		}
	}
	if r := runs["gcp:legacy-web:us-central1"]; !strings.Contains(r.Error, "SERVICE_DISABLED") && !strings.Contains(r.Error, "has not been used") {
		t.Errorf("the disabled scope does not say why: %q", r.Error)
	}
	retried := int64(0)
	for _, r := range runs {
		retried += r.Stats["throttled_retries"]
	}
	if retried == 0 {
		t.Error("30% RESOURCE_EXHAUSTED caused no retries: the fault did not reach the client")
	}
	if u := srv.Unexpected(); len(u) > 0 {
		t.Errorf("non-read-only calls: %v", u)
	}
	role := loadRole(t)
	if diff := cmp.Diff(role, srv.Permissions()); diff != "" {
		t.Errorf("deploy/gcp role vs permissions the calls needed (-role +used):\n%s", diff)
	}
}

// loadRole reads the permissions of the custom role deploy/gcp ships.
func loadRole(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../../deploy/gcp/aisight-role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var role struct {
		IncludedPermissions []string `json:"includedPermissions"`
	}
	if err := yaml.UnmarshalStrict(b, &role); err != nil && !strings.Contains(err.Error(), "unknown field") {
		t.Fatal(err)
	}
	for _, p := range role.IncludedPermissions {
		verb := p[strings.LastIndex(p, ".")+1:]
		if verb != "get" && verb != "list" && verb != "getIamPolicy" {
			t.Errorf("role permission %s is not a get or list", p)
		}
	}
	sort.Strings(role.IncludedPermissions)
	return role.IncludedPermissions
}

// Named projects and locations: no search and no Locations call; a
// project whose Vertex AI API is disabled is skipped per location with
// the reason, from the families' own SERVICE_DISABLED answers.
func TestNamedProjectsAndLocations(t *testing.T) {
	srv, _ := startSim(t, nil)
	inv := collect(t, srv, gcpcol.Options{Projects: []string{"ml-dev", "legacy-web"}, Locations: []string{"us-central1"}})
	got := map[string]string{}
	for id, r := range runsByScope(inv) {
		got[id] = string(r.Status) + "/" + string(r.ErrorClass)
	}
	want := map[string]string{"gcp:ml-dev": "ok/", "gcp:ml-dev:us-central1": "ok/", "gcp:legacy-web": "ok/", "gcp:legacy-web:us-central1": "skipped/not_enabled"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("runs (-want +got):\n%s", d)
	}
	if slices.Contains(srv.Permissions(), "aiplatform.locations.list") {
		t.Error("--gcp-locations still listed locations")
	}
	var notes []string
	for _, r := range inv.RunsFor(gcpcol.Name) {
		notes = append(notes, r.Notes...)
	}
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.Contains(n, "Notebooks API is not enabled in legacy-web") }) {
		t.Errorf("the disabled Workbench API is not noted: %q", notes)
	}
}

// Facts survive the real clients and enrichment: network, encryption,
// logging and identity sharing, and the locations' logging scope facts.
func TestFactsThroughTheClients(t *testing.T) {
	srv, _ := startSim(t, nil)
	inv := collect(t, srv, gcpcol.Options{Projects: []string{"ml-prod", "ml-dev", "agents-prod"}})
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		byID[a.ID] = a
	}
	fact := func(id, key string) any {
		a, ok := byID[id]
		if !ok {
			t.Fatalf("no asset %s", id)
		}
		f, ok := a.Fact(key)
		if !ok {
			return nil
		}
		return f.Value
	}
	loc := vx + "projects/ml-prod/locations/us-central1/"
	for _, c := range []struct {
		id, key string
		want    any
	}{
		{loc + "endpoints/1002", "network.public_access", false},
		{loc + "endpoints/1002", "encryption.cmek", true},
		{loc + "endpoints/1002", "logging.invocation_enabled", true},
		{loc + "endpoints/1001", "network.public_access", true},
		{loc + "endpoints/1001/deployedModels/dm-chat-1", "identity.default", true},
		{loc + "endpoints/1001/deployedModels/dm-chat-2", "identity.dedicated", false}, // vertex-serving also serves fraud
		// on a deployment resource pool: its machines and service account
		{loc + "endpoints/1004/deployedModels/dm-gemma-shared", "identity.service_account", "vertex-pool@ml-prod.iam.gserviceaccount.com"},
		{loc + "endpoints/1004/deployedModels/dm-gemma-shared", "gpu.requested", int64(2)},
		{loc + "endpoints/1004/deployedModels/dm-gemma-shared", "compute.machine_type", "g2-standard-24"},
		{loc + "endpoints/1004/deployedModels/dm-gemma-shared", "vertex.deployment_resource_pool", "projects/ml-prod/locations/us-central1/deploymentResourcePools/pool-l4"},
		{loc + "reasoningEngines/2001", "identity.dedicated", true},
		{loc + "reasoningEngines/2001", "env.credential_literal", true},
		{loc + "reasoningEngines/2002", "identity.default", true},
		{loc + "models/llama-vllm@1", "image.pinned_digest", true},
		{loc + "models/llama-vllm@2", "image.pinned_digest", false},
		{loc + "models/billing-bot@1", "model.base", "gemini-2.5-flash"},
		{loc + "models/gemini-support@1", "model.customization", "SUPERVISED_FINE_TUNING"},
		{loc + "indexEndpoints/3001", "network.public_access", true},
		{loc + "notebookRuntimes/rt-euc", "notebook.direct_internet", true},
		{"//notebooks.googleapis.com/projects/ml-prod/locations/us-central1-b/instances/wb-secure", "notebook.root_access", false},
		{"//iam.googleapis.com/projects/ml-prod/serviceAccounts/vertex-serving@ml-prod.iam.gserviceaccount.com", "iam.long_lived_ai_credentials", true},
		{"//iam.googleapis.com/projects/ml-prod/serviceAccounts/agent-support@ml-prod.iam.gserviceaccount.com", "iam.long_lived_ai_credentials", false},
		{"//iam.googleapis.com/projects/ml-prod/serviceAccounts/agent-support@ml-prod.iam.gserviceaccount.com", "iam.ai_actions", []string{"aiplatform.endpoints.get", "aiplatform.endpoints.predict"}},
		{"//iam.googleapis.com/projects/ml-prod/serviceAccounts/100000000001-compute@developer.gserviceaccount.com", "iam.ai_wildcard_actions", true},
	} {
		if d := cmp.Diff(c.want, fact(c.id, c.key)); d != "" {
			t.Errorf("%s %s (-want +got):\n%s", c.id, c.key, d)
		}
	}
	goldentest.FactsDocumented(t, "../../docs/facts.md", inv, 60)
	if a := byID[loc+"endpoints/1001"]; a.Owner != "chat-team" {
		t.Errorf("owner label: %q", a.Owner)
	}
	scopeFacts := map[string]map[string]any{}
	for _, sf := range inv.ScopeFacts {
		m := map[string]any{}
		for _, f := range sf.Facts {
			m[f.Key] = f.Value
		}
		scopeFacts[sf.Scope.ID] = m
	}
	for scope, want := range map[string]map[string]any{
		"gcp:ml-prod:us-central1":     {"vertex.endpoints": int64(4), "logging.invocation_enabled": true, "logging.destination": "bigquery"},
		"gcp:ml-dev:us-central1":      {"vertex.endpoints": int64(1), "logging.invocation_enabled": false, "logging.destination": ""},
		"gcp:agents-prod:us-central1": {"vertex.endpoints": int64(0)},
	} {
		if d := cmp.Diff(want, scopeFacts[scope]); d != "" {
			t.Errorf("scope facts of %s (-want +got):\n%s", scope, d)
		}
	}
}

// Throttling that never ends is classified throttled once the attempts
// run out, and the scan still ends.
func TestThrottlingExhausted(t *testing.T) {
	srv, _ := startSim(t, func(e *sim.Estate) { e.Faults.ResourceExhaustedRate = 1 })
	inv := collect(t, srv, gcpcol.Options{Projects: []string{"ml-dev"}, Locations: []string{"us-central1"}, MaxAttempts: 2})
	for _, r := range inv.RunsFor(gcpcol.Name) {
		if r.Status != model.StatusFailed || r.ErrorClass != model.ErrThrottled {
			t.Errorf("%s: %s/%s (%s)", r.Scope.ID, r.Status, r.ErrorClass, r.Error)
		}
	}
}

var update = goldentest.Flag()

// The scoring golden estate gcp-vertex is this collector's own output for
// testdata/estate.yaml (timings zeroed, the clock fixed): the scorer is
// tested on what the collector really reports. Regenerate with
// go test ./collectors/gcp -run TestScoringEstate -update.
func TestScoringEstateIsCollectorOutput(t *testing.T) {
	srv, _ := startSim(t, nil)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	inv := collectRaw(t, srv, gcpcol.Options{Now: func() time.Time { return now }})
	inv.Scan.Started, inv.Scan.Finished = now, now
	for i := range inv.Scan.CollectorRuns {
		r := &inv.Scan.CollectorRuns[i]
		r.Started, r.Duration = now, 0
	}
	got, err := json.MarshalIndent(inv, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	goldentest.Compare(t, "../../scoring/testdata/gcp-vertex.inventory.json", append(got, '\n'), update)
}

// A location whose deployment resource pools cannot be listed: the scope is
// partial, names the listing, and the model on a pool keeps unknown
// machines and identity.
func TestPoolsNotListedAreNamed(t *testing.T) {
	srv, _ := startSim(t, func(e *sim.Estate) {
		for _, p := range e.Projects {
			if v := p.Vertex["us-central1"]; p.ID == "ml-prod" && v != nil {
				v.NotOffered = append(v.NotOffered, "deployment_resource_pools")
			}
		}
	})
	inv := collectRaw(t, srv, gcpcol.Options{Projects: []string{"ml-prod"}, Locations: []string{"us-central1"}})
	r := runsByScope(inv)["gcp:ml-prod:us-central1"]
	if r.Status != model.StatusPartial || !strings.Contains(r.Error, "deployment-resource-pools") {
		t.Errorf("scope %s %q, want partial naming the pools listing", r.Status, r.Error)
	}
	for _, a := range inv.Assets {
		if strings.HasSuffix(a.ID, "/deployedModels/dm-gemma-shared") {
			if _, ok := a.Fact("gpu.requested"); ok || a.Identity != "" {
				t.Errorf("the model on the unread pool has gpu/identity: %v %q", a.Facts, a.Identity)
			}
			return
		}
	}
	t.Error("the model on the unread pool is not inventoried")
}

// Roles granted above a project hold in it: they are read from the
// folders and organisation it sits in, named with where they are set; an
// ancestor whose policy cannot be read is named, and the project's own
// principals are still reported.
func TestInheritedGrants(t *testing.T) {
	srv, _ := startSim(t, nil)
	inv := collectRaw(t, srv, gcpcol.Options{Projects: []string{"ml-dev"}, Locations: []string{"us-central1"}})
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		byID[a.ID] = a
	}
	ci := byID["//iam.googleapis.com/projects/ml-dev/serviceAccounts/ci@ml-dev.iam.gserviceaccount.com"]
	if f, _ := ci.Fact("iam.ai_roles"); !reflect.DeepEqual(f.Value, []string{"roles/aiplatform.user", "roles/aiplatform.user@folders/555"}) {
		t.Errorf("ci@ml-dev roles %v, want the project's and the folder's", f.Value)
	}
	admins := byID["//cloudresourcemanager.googleapis.com/projects/ml-dev/members/group:ml-platform-admins@example.com"]
	if f, _ := admins.Fact("iam.ai_broad_grants"); !reflect.DeepEqual(f.Value, []string{"predefined:roles/aiplatform.admin@organizations/424242424242"}) {
		t.Errorf("the organisation's admins in ml-dev: %v", f.Value)
	}

	srv, _ = startSim(t, func(e *sim.Estate) { e.Organizations[0].Denied = true })
	inv = collectRaw(t, srv, gcpcol.Options{Projects: []string{"ml-dev"}, Locations: []string{"us-central1"}})
	r := runsByScope(inv)["gcp:ml-dev"]
	if r.Status != model.StatusPartial || !strings.Contains(r.Error, "inherits from organizations/424242424242 are unknown") {
		t.Errorf("ml-dev with its organisation unreadable: %s %q", r.Status, r.Error)
	}
	found := false
	for _, a := range inv.Assets {
		if a.ID == "//cloudresourcemanager.googleapis.com/projects/ml-dev/members/user:carol@example.com" {
			found = true
		}
	}
	if !found {
		t.Error("the project's own principals are not reported when an ancestor is unreadable")
	}
}

// The organisation policy in effect for each project, read through the
// Organization Policy API: ml-prod and ml-dev inherit the organisation's
// allowed models and locations (ml-dev through its folder); agents-prod
// sits in no organisation, so nothing restricts it.
func TestEffectiveOrgPolicies(t *testing.T) {
	srv, _ := startSim(t, nil)
	inv := collectRaw(t, srv, gcpcol.Options{Projects: []string{"ml-prod", "ml-dev", "agents-prod"}, Locations: []string{"us-central1"}})
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
	inherited := map[string]any{"org.ai_service_policy": true, "org.ai_policies": []string{"gcp.resourceLocations", "vertexai.allowedModels"}, "org.regions_restricted": true}
	want := map[string]map[string]any{"gcp:ml-prod": inherited, "gcp:ml-dev": inherited,
		"gcp:agents-prod": {"org.ai_service_policy": false, "org.ai_policies": []string{}, "org.regions_restricted": false}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("org policy scope facts (-want +got):\n%s", d)
	}
}
