package azure_test

import (
	"context"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"

	"github.com/aisight/aisight/collectors"
	azcol "github.com/aisight/aisight/collectors/azure"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	sim "github.com/aisight/aisight/internal/sim/azure"
	"github.com/aisight/aisight/internal/testenv/replay"
	"github.com/aisight/aisight/model"
)

// conformanceScan runs the collector against the official examples of
// testdata/conformance (calls.yaml) and returns its inventory and the
// replay server.
func conformanceScan(t *testing.T) (model.Inventory, *replay.Server) {
	t.Helper()
	m, err := replay.Load("testdata/conformance/calls.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := replay.Start(t, m, "testdata/conformance/examples", true, "https://management.azure.com")
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := azcol.New(azcol.Options{
		RootCAs: srv.Roots(),
		Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: srv.URL, Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: srv.URL, Audience: srv.URL}}},
		Credential: azcol.StaticToken(sim.Token), RatePerSubscription: 5000, RetryDelay: time.Millisecond,
		// The examples' subscriptions are two; the resources they list are
		// the same whichever is asked, so one is scanned.
		Subscriptions: []string{"291bba3f-e0a5-47bc-a099-3bdcb2a50a05"},
	}, cat)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, Concurrency: 4, PerCollector: 4, RetryBackoff: time.Millisecond}).
		Run(context.Background(), []collectors.Plan{{Name: azcol.Name, Collector: c}})
	inv.Normalize()
	return inv, srv
}

// TestConformanceWithOfficialExamples scans the official examples of every
// call the collector makes (testdata/conformance/calls.yaml: the examples,
// their provenance and the only edits made to them) and checks the assets
// and facts against what the examples say. Every expectation below is
// written from the example named beside it.
func TestConformanceWithOfficialExamples(t *testing.T) {
	inv, srv := conformanceScan(t)
	if u := srv.Unmatched(); len(u) > 0 {
		t.Errorf("calls with no official example in calls.yaml: %q", u)
	}
	if n := srv.NeverCalled(); len(n) > 0 {
		t.Errorf("calls.yaml lists calls the collector never made: %q", n)
	}
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusOK {
			t.Errorf("scope %s: %s %s %q", r.Scope.ID, r.Status, r.Error, r.Problems)
		}
	}
	const (
		exSub   = "/subscriptions/00000000-1111-2222-3333-444444444444"
		scanSub = "/subscriptions/291bba3f-e0a5-47bc-a099-3bdcb2a50a05"
		accts   = exSub + "/resourceGroups/bvttest/providers/Microsoft.CognitiveServices/accounts/"
		kids    = scanSub + "/resourceGroups/bvttest/providers/Microsoft.CognitiveServices/accounts/"
		wsA     = exSub + "/resourceGroups/workspace-1234/providers/Microsoft.MachineLearningServices/workspaces/testworkspace"
		wsB     = exSub + "/resourceGroups/workspace-5678/providers/Microsoft.MachineLearningServices/workspaces/testworkspace"
		wsKidsA = scanSub + "/resourceGroups/workspace-1234/providers/Microsoft.MachineLearningServices/workspaces/testworkspace"
		wsKidsB = scanSub + "/resourceGroups/workspace-5678/providers/Microsoft.MachineLearningServices/workspaces/testworkspace"
		reg     = exSub + "/resourceGroups/registry-rg/providers/Microsoft.MachineLearningServices/registries/string"
	)
	want := map[string]map[string]any{
		// ListAccountsBySubscription: no disableLocalAuth, publicNetworkAccess
		// or encryption, so keys are on, the account is public, no CMK;
		// listDiagnosticSettings: allLogs to a storage account and an event hub.
		accts + "bingSearch": {"azure.kind": "OpenAI", "azure.sku": "S1", "auth.local_auth_disabled": false, "network.public_access": true,
			"encryption.cmek": false, "logging.invocation_enabled": true, "logging.destination": "event_hub,storage", "identity.managed": false},
		accts + "CrisProd":                {"azure.kind": "AIServices", "azure.sku": "S0", "network.public_access": true},
		accts + "bingSearch#account-keys": {"key.kind": "azure_cognitive_account_key", "iam.long_lived_ai_credentials": true},
		accts + "CrisProd#account-keys":   {"key.kind": "azure_cognitive_account_key"},
		// ListRaiPolicies: twelve filters, Hate on prompts neither enabled
		// nor blocking; base Microsoft.Default, asynchronous.
		kids + "bingSearch/raiPolicies/raiPolicyName": {"guardrail.base_policy": "Microsoft.Default", "guardrail.mode": "Asynchronous_filter",
			"guardrail.content_filters": int64(11), "guardrail.filters_off": []string{"prompt:hate"}, "guardrail.blocklists": int64(0)},
		kids + "CrisProd/raiPolicies/raiPolicyName": {"guardrail.content_filters": int64(11)},
		// ListDeployments: ada, format OpenAI, Standard x1, no raiPolicyName:
		// the service's default content filter applies.
		kids + "bingSearch/deployments/deploymentName": {"model.format": "OpenAI", "deployment.sku": "Standard", "deployment.capacity": int64(1),
			"guardrail.attached": true, "guardrail.service_default": true, "guardrail.policy": nil},
		kids + "CrisProd/deployments/deploymentName": {"guardrail.attached": true},
		// ListProjects (an AIServices account's only): two projects.
		kids + "CrisProd/projects/myProject":   {"azure.resource_type": "Microsoft.CognitiveServices/accounts/projects"},
		kids + "CrisProd/projects/myProject-2": {"azure.resource_type": "Microsoft.CognitiveServices/accounts/projects"},
		// Workspace/listBySubscription: no kind, no publicNetworkAccess.
		wsA: {"azure.kind": nil, "network.public_access": true, "encryption.cmek": false},
		wsB: {"azure.kind": nil},
		// Registries/listBySubscription: one approved private endpoint
		// connection, a system-assigned identity.
		reg: {"network.private_endpoints": int64(1), "network.private_endpoint": true, "identity.type": "SystemAssigned", "identity.managed": true},
		// OnlineEndpoint/list: AMLToken auth, a system-assigned identity.
		wsKidsA + "/onlineEndpoints/string": {"auth.mode": "amltoken", "auth.local_auth_disabled": true, "identity.type": "SystemAssigned"},
		wsKidsB + "/onlineEndpoints/string": {"auth.mode": "amltoken"},
		// OnlineDeployment/list: model and environment ids "string".
		wsKidsA + "/onlineEndpoints/string/deployments/string": {"ml.model": "string", "ml.environment": "string"},
		wsKidsB + "/onlineEndpoints/string/deployments/string": {"ml.model": "string"},
		// Compute/get/ComputeInstance: a public IP in connectivityEndpoints
		// (no enableNodePublicIp), SSH public access on, STANDARD_NC6.
		wsKidsA + "/computes/instance123": {"notebook.direct_internet": true, "network.public_access": true, "notebook.ssh_access": true,
			"compute.machine_type": "STANDARD_NC6"},
		wsKidsB + "/computes/instance123": {"network.public_access": true},
	}
	// Nothing else may be inventoried: the Face and Emotion accounts and the
	// AKS computes are not AI assets aisight inventories; the role
	// assignment's role has no AI action, so its principal is not one either.
	replay.ExpectAssets(t, inv, want)
	// listPolicyAssignments + getPolicyDefinition: a storage SKU and a tag
	// assignment whose definition (a naming rule) denies nothing of AI.
	sf := replay.ScopeFacts(inv)
	if sf["org.ai_service_policy"] != false || !reflect.DeepEqual(sf["org.ai_policies"], []string{}) {
		t.Errorf("policy scope facts %v %v, want false and none", sf["org.ai_service_policy"], sf["org.ai_policies"])
	}
}

// TestCallsDocumented: every call of calls.yaml, with its api-version, is in
// the collector's documentation.
func TestCallsDocumented(t *testing.T) {
	m, err := replay.Load("testdata/conformance/calls.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile("../../docs/collectors/azure.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range m.Calls {
		tail := c.Call[strings.LastIndex(c.Call, "/"):]
		row := regexp.MustCompile("(?m)^\\| `GET [^`]*" + regexp.QuoteMeta(tail) + "` \\| " + regexp.QuoteMeta(c.Query["api-version"]) + " \\|")
		if !row.Match(doc) {
			t.Errorf("docs/collectors/azure.md has no row for %s at %s", c.Call, c.Query["api-version"])
		}
	}
}
