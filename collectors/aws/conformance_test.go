package aws_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/collectors"
	awscol "github.com/aisight/aisight/collectors/aws"
	"github.com/aisight/aisight/internal/testenv/replay"
	"github.com/aisight/aisight/model"
)

// managementKey is the access key the scan signs with in the management
// account; the member accounts' requests are signed with the key of the
// AssumeRole example.
const managementKey = "AKIA111111111111"

// conformanceScan scans, organisation-wide in one region, the official
// examples of testdata/conformance (calls.yaml) as m serves them.
func conformanceScan(t *testing.T, m *replay.Manifest) (model.Inventory, *replay.Server) {
	t.Helper()
	srv := replay.Start(t, m, "testdata/conformance/examples", false)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": managementKey, "AWS_SECRET_ACCESS_KEY": "replayed",
		"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "AWS_SESSION_TOKEN": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"), "AWS_PROFILE": "",
	} {
		t.Setenv(k, v)
	}
	ctx := context.Background()
	c, err := awscol.New(ctx, awscol.Options{Org: true, RoleName: "aisight-readonly", Regions: []string{"us-east-1"},
		RatePerAccount: 2000, MaxAttempts: 2, MaxBackoff: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, Concurrency: 4, PerCollector: 4, RetryBackoff: time.Millisecond}).
		Run(ctx, []collectors.Plan{{Name: awscol.Name, Collector: c}})
	inv.Normalize()
	return inv, srv
}

func loadConformance(t *testing.T) *replay.Manifest {
	t.Helper()
	m, err := replay.Load("testdata/conformance/calls.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestConformanceWithOfficialExamples scans AWS's published examples
// (botocore's examples-1.json, rendered in each service's wire protocol)
// of every call that has one, and checks the scopes, assets and facts
// against what the examples say. Every expectation is written from the
// example named beside it.
func TestConformanceWithOfficialExamples(t *testing.T) {
	inv, srv := conformanceScan(t, loadConformance(t))
	if u := srv.Unmatched(); len(u) > 0 {
		t.Errorf("calls with no answer in calls.yaml: %q", u)
	}
	if n := srv.NeverCalled(); len(n) > 0 {
		t.Errorf("calls.yaml lists calls the collector never made: %q", n)
	}
	// DescribeOrganization: o-exampleorgid. ListAccounts: four ACTIVE
	// accounts, 111111111111 the management account.
	var scopes []string
	for _, r := range inv.Scan.CollectorRuns {
		scopes = append(scopes, r.Scope.ID)
		if r.Status != model.StatusOK {
			t.Errorf("scope %s: %s %s %q", r.Scope.ID, r.Status, r.Error, r.Problems)
		}
	}
	slices.Sort(scopes)
	want := []string{"aws:111111111111", "aws:111111111111:us-east-1", "aws:222222222222", "aws:222222222222:us-east-1",
		"aws:333333333333", "aws:333333333333:us-east-1", "aws:444444444444", "aws:444444444444:us-east-1", "aws:org:o-exampleorgid"}
	if !reflect.DeepEqual(scopes, want) {
		t.Errorf("scopes %q, want %q", scopes, want)
	}
	// ListPolicies (SCPs): AllowAllS3Actions, AllowAllEC2Actions and
	// FullAWSAccess; DescribePolicy: an Allow of every action. None
	// restricts AI; no AI opt-out or Bedrock policy exists.
	sf := replay.ScopeFacts(inv)
	for k, v := range map[string]any{"org.ai_opt_out_policy": false, "org.bedrock_policy": false, "org.scp_restricts_ai": false,
		"org.ai_service_policy": false, "org.ai_restricting_scps": []string{}} {
		if got, ok := sf[k]; !ok || !reflect.DeepEqual(got, v) {
			t.Errorf("scope fact %s = %#v (present %v), want %#v", k, got, ok, v)
		}
	}
	// ListAccessKeys: Alice's two Active keys, created 2016-12-01; the
	// last-use answer (no example) says never used.
	const alice = "arn:aws:iam::111111111111:user/Alice"
	age := func(created string) int64 {
		c, _ := time.Parse(time.RFC3339, created)
		return int64(time.Since(c).Hours() / 24)
	}
	replay.ExpectAssets(t, inv, map[string]map[string]any{
		alice: {"iam.principal_type": "user", "iam.ai_full_access_policy": true, "iam.long_lived_ai_credentials": true},
		keyID(alice, "aws_access_key", "AKIA111111111EXAMPLE"): {"key.kind": "aws_access_key", "key.age_days": age("2016-12-01T22:19:58Z"),
			"key.never_used": true, "key.last_used_days": age("2016-12-01T22:19:58Z")},
		keyID(alice, "aws_access_key", "AKIA222222222EXAMPLE"): {"key.kind": "aws_access_key", "key.age_days": age("2016-12-01T22:20:01Z"),
			"key.never_used": true},
	})
	// The AssumeRole example's secret access key and session token never
	// reach the inventory.
	b, err := json.Marshal(inv)
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", "AQoDYXdzEPT", "AKIA111111111EXAMPLE"} {
		if strings.Contains(string(b), secret) {
			t.Errorf("the inventory holds %q", secret)
		}
	}
}

// TestConformanceUnreadableSCPIsUnknown serves the DescribePolicy example
// as published, its policy document escaped twice: the SCPs cannot be
// read, so whether they restrict AI is unknown (no org.scp_restricts_ai),
// and each is a named problem, never a clean "no restriction".
func TestConformanceUnreadableSCPIsUnknown(t *testing.T) {
	m := loadConformance(t)
	for i, c := range m.Calls {
		if c.Target == "AWSOrganizationsV20161128.DescribePolicy" {
			m.Calls[i].Edits = nil
		}
	}
	inv, _ := conformanceScan(t, m)
	sf := replay.ScopeFacts(inv)
	for _, k := range []string{"org.scp_restricts_ai", "org.ai_service_policy", "org.ai_restricting_scps"} {
		if v, ok := sf[k]; ok {
			t.Errorf("scope fact %s = %#v, want it unknown (not emitted)", k, v)
		}
	}
	var problems []string
	for _, r := range inv.Scan.CollectorRuns {
		if r.Scope.ID == "aws:org:o-exampleorgid" {
			problems = r.Problems
		}
	}
	for _, name := range []string{"AllowAllS3Actions", "AllowAllEC2Actions", "FullAWSAccess"} {
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, name) && strings.Contains(p, "not readable") }) {
			t.Errorf("no problem names policy %s as not readable: %q", name, problems)
		}
	}
}

// TestConformanceCallsDocumented: every call answered in calls.yaml is in
// the table of docs/collectors/aws.md, and the docs name the examples.
func TestConformanceCallsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/collectors/aws.md")
	if err != nil {
		t.Fatal(err)
	}
	rest := map[string]string{"/custom-models": "ListCustomModels", "/imported-models": "ListImportedModels",
		"/provisioned-model-throughputs": "ListProvisionedModelThroughputs", "/inference-profiles": "ListInferenceProfiles",
		"/guardrails": "ListGuardrails", "/logging/modelinvocations": "GetModelInvocationLoggingConfiguration",
		"/agents/": "ListAgents", "/knowledgebases/": "ListKnowledgeBases", "/flows/": "ListFlows", "/prompts/": "ListPrompts",
		"/runtimes/": "ListAgentRuntimes", "/gateways/": "ListGateways"}
	for _, c := range loadConformance(t).Calls {
		op := c.Action
		if c.Target != "" {
			op = c.Target[strings.LastIndex(c.Target, ".")+1:]
		}
		if op == "" {
			op = rest[strings.Fields(c.Call)[1]]
		}
		if op == "" {
			t.Errorf("%s: no operation name known for the docs check", c.Call)
			continue
		}
		if !regexp.MustCompile("`" + op + "`").Match(doc) {
			t.Errorf("docs/collectors/aws.md does not name %s", op)
		}
		if c.Example != "" && !strings.Contains(string(doc), strings.TrimSuffix(c.Example, ".json")) {
			t.Errorf("docs/collectors/aws.md does not name the example file %s behind %s", c.Example, op)
		}
	}
}
