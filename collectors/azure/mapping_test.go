package azure

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/cognitiveservices/armcognitiveservices/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"
	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

type memSink struct {
	assets []model.Asset
	notes  []error
	counts map[string]int64
}

func (m *memSink) Asset(a model.Asset)     { m.assets = append(m.assets, a) }
func (m *memSink) ScopeFact(model.Fact)    {}
func (m *memSink) Problem(error)           {}
func (m *memSink) Count(k string, n int64) { m.counts[k] += n }
func (m *memSink) Note(err error)          { m.notes = append(m.notes, err) }

func testScan(t *testing.T) *scan {
	t.Helper()
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Credential: StaticToken("t")}, cat)
	if err != nil {
		t.Fatal(err)
	}
	return &scan{c: c, sub: "s1", sink: &memSink{counts: map[string]int64{}}, grants: map[string]*principal{},
		scope: model.Scope{ID: "azure:s1", Provider: Name, Kind: "subscription", Account: "s1"}}
}

func checkFacts(t *testing.T, name string, got []model.Fact, want map[string]any) {
	t.Helper()
	m := map[string]any{}
	for _, f := range got {
		m[f.Key] = f.Value
	}
	for k, v := range want {
		g, ok := m[k]
		if v == nil {
			if ok {
				t.Errorf("%s: fact %s = %v, want it absent (unknown)", name, k, g)
			}
			continue
		}
		if d := cmp.Diff(v, g); d != "" {
			t.Errorf("%s: fact %s (-want +got):\n%s", name, k, d)
		}
	}
}

func TestAccountMappings(t *testing.T) {
	s := testScan(t)
	private := &armcognitiveservices.Account{ID: to.Ptr("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a"),
		Name: to.Ptr("a"), Kind: to.Ptr("OpenAI"), Location: to.Ptr("eastus"), Tags: map[string]*string{"Owner": to.Ptr("chat")},
		Identity: &armcognitiveservices.Identity{Type: to.Ptr(armcognitiveservices.ResourceIdentityTypeSystemAssigned), PrincipalID: to.Ptr("P1")},
		Properties: &armcognitiveservices.AccountProperties{DisableLocalAuth: to.Ptr(true), PublicNetworkAccess: to.Ptr(armcognitiveservices.PublicNetworkAccessDisabled),
			Encryption: &armcognitiveservices.Encryption{KeySource: to.Ptr(armcognitiveservices.KeySourceMicrosoftKeyVault)},
			PrivateEndpointConnections: []*armcognitiveservices.PrivateEndpointConnection{{Properties: &armcognitiveservices.PrivateEndpointConnectionProperties{
				PrivateLinkServiceConnectionState: &armcognitiveservices.PrivateLinkServiceConnectionState{Status: to.Ptr(armcognitiveservices.PrivateEndpointServiceConnectionStatusApproved)}}}}}}
	allowlist := &armcognitiveservices.Account{ID: to.Ptr("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/b"),
		Kind: to.Ptr("AIServices"), Properties: &armcognitiveservices.AccountProperties{PublicNetworkAccess: to.Ptr(armcognitiveservices.PublicNetworkAccessEnabled),
			NetworkACLs: &armcognitiveservices.NetworkRuleSet{DefaultAction: to.Ptr(armcognitiveservices.NetworkRuleActionDeny), IPRules: []*armcognitiveservices.IPRule{{Value: to.Ptr("203.0.113.0/24")}}}}}
	open := &armcognitiveservices.Account{ID: to.Ptr("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/c"), Kind: to.Ptr("OpenAI")}

	a := s.accountAsset(private, &logging{enabled: true, destinations: []string{"log_analytics"}})
	checkFacts(t, "private CMK account", a.Facts, map[string]any{"azure.kind": "OpenAI", "auth.local_auth_disabled": true,
		"network.public_access": false, "network.connectivity": "private_endpoint", "network.private_endpoints": int64(1), "encryption.cmek": true,
		"identity.type": "SystemAssigned", "identity.managed": true, "logging.invocation_enabled": true, "logging.destination": "log_analytics"})
	if a.Owner != "chat" || a.Identity != "//management.azure.com/subscriptions/s1/principals/p1" || a.Kind != model.KindProject {
		t.Errorf("owner %q identity %q kind %s", a.Owner, a.Identity, a.Kind)
	}
	if s.accountKeys(private) != nil {
		t.Error("an account with local auth disabled has account keys")
	}
	b := s.accountAsset(allowlist, nil)
	checkFacts(t, "IP allow-listed account, logging unread", b.Facts, map[string]any{"network.public_access": false, "network.connectivity": "public_ip_allowlist",
		"network.ip_rules": int64(1), "auth.local_auth_disabled": false, "logging.invocation_enabled": nil, "identity.managed": false})
	c := s.accountAsset(open, &logging{})
	checkFacts(t, "open account without logs", c.Facts, map[string]any{"network.public_access": true, "network.connectivity": "public",
		"logging.invocation_enabled": false, "logging.destination": "", "encryption.cmek": false})
	k := s.accountKeys(open)
	if k == nil || k.ID != *open.ID+"#account-keys" || k.Secret != nil {
		t.Fatalf("account keys asset %+v", k)
	}
	checkFacts(t, "account keys", k.Facts, map[string]any{"key.kind": "azure_cognitive_account_key", "iam.long_lived_ai_credentials": true, "key.age_days": nil})
}

func TestRaiPolicyAndDeployments(t *testing.T) {
	s := testScan(t)
	relaxed := &armcognitiveservices.RaiPolicy{ID: to.Ptr("acct/raiPolicies/relaxed"), Name: to.Ptr("relaxed"), Properties: &armcognitiveservices.RaiPolicyProperties{
		Mode: to.Ptr(armcognitiveservices.RaiPolicyModeAsynchronousFilter),
		ContentFilters: []*armcognitiveservices.RaiPolicyContentFilter{
			{Name: to.Ptr("hate"), Enabled: to.Ptr(true), Blocking: to.Ptr(true), Source: to.Ptr(armcognitiveservices.RaiPolicyContentSourcePrompt)},
			{Name: to.Ptr("jailbreak"), Enabled: to.Ptr(false), Blocking: to.Ptr(false), Source: to.Ptr(armcognitiveservices.RaiPolicyContentSourcePrompt)},
			{Name: to.Ptr("violence"), Enabled: to.Ptr(true), Blocking: to.Ptr(false), Source: to.Ptr(armcognitiveservices.RaiPolicyContentSourceCompletion)}}}}
	g := s.raiPolicyAsset(relaxed, "eastus")
	checkFacts(t, "RAI policy", g.Facts, map[string]any{"guardrail.content_filters": int64(1),
		"guardrail.filters_off": []string{"completion:violence", "prompt:jailbreak"}, "guardrail.mode": "Asynchronous_filter"})
	acct := &model.Asset{ID: "acct", Region: "eastus", Facts: []model.Fact{model.Bool("logging.invocation_enabled", true, model.Observed, "x")}}
	guarded := s.deploymentAsset(&armcognitiveservices.Deployment{ID: to.Ptr("acct/deployments/d1"), Name: to.Ptr("d1"),
		SKU: &armcognitiveservices.SKU{Name: to.Ptr("GlobalStandard"), Capacity: to.Ptr[int32](50)},
		Properties: &armcognitiveservices.DeploymentProperties{RaiPolicyName: to.Ptr("Relaxed"),
			Model: &armcognitiveservices.DeploymentModel{Format: to.Ptr("OpenAI"), Name: to.Ptr("gpt-4o"), Version: to.Ptr("2024-08-06")}}},
		acct, map[string]*armcognitiveservices.RaiPolicy{"relaxed": relaxed})
	bare := s.deploymentAsset(&armcognitiveservices.Deployment{ID: to.Ptr("acct/deployments/d2"), Properties: &armcognitiveservices.DeploymentProperties{}}, acct, nil)
	checkFacts(t, "deployment with a policy", guarded.Facts, map[string]any{"guardrail.attached": true, "guardrail.policy": "Relaxed",
		"guardrail.content_filters": int64(1), "deployment.sku": "GlobalStandard", "deployment.capacity": int64(50),
		"logging.invocation_enabled": true, "identity.applicable": false})
	if d := cmp.Diff(&model.ModelRef{Publisher: "openai", Name: "gpt-4o", Version: "2024-08-06"}, guarded.Model); d != "" {
		t.Errorf("model ref (-want +got):\n%s", d)
	}
	checkFacts(t, "deployment without a policy: the service default filters it", bare.Facts, map[string]any{"guardrail.attached": true, "guardrail.service_default": true, "guardrail.content_filters": nil})
}

func TestDiagnosticLogging(t *testing.T) {
	for _, tc := range []struct {
		name string
		logs []*armmonitor.LogSettings
		dest *string
		want logging
	}{
		{"all logs to a workspace", []*armmonitor.LogSettings{{CategoryGroup: to.Ptr("allLogs"), Enabled: to.Ptr(true)}}, to.Ptr("law"), logging{true, []string{"log_analytics"}}},
		{"request logs disabled", []*armmonitor.LogSettings{{Category: to.Ptr("RequestResponse"), Enabled: to.Ptr(false)}}, to.Ptr("law"), logging{}},
		{"ML traffic log", []*armmonitor.LogSettings{{Category: to.Ptr("AmlOnlineEndpointTrafficLog"), Enabled: to.Ptr(true)}}, to.Ptr("law"), logging{true, []string{"log_analytics"}}},
		{"a category that records no calls", []*armmonitor.LogSettings{{Category: to.Ptr("AmlComputeClusterEvent"), Enabled: to.Ptr(true)}}, to.Ptr("law"), logging{}},
		{"logs to nowhere", []*armmonitor.LogSettings{{CategoryGroup: to.Ptr("audit"), Enabled: to.Ptr(true)}}, nil, logging{}},
	} {
		var l logging
		dest := map[string]bool{}
		l.add(&armmonitor.DiagnosticSettingsResource{Properties: &armmonitor.DiagnosticSettings{Logs: tc.logs, WorkspaceID: tc.dest}}, dest)
		for d := range dest {
			l.destinations = append(l.destinations, d)
		}
		if d := cmp.Diff(tc.want, l, cmp.AllowUnexported(logging{})); d != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, d)
		}
	}
}

func TestMLMappings(t *testing.T) {
	s := testScan(t)
	ws := s.workspaceAsset(&armmachinelearning.Workspace{ID: to.Ptr("/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w"),
		Properties: &armmachinelearning.WorkspaceProperties{PublicNetworkAccess: to.Ptr(armmachinelearning.PublicNetworkAccessDisabled),
			ManagedNetwork: &armmachinelearning.ManagedNetworkSettings{IsolationMode: to.Ptr(armmachinelearning.IsolationModeAllowOnlyApprovedOutbound)},
			Encryption:     &armmachinelearning.EncryptionProperty{Status: to.Ptr(armmachinelearning.EncryptionStatusEnabled)}}})
	checkFacts(t, "isolated workspace", ws.Facts, map[string]any{"network.public_access": false, "ml.isolation_mode": "AllowOnlyApprovedOutbound",
		"network.outbound_restricted": true, "encryption.cmek": true})
	keyEP := s.endpointAsset(&armmachinelearning.OnlineEndpoint{ID: to.Ptr(ws.ID + "/onlineEndpoints/e"),
		Identity: &armmachinelearning.ManagedServiceIdentity{Type: to.Ptr(armmachinelearning.ManagedServiceIdentityTypeSystemAssigned), PrincipalID: to.Ptr("E1")},
		Properties: &armmachinelearning.OnlineEndpointProperties{AuthMode: to.Ptr(armmachinelearning.EndpointAuthModeKey),
			Keys: &armmachinelearning.EndpointAuthKeys{PrimaryKey: to.Ptr("secret-primary-key-value")}}}, ws, nil)
	tokenEP := s.endpointAsset(&armmachinelearning.OnlineEndpoint{ID: to.Ptr(ws.ID + "/onlineEndpoints/f"),
		Properties: &armmachinelearning.OnlineEndpointProperties{AuthMode: to.Ptr(armmachinelearning.EndpointAuthModeAADToken),
			PublicNetworkAccess: to.Ptr(armmachinelearning.PublicNetworkAccessTypeDisabled)}}, ws, &logging{enabled: true, destinations: []string{"storage"}})
	checkFacts(t, "key-auth endpoint", keyEP.Facts, map[string]any{"auth.mode": "key", "auth.local_auth_disabled": false, "network.public_access": true,
		"identity.default": false, "logging.invocation_enabled": nil, "encryption.cmek": true})
	for _, f := range keyEP.Facts {
		if s, ok := f.Value.(string); ok && s == "secret-primary-key-value" {
			t.Errorf("an endpoint key is in fact %s", f.Key)
		}
	}
	checkFacts(t, "token-auth private endpoint without identity", tokenEP.Facts, map[string]any{"auth.mode": "aadtoken", "auth.local_auth_disabled": true,
		"network.public_access": false, "identity.default": true, "logging.invocation_enabled": true})
	dep := s.onlineDeploymentAssets(&armmachinelearning.OnlineDeployment{ID: to.Ptr(keyEP.ID + "/deployments/d"),
		Properties: &armmachinelearning.ManagedOnlineDeployment{Model: to.Ptr("azureml://registries/azureml-meta/models/Llama-2-7b-chat/versions/24"),
			InstanceType: to.Ptr("Standard_NC24ads_A100_v4"), EgressPublicNetworkAccess: to.Ptr(armmachinelearning.EgressPublicNetworkAccessTypeEnabled),
			EnvironmentVariables: map[string]*string{"HF_TOKEN": to.Ptr("hf_Mapping1Token2Acbedgfihkjmlonqpsr"), "LOG_LEVEL": to.Ptr("info")}}}, keyEP)
	if len(dep) != 2 || dep[1].Kind != model.KindAPIKey || dep[0].Identity != keyEP.Identity {
		t.Fatalf("deployment assets: %d, identity %q", len(dep), dep[0].Identity)
	}
	checkFacts(t, "deployment", dep[0].Facts, map[string]any{"compute.machine_type": "Standard_NC24ads_A100_v4", "network.outbound_restricted": false,
		"env.credential_vars": []string{"HF_TOKEN"}, "env.credential_literal": true, "identity.default": false})
	if d := cmp.Diff(&model.ModelRef{Publisher: "azureml_registry:azureml-meta", Name: "Llama-2-7b-chat", Version: "24",
		SourceURI: "azureml://registries/azureml-meta/models/Llama-2-7b-chat/versions/24"}, dep[0].Model); d != "" {
		t.Errorf("model ref (-want +got):\n%s", d)
	}
	ci := s.computeAsset(&armmachinelearning.ComputeResource{ID: to.Ptr(ws.ID + "/computes/ci"), Properties: &armmachinelearning.ComputeInstance{
		ComputeType: to.Ptr(armmachinelearning.ComputeTypeComputeInstance),
		Properties: &armmachinelearning.ComputeInstanceProperties{EnableNodePublicIP: to.Ptr(true),
			SSHSettings: &armmachinelearning.ComputeInstanceSSHSettings{SSHPublicAccess: to.Ptr(armmachinelearning.SSHPublicAccessEnabled)}}}}, ws)
	checkFacts(t, "compute instance", ci.Facts, map[string]any{"notebook.direct_internet": true, "notebook.ssh_access": true, "auth.local_auth_disabled": false})
	if s.computeAsset(&armmachinelearning.ComputeResource{Properties: &armmachinelearning.AmlCompute{}}, ws) != nil {
		t.Error("a compute cluster became a notebook")
	}
}

func TestRBAC(t *testing.T) {
	for _, c := range []struct{ p, s string }{{"*", "Microsoft.X/y/action"}, {"Microsoft.CognitiveServices/*", "microsoft.cognitiveservices/accounts/listKeys/action"},
		{"microsoft.machinelearningservices/workspaces/*/action", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action"}} {
		if !glob(lower(c.p), lower(c.s)) {
			t.Errorf("%s does not match %s", c.p, c.s)
		}
	}
	if glob("microsoft.cognitiveservices/*/read", "microsoft.cognitiveservices/accounts/listkeys/action") {
		t.Error("a read pattern matched an action")
	}
	contributor := &roleDef{name: "Contributor", actions: []string{"*"}, notActions: []string{"Microsoft.Authorization/*/Write"}}
	reader := &roleDef{name: "Reader", actions: []string{"*/read"}}
	user := &roleDef{name: "Cognitive Services OpenAI User", actions: []string{"Microsoft.CognitiveServices/*/read"},
		dataActions: []string{"Microsoft.CognitiveServices/accounts/OpenAI/deployments/chat/completions/action"}}
	if !contributor.aiRelevant() || !contributor.wildcard() || !contributor.full() || !contributor.allows("Microsoft.CognitiveServices/accounts/listKeys/action") {
		t.Error("Contributor")
	}
	if contributor.allows("Microsoft.Authorization/roleAssignments/write") {
		t.Error("NotActions ignored")
	}
	if reader.aiRelevant() {
		t.Error("Reader is not an AI grant")
	}
	if !user.aiRelevant() || user.full() || user.allows("Microsoft.CognitiveServices/accounts/listKeys/action") {
		t.Error("OpenAI User")
	}
	s := testScan(t)
	acct := &model.Asset{ID: "acct", Facts: []model.Fact{model.String("azure.resource_type", "Microsoft.CognitiveServices/accounts", model.Observed, "x")}}
	s.grantFacts(acct, []assignment{{principalID: "u1", principalType: "User", scope: "/subscriptions/s1", role: contributor},
		{principalID: "g1", principalType: "Group", scope: "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a", role: user}})
	checkFacts(t, "account grants", acct.Facts, map[string]any{"iam.key_readers": []string{"user:u1"},
		"iam.ai_role_holders": []string{"Cognitive Services OpenAI User:group:g1", "Contributor:user:u1"}})
	s.managed = map[string]bool{"g1": false}
	p := s.principalAsset("u1", s.grants["u1"])
	checkFacts(t, "owner principal", p.Facts, map[string]any{"iam.principal_type": "user", "iam.ai_wildcard_actions": true, "iam.ai_full_access_policy": true,
		"iam.ai_broad_grants": []string{"builtin:Contributor@subscription"}, "iam.can_read_ai_keys": true, "iam.long_lived_ai_credentials": false})
	sp := s.principalAsset("x", &principal{typ: "ServicePrincipal"})
	checkFacts(t, "service principal: secrets unknown", sp.Facts, map[string]any{"iam.principal_type": "service_principal", "iam.long_lived_ai_credentials": nil})
	s.managed["x"] = true
	mi := s.principalAsset("x", &principal{typ: "ServicePrincipal"})
	checkFacts(t, "managed identity", mi.Facts, map[string]any{"iam.principal_type": "managed_identity", "iam.long_lived_ai_credentials": false})
}

// The guard refuses a write or a request to another origin before it is
// sent (a nextLink written with the default port is the same origin: ARM
// sends them so); the classifier maps ARM errors.
func TestGuardAndClassify(t *testing.T) {
	arm, _ := url.Parse("https://management.azure.com")
	g := guard{arm: arm}
	for raw, ok := range map[string]bool{
		"https://management.azure.com/subscriptions?api-version=2022-12-01":                    true,
		"https://management.azure.com:443/subscriptions?api-version=2022-12-01&$skiptoken=abc": true,
		"https://MANAGEMENT.azure.com/subscriptions":                                           true,
		"https://management.azure.com:8443/subscriptions":                                      false,
		"https://management.azure.com.evil.example/subscriptions":                              false,
	} {
		req, _ := http.NewRequest(http.MethodGet, raw, nil)
		err := g.allows(req)
		if (err == nil) != ok {
			t.Errorf("%s: allowed %v, want %v (%v)", raw, err == nil, ok, err)
		}
		if err != nil && collectors.Classify(err, nil) != model.ErrUnavailable {
			t.Errorf("%s: class %s, want unavailable (not a credential problem)", raw, collectors.Classify(err, nil))
		}
	}
	for _, tc := range []struct{ method, url string }{{"POST", "https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.CognitiveServices/accounts/a/listKeys"},
		{"GET", "https://attacker.example/subscriptions"}, {"GET", "http://management.azure.com/subscriptions"}} {
		u, _ := url.Parse(tc.url)
		req, _ := http.NewRequestWithContext(context.Background(), tc.method, tc.url, nil)
		_ = u
		preq, err := runtimeRequest(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := g.Do(preq); err == nil {
			t.Errorf("%s %s was let through", tc.method, tc.url)
		}
	}
	for code, want := range map[string]model.ErrorClass{"403/AuthorizationFailed": model.ErrDenied, "401/InvalidAuthenticationToken": model.ErrDenied,
		"409/MissingSubscriptionRegistration": model.ErrNotEnabled, "429/TooManyRequests": model.ErrThrottled, "503/ServiceUnavailable": model.ErrUnavailable,
		"404/ResourceNotFound": model.ErrNone} {
		var status int
		var ec string
		for i := range code {
			if code[i] == '/' {
				status, ec = atoi(code[:i]), code[i+1:]
			}
		}
		if got := classify(callErr(&azcore.ResponseError{StatusCode: status, ErrorCode: ec}, "op")); got != want {
			t.Errorf("%s: %s, want %s", code, got, want)
		}
	}
}
