package scale

import (
	"slices"
	"strings"
	"testing"

	"github.com/aisight/aisight/internal/sim/demo"
	"github.com/aisight/aisight/model"
)

// Grow adds copies up to the size asked, each with identities of its own,
// gives every account and project the scenario's regions and locations,
// and never removes the sample's units.
func TestGrowSizesAndIdentities(t *testing.T) {
	base, err := demo.SampleEstates()
	if err != nil {
		t.Fatal(err)
	}
	size := Size{AWSAccounts: 12, AWSRegions: []string{"us-east-1", "sa-east-1"}, GCPProjects: 11, GCPLocations: []string{"us-central1", "asia-south1"},
		AzureSubscriptions: 7, SaaSKeys: 300, HFOrgs: 3, CopilotOrgs: 4}
	es, copies, err := Grow(base, size)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, a := range es.AWS.Accounts {
		if ids[a.ID] {
			t.Errorf("AWS account %s twice", a.ID)
		}
		ids[a.ID] = true
		if a.Regions["sa-east-1"] == nil || a.Regions["us-east-1"] == nil {
			t.Errorf("AWS account %s lacks the scenario's regions", a.ID)
		}
	}
	for _, p := range es.GCP.Projects {
		if ids[p.ID] || ids[p.Number] {
			t.Errorf("GCP project %s (%s) twice", p.ID, p.Number)
		}
		ids[p.ID], ids[p.Number] = true, true
		// A copy in a folder has its own folder, whose grants name the
		// copy's service accounts, never the source project's.
		if f := es.GCP.Node(p.Parent); strings.HasPrefix(p.Parent, "folders/") {
			if f == nil {
				t.Errorf("GCP project %s: its folder %s is not in the estate", p.ID, p.Parent)
			} else if strings.Contains(p.ID, "-c") && !strings.Contains(string(f.IAMPolicy), "@"+p.ID+".") {
				t.Errorf("GCP project %s: its folder %s grants %s", p.ID, f.Name, f.IAMPolicy)
			}
		}
	}
	for _, s := range es.Azure.Subscriptions {
		if ids[s.ID] {
			t.Errorf("Azure subscription %s twice", s.ID)
		}
		ids[s.ID] = true
	}
	keys, values := 0, map[string]bool{}
	for _, p := range es.SaaS.OpenAI.Projects {
		for _, k := range p.Keys {
			keys++
			values[k.Value] = true
		}
	}
	for _, k := range es.SaaS.Anthropic.Keys {
		keys++
		values[k.Value] = true
	}
	if len(es.AWS.Accounts) != 12 || len(es.GCP.Projects) != 11 || len(es.Azure.Subscriptions) != 7 || keys < 300 {
		t.Errorf("grown to %d accounts, %d projects, %d subscriptions, %d keys", len(es.AWS.Accounts), len(es.GCP.Projects), len(es.Azure.Subscriptions), keys)
	}
	if len(values) != keys {
		t.Errorf("%d keys share %d values", keys, len(values))
	}
	if !slices.Equal(es.GCP.Locations, size.GCPLocations) {
		t.Errorf("GCP locations %v", es.GCP.Locations)
	}
	// Each copy renames its original's ids, and only those.
	want := Expected([]model.Asset{
		{ID: "arn:aws:bedrock:us-east-1:222222222222:agent/AG9", Scope: "aws:222222222222:us-east-1"},
		{ID: "//aiplatform.googleapis.com/projects/ml-prod/locations/us-central1/endpoints/1", Scope: "gcp:ml-prod:us-central1"},
		{ID: "//aiplatform.googleapis.com/projects/ml-prod-eu/locations/us-central1/endpoints/1", Scope: "gcp:ml-prod:us-central1"},
	}, copies)
	if !want["//aiplatform.googleapis.com/projects/ml-prod-eu/locations/us-central1/endpoints/1"] {
		t.Error("the sample's own asset is not expected")
	}
	for id := range want {
		if id == "//aiplatform.googleapis.com/projects/ml-prod-eu-c5/locations/us-central1/endpoints/1" {
			t.Error("a copy renamed an id inside a longer one")
		}
	}
	if len(want) < 4 {
		t.Errorf("no copy's asset expected: %v", want)
	}
	// The platforms: three Hugging Face organisations, four with Copilot
	// (the sample's one without Copilot is not copied), each copy's assets
	// its original's renamed.
	copilotOrgs := 0
	for _, o := range es.SaaS.GitHub.Orgs {
		if o.Copilot {
			copilotOrgs++
		}
	}
	if len(es.SaaS.HuggingFace.Orgs) != 3 || copilotOrgs != 4 {
		t.Errorf("%d Hugging Face organisations, %d with Copilot", len(es.SaaS.HuggingFace.Orgs), copilotOrgs)
	}
	pw := Expected([]model.Asset{
		{ID: "huggingface://endpoints/acme-ai/support-llama", Scope: "huggingface:acme-ai"},
		{ID: "github://orgs/acme-corp/copilot/seats/alice", Scope: "github:acme-corp"},
	}, copies)
	for _, id := range []string{"huggingface://endpoints/acme-ai-c2/support-llama", "github://orgs/acme-corp-c3/copilot/seats/alice"} {
		if !pw[id] {
			t.Errorf("%s not expected of the copies", id)
		}
	}
	for _, o := range es.SaaS.HuggingFace.Orgs {
		for _, ep := range o.Endpoints {
			if strings.HasPrefix(ep.Repository, "acme-ai/") && o.Name != "acme-ai" {
				t.Errorf("%s's endpoint %s serves the original's model %s", o.Name, ep.Name, ep.Repository)
			}
		}
	}
}
