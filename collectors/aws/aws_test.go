package aws_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/collectors"
	awscol "github.com/aisight/aisight/collectors/aws"
	"github.com/aisight/aisight/internal/enrich"
	sim "github.com/aisight/aisight/internal/sim/aws"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
	"github.com/aisight/aisight/scoring"
)

// env points the SDK at the emulator the way a user points it at a private
// endpoint (AWS_ENDPOINT_URL), with static credentials of the management
// account and no shared config or instance metadata.
func env(t testing.TB, srv *sim.Server, account string) {
	t.Helper()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": sim.AccessKeyID(account), "AWS_SECRET_ACCESS_KEY": "emulated",
		"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_PROFILE": "",
	} {
		t.Setenv(k, v)
	}
}

// startSim serves testdata/org.yaml with the given faults and points the
// SDK at it with the account's credentials.
func startSim(t *testing.T, faults sim.Faults, account string) *sim.Server {
	t.Helper()
	estate, err := sim.LoadEstate("testdata/org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	estate.Faults = faults
	srv := sim.Start(estate)
	t.Cleanup(srv.Close)
	env(t, srv, account)
	return srv
}

func collect(t *testing.T, o awscol.Options) model.Inventory {
	t.Helper()
	ctx := context.Background()
	o.MaxBackoff = 20 * time.Millisecond
	o.MaxAttempts = 12
	o.RatePerAccount = 2000
	c, err := awscol.New(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, Concurrency: 8, PerCollector: 8}).Run(ctx, []collectors.Plan{{Name: awscol.Name, Collector: c}})
	enrich.Apply(&inv, enrich.Options{}) // identity sharing, as the CLI computes it before scoring
	inv.Normalize()
	return inv
}

func keyID(userArn, kind, id string) string {
	sum := sha256.Sum256([]byte(id))
	return userArn + "#" + kind + "-" + hex.EncodeToString(sum[:6])
}

// groundTruth lists the assets the estate holds outside denied scopes,
// derived from the estate file by the ARN formats of the AWS APIs.
func groundTruth(e *sim.Estate) []string {
	var ids []string
	denied := func(acct, region string) bool {
		return slices.ContainsFunc(e.Faults.Denied, func(w sim.Where) bool { return w.Account == acct && w.Region == region })
	}
	noCustom := func(acct, region string) bool {
		return slices.ContainsFunc(e.Faults.NoCustomModels, func(w sim.Where) bool { return w.Account == acct && w.Region == region })
	}
	for _, a := range e.Accounts {
		for region, r := range a.Regions {
			if denied(a.ID, region) {
				continue
			}
			arn := func(svc, res string) string { return "arn:aws:" + svc + ":" + region + ":" + a.ID + ":" + res }
			if !noCustom(a.ID, region) {
				for _, m := range r.CustomModels {
					ids = append(ids, arn("bedrock", "custom-model/"+m.Name))
				}
			}
			for _, m := range r.ImportedModels {
				ids = append(ids, arn("bedrock", "imported-model/"+m.Name))
			}
			for _, p := range r.Provisioned {
				ids = append(ids, arn("bedrock", "provisioned-model/"+p.Name))
			}
			for _, p := range r.InferenceProfiles {
				ids = append(ids, arn("bedrock", "application-inference-profile/"+p.Name))
			}
			for _, g := range r.Guardrails {
				ids = append(ids, arn("bedrock", "guardrail/"+g.ID))
			}
			for _, ag := range r.Agents {
				ids = append(ids, arn("bedrock", "agent/"+ag.ID))
			}
			for _, kb := range r.KnowledgeBases {
				ids = append(ids, arn("bedrock", "knowledge-base/"+kb.ID))
			}
			for _, f := range r.Flows {
				ids = append(ids, arn("bedrock", "flow/"+f.Name))
			}
			for _, p := range r.Prompts {
				ids = append(ids, arn("bedrock", "prompt/"+p.Name))
			}
			for _, rt := range r.AgentRuntimes {
				ids = append(ids, arn("bedrock-agentcore", "runtime/"+rt.Name))
			}
			for _, g := range r.Gateways {
				ids = append(ids, arn("bedrock-agentcore", "gateway/"+g.Name))
			}
			for _, m := range r.Models {
				ids = append(ids, arn("sagemaker", "model/"+strings.ToLower(m.Name)))
			}
			for _, ep := range r.Endpoints {
				ids = append(ids, arn("sagemaker", "endpoint/"+strings.ToLower(ep.Name)))
			}
			for _, n := range r.Notebooks {
				ids = append(ids, arn("sagemaker", "notebook-instance/"+strings.ToLower(n.Name)))
			}
			for _, d := range r.Domains {
				ids = append(ids, arn("sagemaker", "domain/"+strings.ToLower(d.Name)))
			}
			for _, g := range r.ModelPackageGroups {
				ids = append(ids, arn("sagemaker", "model-package-group/"+strings.ToLower(g.Name)))
			}
		}
	}
	// IAM: the principals that can use AI (trusted by an AI service or
	// granted AI actions) and the long-lived keys of such users.
	role := func(acct, name string) string { return "arn:aws:iam::" + acct + ":role/" + name }
	user := func(acct, name string) string { return "arn:aws:iam::" + acct + ":user/" + name }
	ids = append(ids,
		role("111111111111", "support-agent-role"), role("111111111111", "kb-role"), role("111111111111", "sm-exec"),
		user("111111111111", "ci-bot"),
		keyID(user("111111111111", "ci-bot"), "aws_access_key", "AKIAEXAMPLECIBOT0001"),
		keyID(user("111111111111", "ci-bot"), "aws_access_key", "AKIAEXAMPLECIBOT0002"),
		keyID(user("111111111111", "ci-bot"), "aws_bedrock_api_key", "ACCAEXAMPLEBEDROCK01"),
		role("222222222222", "retail-agent"), user("222222222222", "legacy"),
		keyID(user("222222222222", "legacy"), "aws_access_key", "AKIAEXAMPLELEGACY001"),
		role("333333333333", "research-sm"),
	)
	sort.Strings(ids)
	return ids
}

func TestOrganisationInventoryEqualsGroundTruth(t *testing.T) {
	estate, err := sim.LoadEstate("testdata/org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := startSim(t, estate.Faults, "111111111111")
	inv := collect(t, awscol.Options{Org: true, RoleName: "aisight-readonly"})

	var got []string
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		got = append(got, a.ID)
		byID[a.ID] = a
	}
	if d := cmp.Diff(groundTruth(estate), got); d != "" {
		t.Errorf("inventory vs ground truth (-want +got):\n%s", d)
	}
	// The long-term Bedrock API key: active, expiring in 2027; IAM keeps
	// no last use of it, so that stays unknown.
	bk := map[string]any{}
	for _, f := range byID[keyID("arn:aws:iam::111111111111:user/ci-bot", "aws_bedrock_api_key", "ACCAEXAMPLEBEDROCK01")].Facts {
		bk[f.Key] = f.Value
	}
	if exp, ok := bk["key.expires_in_days"].(int64); !ok || exp <= 0 || bk["key.status"] != "active" || bk["key.last_used_days"] != nil {
		t.Errorf("Bedrock API key facts %v", bk)
	}

	// Scopes: the organisation, 3 accounts, 3 enabled regions each (the
	// disabled one is not scanned); the denied region failed as denied.
	runs := map[string]model.CollectorRun{}
	for _, r := range inv.Scan.CollectorRuns {
		runs[r.Scope.ID] = r
	}
	if len(runs) != 1+3+9 {
		t.Errorf("%d scopes, want 13: %v", len(runs), slices.Sorted(mapsKeys(runs)))
	}
	for id, r := range runs {
		switch id {
		case "aws:222222222222:eu-west-1":
			if r.Status != model.StatusFailed || r.ErrorClass != model.ErrDenied {
				t.Errorf("%s: %s/%s, want failed/denied (%s)", id, r.Status, r.ErrorClass, r.Error)
			}
		default:
			if r.Status != model.StatusOK {
				t.Errorf("%s: %s/%s %s, want ok (throttling is retried)", id, r.Status, r.ErrorClass, r.Error)
			}
		}
		if r.APICalls == 0 {
			t.Errorf("%s: no API calls counted", id)
		}
	}
	if n := runs["aws:333333333333:ap-southeast-2"].Stats["operations_not_offered"]; n != 1 {
		t.Errorf("custom models not offered in ap-southeast-2: stat %d, want 1", n)
	}
	throttled := 0
	for _, c := range srv.Calls() {
		if c.Code == "Throttling" || c.Code == "ThrottlingException" || c.Code == "TooManyRequestsException" {
			throttled++
		}
	}
	if throttled == 0 {
		t.Error("no call was throttled: the 30% fault was not exercised")
	}
	t.Logf("%d assets in %d scopes; %d requests, %d of them throttled", len(inv.Assets), len(runs), len(srv.Calls()), throttled)

	facts := func(id string) map[string]any {
		m := map[string]any{}
		for _, f := range byID[id].Facts {
			m[f.Key] = f.Value
		}
		return m
	}
	agent := "arn:aws:bedrock:us-east-1:111111111111:agent/AG1"
	checks := map[string]map[string]any{
		// support-agent-role runs AG2 here and AGEU in eu-west-1 too: sharing spans regions.
		agent: {"guardrail.attached": true, "agent.aliases": []string{"prod", "staging", "canary"}, "identity.shared_with_agents": int64(2), "identity.dedicated": false, "identity.default": false},
		"arn:aws:bedrock:us-east-1:111111111111:agent/AG3":                                       {"identity.shared_with_agents": int64(0), "identity.shared_with_ai_assets": int64(1), "identity.dedicated": false}, // shares kb-role with the knowledge base
		"arn:aws:bedrock:us-east-1:111111111111:agent/AG2":                                       {"guardrail.attached": false},
		"arn:aws:bedrock:us-east-1:111111111111:guardrail/gr-strict":                             {"guardrail.content_filters": int64(3), "guardrail.denied_topics": int64(2), "guardrail.pii_filter": true},
		"arn:aws:bedrock:us-east-1:111111111111:guardrail/gr-empty":                              {"guardrail.content_filters": int64(0)},
		"arn:aws:bedrock:us-east-1:111111111111:knowledge-base/KB1":                              {"kb.data_sources": []string{"s3-policies", "confluence", "sharepoint"}},
		"arn:aws:sagemaker:us-east-1:111111111111:model/churn-xgb":                               {"image.pinned_digest": true, "image.registry_public": false, "sagemaker.network_isolation": true, "network.vpc": true},
		"arn:aws:sagemaker:us-east-1:111111111111:model/llama-tgi":                               {"image.pinned_digest": false, "image.registry_public": true, "sagemaker.network_isolation": false},
		"arn:aws:sagemaker:us-east-1:111111111111:endpoint/llm":                                  {"endpoint.variants": int64(2), "sagemaker.data_capture": false},
		"arn:aws:sagemaker:us-east-1:111111111111:notebook-instance/research-nb":                 {"notebook.root_access": true, "notebook.direct_internet": true},
		"arn:aws:iam::111111111111:role/kb-role":                                                 {"iam.ai_wildcard_actions": true, "iam.ai_full_access_policy": false},
		"arn:aws:iam::111111111111:role/sm-exec":                                                 {"iam.ai_full_access_policy": true, "iam.trusts_ai_service": true},
		"arn:aws:iam::111111111111:role/support-agent-role":                                      {"iam.ai_wildcard_actions": false, "iam.ai_actions": []string{"bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"}},
		"arn:aws:iam::111111111111:user/ci-bot":                                                  {"iam.long_lived_ai_credentials": true, "iam.ai_full_access_policy": true},
		"arn:aws:iam::222222222222:role/retail-agent":                                            {"iam.ai_wildcard_actions": true},
		keyID("arn:aws:iam::111111111111:user/ci-bot", "aws_access_key", "AKIAEXAMPLECIBOT0002"): {"key.never_used": true, "key.short_lived": false},
	}
	for id, want := range checks {
		got := facts(id)
		for k, v := range want {
			if d := cmp.Diff(v, got[k]); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", id, k, d)
			}
		}
	}
	if a := byID[agent]; a.Owner != "support" || a.Identity != "arn:aws:iam::111111111111:role/support-agent-role" {
		t.Errorf("agent owner %q identity %q", a.Owner, a.Identity)
	}
	if a := byID["arn:aws:sagemaker:us-east-1:111111111111:endpoint/churn"]; a.Owner != "growth" || a.Identity != "arn:aws:iam::111111111111:role/sm-exec" {
		t.Errorf("endpoint owner %q identity %q (Owner tag, role of its model)", a.Owner, a.Identity)
	}
	legacyKey := byID[keyID("arn:aws:iam::222222222222:user/legacy", "aws_access_key", "AKIAEXAMPLELEGACY001")]
	if f, _ := legacyKey.Fact("key.age_days"); f.Value.(int64) < 365 {
		t.Errorf("legacy key age %v", f.Value)
	}
	if legacyKey.Secret == nil || legacyKey.Secret.Prefix != "AKIA" {
		t.Errorf("key fingerprint %+v", legacyKey.Secret)
	}
	out, _ := json.Marshal(inv)
	for _, secret := range []string{"AKIAEXAMPLECIBOT0001", "AKIAEXAMPLELEGACY001", "ACCAEXAMPLEBEDROCK01"} {
		if strings.Contains(string(out), secret) {
			t.Errorf("credential id %s appears in the inventory", secret)
		}
	}

	scope := map[string]map[string]any{}
	for _, sf := range inv.ScopeFacts {
		scope[sf.Scope.ID] = map[string]any{}
		for _, f := range sf.Facts {
			scope[sf.Scope.ID][f.Key] = f.Value
		}
	}
	for id, want := range map[string]map[string]any{
		"aws:org:o-aisight01":             {"org.ai_service_policy": true, "org.ai_opt_out_policy": true, "org.bedrock_policy": false, "org.ai_restricting_scps": []string{"deny-ai-outside-eu-us"}},
		"aws:111111111111:us-east-1":      {"logging.invocation_enabled": true, "logging.destination": "cloudwatch,s3", "registry.model_registry_in_use": true},
		"aws:222222222222:us-east-1":      {"logging.invocation_enabled": true, "logging.destination": "s3"},
		"aws:333333333333:ap-southeast-2": {"logging.invocation_enabled": false},
	} {
		for k, v := range want {
			if d := cmp.Diff(v, scope[id][k]); d != "" {
				t.Errorf("scope %s %s (-want +got):\n%s", id, k, d)
			}
		}
	}
	if _, ok := scope["aws:222222222222:eu-west-1"]; ok {
		t.Errorf("the denied scope has facts: %v", scope["aws:222222222222:eu-west-1"])
	}

	// The denied region's scope controls are unknown, never pass.
	cat, err := scoring.Load("")
	if err != nil {
		t.Fatal(err)
	}
	as := scoring.Assess(inv, cat, nil)
	for _, c := range as.Categories {
		for _, cr := range c.Controls {
			if cr.ID == "IAM.3.no-ai-wildcards" {
				// The evidence names what to detach, not only that something is broad.
				named := false
				for _, e := range cr.Evidence {
					if l, ok := e.Value.([]string); ok && e.Key == "iam.ai_broad_grants" && e.Subject == "arn:aws:iam::111111111111:user/ci-bot" && slices.Contains(l, "aws-managed:AmazonBedrockFullAccess") {
						named = true
					}
				}
				if cr.Result != model.Fail || !named {
					t.Errorf("%s: %s, evidence %+v: want a failure naming AmazonBedrockFullAccess on ci-bot", cr.ID, cr.Result, cr.Evidence)
				}
			}
			if cr.ID == "ORG.2.invocation-logging-some" || cr.ID == "MON.3.logs-delivered" {
				if cr.Unknown < 1 {
					t.Errorf("%s: %d unknown scopes, want the denied one counted unknown (%s)", cr.ID, cr.Unknown, cr.Result)
				}
			}
		}
	}

	// Least privilege: the shipped policy lists exactly the actions called.
	checkPolicy(t, srv.Calls())
}

func mapsKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func checkPolicy(t *testing.T, calls []sim.Call) {
	t.Helper()
	b, err := os.ReadFile("../../deploy/aws/aisight-readonly-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var pol struct {
		Statement []struct {
			Effect string   `json:"Effect"`
			Action []string `json:"Action"`
		} `json:"Statement"`
	}
	if err := json.Unmarshal(b, &pol); err != nil {
		t.Fatal(err)
	}
	inPolicy := map[string]bool{}
	for _, st := range pol.Statement {
		for _, a := range st.Action {
			if st.Effect != "Allow" || strings.Contains(a, "*") {
				t.Errorf("policy statement %s %s: want only explicit allowed actions", st.Effect, a)
			}
			inPolicy[a] = true
		}
	}
	called := map[string]bool{}
	for _, c := range calls {
		called[c.Action] = true
	}
	for a := range called {
		if !inPolicy[a] {
			t.Errorf("collector called %s, which deploy/aws/aisight-readonly-policy.json lacks", a)
		}
	}
	for a := range inPolicy {
		if !called[a] {
			t.Errorf("policy grants %s, which the collector never called", a)
		}
	}
}

// The read-only guard refuses a write before it is sent.
func TestReadOnlyGuardRefusesWrites(t *testing.T) {
	srv := startSim(t, sim.Faults{}, "111111111111")
	for _, op := range []string{"ListGuardrails", "GetAgent", "DescribeEndpoint", "BatchGetThing"} {
		if !awscol.Allowed("Bedrock", op) {
			t.Errorf("%s refused", op)
		}
	}
	for _, op := range []string{"CreateGuardrail", "DeleteAgent", "UpdateEndpoint", "PutModelInvocationLoggingConfiguration", "InvokeModel", "TagResource"} {
		if awscol.Allowed("Bedrock", op) {
			t.Errorf("%s allowed", op)
		}
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithAPIOptions(awscol.GuardForTest()))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bedrock.NewFromConfig(cfg).CreateGuardrail(context.Background(), &bedrock.CreateGuardrailInput{Name: aws.String("x"), BlockedInputMessaging: aws.String("x"), BlockedOutputsMessaging: aws.String("x")})
	if err == nil || !strings.Contains(err.Error(), "aisight is read-only: refused Bedrock CreateGuardrail") {
		t.Errorf("CreateGuardrail: %v", err)
	}
	if n := len(srv.Calls()); n != 0 {
		t.Errorf("the emulator received %d calls; the guard must refuse before sending", n)
	}
}

// Without --aws-org the caller's account is scanned in the given regions.
func TestSingleAccount(t *testing.T) {
	startSim(t, sim.Faults{}, "333333333333")
	inv := collect(t, awscol.Options{Regions: []string{"us-east-1"}})
	var scopes []string
	for _, r := range inv.Scan.CollectorRuns {
		scopes = append(scopes, r.Scope.ID+"="+string(r.Status))
	}
	sort.Strings(scopes)
	if d := cmp.Diff([]string{"aws:333333333333:us-east-1=ok", "aws:333333333333=ok"}, scopes); d != "" {
		t.Errorf("scopes (-want +got):\n%s", d)
	}
	if len(inv.Assets) != 3 { // the notebook, the flow, the research-sm role
		t.Errorf("%d assets: %v", len(inv.Assets), inv.Assets)
	}
}

// 5xx answers are retried by the SDK; nothing is lost.
func TestServerErrorsAreRetried(t *testing.T) {
	srv := startSim(t, sim.Faults{ServerErrorRate: 0.2, Seed: 3}, "111111111111")
	inv := collect(t, awscol.Options{Regions: []string{"us-east-1"}})
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusOK {
			t.Errorf("%s: %s %s", r.Scope.ID, r.Status, r.Error)
		}
	}
	if len(inv.Assets) < 30 {
		t.Errorf("only %d assets", len(inv.Assets))
	}
	errs := 0
	for _, c := range srv.Calls() {
		if c.Status >= 500 {
			errs++
		}
	}
	if errs == 0 {
		t.Error("no 5xx was injected")
	}
}

// An API slower than the scope timeout fails the scope as unavailable.
func TestSlowAPIHitsTheScopeTimeout(t *testing.T) {
	startSim(t, sim.Faults{SlowMillis: 300}, "333333333333")
	c, err := awscol.New(context.Background(), awscol.Options{Regions: []string{"us-east-1"}, MaxAttempts: 1})
	if err != nil {
		t.Fatal(err)
	}
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: 200 * time.Millisecond, Retries: -1}).Run(context.Background(), []collectors.Plan{{Name: awscol.Name, Collector: c}})
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusFailed || r.ErrorClass != model.ErrUnavailable {
			t.Errorf("%s: %s/%s (%s), want failed/unavailable", r.Scope.ID, r.Status, r.ErrorClass, r.Error)
		}
	}
}

// Every fact key the collector emits is documented.
func TestEveryAWSFactIsDocumented(t *testing.T) {
	startSim(t, sim.Faults{}, "111111111111")
	goldentest.FactsDocumented(t, "../../docs/facts.md", collect(t, awscol.Options{Org: true, RoleName: "aisight-readonly"}), 50)
}

// One service denied in a region: the scope is partial (denied), the other
// services' assets are reported, the denied service's are not.
func TestOneServiceDeniedIsPartial(t *testing.T) {
	startSim(t, sim.Faults{Denied: []sim.Where{{Account: "111111111111", Region: "us-east-1", Service: "sagemaker"}}}, "111111111111")
	inv := collect(t, awscol.Options{Regions: []string{"us-east-1"}})
	for _, r := range inv.Scan.CollectorRuns {
		want := model.StatusOK
		if r.Scope.ID == "aws:111111111111:us-east-1" {
			want = model.StatusPartial
			if r.ErrorClass != model.ErrDenied || !strings.Contains(r.Error, "sagemaker") {
				t.Errorf("%s: class %s error %q", r.Scope.ID, r.ErrorClass, r.Error)
			}
		}
		if r.Status != want {
			t.Errorf("%s: %s, want %s", r.Scope.ID, r.Status, want)
		}
	}
	kinds := map[string]int{}
	for _, a := range inv.Assets {
		kinds[strings.Split(a.ID, ":")[2]]++
	}
	if kinds["sagemaker"] != 0 || kinds["bedrock"] == 0 {
		t.Errorf("assets by service: %v", kinds)
	}
}

// An account whose regions cannot be listed is scanned in the default
// region, and its account scope says so (partial, denied).
func TestRegionsNotListedIsReported(t *testing.T) {
	startSim(t, sim.Faults{Denied: []sim.Where{{Account: "333333333333", Region: "us-east-1", Service: "account"}}}, "333333333333")
	inv := collect(t, awscol.Options{})
	runs := map[string]model.CollectorRun{}
	for _, r := range inv.Scan.CollectorRuns {
		runs[r.Scope.ID] = r
	}
	if r := runs["aws:333333333333"]; r.Status != model.StatusPartial || r.ErrorClass != model.ErrDenied || !strings.Contains(r.Error, "regions of 333333333333 not listed") {
		t.Errorf("account scope: %s/%s %q", r.Status, r.ErrorClass, r.Error)
	}
	if _, ok := runs["aws:333333333333:us-east-1"]; !ok || len(runs) != 2 {
		t.Errorf("scopes %v, want the account and its default region", slices.Sorted(mapsKeys(runs)))
	}
}

// One item of a listing that cannot be read (a denied Get or Describe, a
// user's key listing) is counted and named; the rest of the listing is
// still reported, and the item itself is reported from its summary with the
// facts that needed the failed call left unknown.
func TestOneFailedItemIsNamedAndTheRestReported(t *testing.T) {
	startSim(t, sim.Faults{FailActions: []sim.ActionFault{
		{Action: "bedrock:GetGuardrail", Match: "gr-empty"},
		{Action: "sagemaker:DescribeModel", Match: "llama-tgi"},
		{Action: "iam:ListAccessKeys", Match: "ci-bot"},
		{Action: "bedrock:ListAgentAliases", Match: "AG2", Status: 500},
	}}, "111111111111")
	inv := collect(t, awscol.Options{Regions: []string{"us-east-1"}})
	runs := map[string]model.CollectorRun{}
	for _, r := range inv.Scan.CollectorRuns {
		runs[r.Scope.ID] = r
	}
	region := runs["aws:111111111111:us-east-1"]
	if region.Status != model.StatusPartial || region.Stats["items_failed"] != 3 {
		t.Errorf("region run: %s, items_failed %d, problems %q", region.Status, region.Stats["items_failed"], region.Problems)
	}
	// Every distinct problem is kept, not only the first; a server error
	// among denials makes the run's class the transient one.
	for _, want := range []string{"get-guardrail gr-empty", "describe-model llama-tgi", "list-agent-aliases AG2"} {
		if !slices.ContainsFunc(region.Problems, func(p string) bool { return strings.Contains(p, want) }) {
			t.Errorf("region problems %q lack %q", region.Problems, want)
		}
	}
	if region.ErrorClass != model.ErrUnavailable {
		t.Errorf("region class %s, want unavailable (one 500 among denials)", region.ErrorClass)
	}
	account := runs["aws:111111111111"]
	if account.Status != model.StatusPartial || account.ErrorClass != model.ErrDenied || !strings.Contains(account.Error, "list-access-keys ci-bot") {
		t.Errorf("account run: %s/%s %q", account.Status, account.ErrorClass, account.Error)
	}
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		byID[a.ID] = a
	}
	has := func(id, key string) bool { a := byID[id]; _, ok := a.Fact(key); return ok }
	for id, want := range map[string]map[string]bool{
		"arn:aws:bedrock:us-east-1:111111111111:guardrail/gr-empty":  {"guardrail.content_filters": false},
		"arn:aws:bedrock:us-east-1:111111111111:guardrail/gr-strict": {"guardrail.content_filters": true},
		"arn:aws:sagemaker:us-east-1:111111111111:model/llama-tgi":   {"image.pinned_digest": false},
		"arn:aws:sagemaker:us-east-1:111111111111:model/churn-xgb":   {"image.pinned_digest": true},
		"arn:aws:bedrock:us-east-1:111111111111:agent/AG2":           {"agent.aliases": false, "guardrail.attached": true},
		"arn:aws:bedrock:us-east-1:111111111111:agent/AG1":           {"agent.aliases": true},
		"arn:aws:iam::111111111111:user/ci-bot":                      {"iam.long_lived_ai_credentials": false, "iam.ai_full_access_policy": true},
	} {
		if _, ok := byID[id]; !ok {
			t.Errorf("%s is missing: a failed item must still be listed", id)
			continue
		}
		for k, known := range want {
			if has(id, k) != known {
				t.Errorf("%s: fact %s present=%v, want %v", id, k, !known, known)
			}
		}
	}
}

// One retry budget per call: a listing that always answers 500 is tried
// MaxAttempts times by the SDK and then reported; the family is not run
// again from its first page and the scope is not run again, which made one
// failing call cost up to 9 times the SDK's budget.
func TestOneRetryBudgetPerCall(t *testing.T) {
	srv := startSim(t, sim.Faults{FailActions: []sim.ActionFault{{Action: "bedrock:ListGuardrails", Status: 500}}}, "111111111111")
	inv := collect(t, awscol.Options{Regions: []string{"us-east-1"}})
	n := 0
	for _, c := range srv.Calls() {
		if c.Action == "bedrock:ListGuardrails" && c.Account == "111111111111" {
			n++
		}
	}
	if n != 12 { // collect's MaxAttempts
		t.Errorf("ListGuardrails was called %d times, want the SDK's 12 attempts and no more", n)
	}
	for _, r := range inv.Scan.CollectorRuns {
		if r.Scope.ID == "aws:111111111111:us-east-1" && (r.Status != model.StatusPartial || r.ErrorClass != model.ErrUnavailable || r.Stats["family_retries"] != 0) {
			t.Errorf("region run: %s/%s, family_retries %d", r.Status, r.ErrorClass, r.Stats["family_retries"])
		}
	}
}
