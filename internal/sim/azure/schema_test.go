package azure

import (
	"encoding/json"
	"fmt"
	"sort"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/cognitiveservices/armcognitiveservices/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
)

// estates are every estate the emulator serves in this repository.
var estates = []string{"../../../collectors/azure/testdata/estate.yaml", "../demo/estate/azure.yaml"}

// TestEstatesMatchTheServiceSchemas: every field of every resource an
// estate seeds is in the service's schema at the api-version the collector
// reads, as the Azure SDK for Go's models carry it (generated from the REST
// API specifications' definitions): a resource's body is decoded into the
// SDK's model and encoded again, and a field that does not survive the
// round trip is not in the schema, so the emulator would serve something
// the service never sends.
func TestEstatesMatchTheServiceSchemas(t *testing.T) {
	for _, path := range estates {
		e, err := LoadEstate(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range e.Subscriptions {
			for g, rg := range sub.ResourceGroups {
				for _, a := range rg.CognitiveAccounts {
					where := fmt.Sprintf("%s: %s/%s/accounts/%s", path, sub.ID, g, a.Name)
					check(t, where, a.Body, &armcognitiveservices.Account{})
					kids(t, where, a, "deployments", func() any { return &armcognitiveservices.Deployment{} })
					kids(t, where, a, "raiPolicies", func() any { return &armcognitiveservices.RaiPolicy{} })
					kids(t, where, a, "projects", func() any { return &armcognitiveservices.Project{} })
					kids(t, where, a, "diagnosticSettings", func() any { return &armmonitor.DiagnosticSettingsResource{} })
				}
				for _, w := range rg.MLWorkspaces {
					where := fmt.Sprintf("%s: %s/%s/workspaces/%s", path, sub.ID, g, w.Name)
					check(t, where, w.Body, &armmachinelearning.Workspace{})
					kids(t, where, w, "computes", func() any { return &armmachinelearning.ComputeResource{} })
					kids(t, where, w, "diagnosticSettings", func() any { return &armmonitor.DiagnosticSettingsResource{} })
					for _, ep := range w.Children["onlineEndpoints"] {
						ew := where + "/onlineEndpoints/" + ep.Name
						check(t, ew, ep.Body, &armmachinelearning.OnlineEndpoint{})
						kids(t, ew, ep, "deployments", func() any { return &armmachinelearning.OnlineDeployment{} })
						kids(t, ew, ep, "diagnosticSettings", func() any { return &armmonitor.DiagnosticSettingsResource{} })
					}
				}
				for _, r := range rg.MLRegistries {
					check(t, fmt.Sprintf("%s: %s/%s/registries/%s", path, sub.ID, g, r.Name), r.Body, &armmachinelearning.Registry{})
				}
			}
		}
	}
}

func kids(t *testing.T, where string, r *Resource, coll string, model func() any) {
	for _, c := range r.Children[coll] {
		check(t, where+"/"+coll+"/"+c.Name, c.Body, model())
	}
}

// check decodes body into model, encodes it again and reports every field
// of body the round trip lost.
func check(t *testing.T, where string, body map[string]any, model any) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, model); err != nil {
		t.Errorf("%s: does not decode as %T: %v", where, model, err)
		return
	}
	back, err := json.Marshal(model)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(back, &got); err != nil {
		t.Fatal(err)
	}
	var lost []string
	missing("", body, got, &lost)
	sort.Strings(lost)
	for _, l := range lost {
		t.Errorf("%s: field %s is not in the service's schema (%T)", where, l, model)
	}
}

func missing(at string, want, got any, lost *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, _ := got.(map[string]any)
		for k, v := range w {
			if v == nil {
				continue
			}
			gv, ok := g[k]
			if !ok {
				*lost = append(*lost, at+"."+k)
				continue
			}
			missing(at+"."+k, v, gv, lost)
		}
	case []any:
		g, _ := got.([]any)
		for i, v := range w {
			if i < len(g) {
				missing(fmt.Sprintf("%s[%d]", at, i), v, g[i], lost)
			}
		}
	}
}
