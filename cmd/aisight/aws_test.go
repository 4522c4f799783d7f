package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	sim "github.com/aisight/aisight/internal/sim/aws"
	"github.com/aisight/aisight/model"
)

// The CLI scans an AWS organisation through the emulator, reached the way
// a user reaches a private endpoint (AWS_ENDPOINT_URL), and its JSON still
// matches the schema.
func TestScanAWSOrganisationThroughTheCLI(t *testing.T) {
	estate, err := sim.LoadEstate("../../collectors/aws/testdata/org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	estate.Faults = sim.Faults{Denied: estate.Faults.Denied}
	srv := sim.Start(estate)
	defer srv.Close()
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AISIGHT_AWS": "", "AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": sim.AccessKeyID("111111111111"), "AWS_SECRET_ACCESS_KEY": "emulated",
		"AWS_REGION": "us-east-1", "AWS_CONFIG_FILE": filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "k"),
	} {
		t.Setenv(k, v)
	}
	if r := runCLI(t, "scan", "--source=off", "--aws-org"); r.code != exitUsage || !strings.Contains(r.stderr, "--aws-role-name") {
		t.Errorf("--aws-org without a role: exit %d %s", r.code, r.stderr)
	}
	r := runCLI(t, "scan", "--source=off", "--aws-org", "--aws-role-name", "aisight-readonly", "-o", "json")
	// One region is denied: the report is complete otherwise, and exit 4 says the scan is not.
	if r.code != exitIncomplete || !strings.Contains(r.stderr, "aws:222222222222:eu-west-1 failed (denied)") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	c := jsonschema.NewCompiler()
	sch, err := c.Compile("../../docs/schema/aisight-output.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if err := sch.Validate(doc); err != nil {
		t.Errorf("output does not match docs/schema: %v", err)
	}
	var rep model.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Assets) < 50 {
		t.Errorf("%d assets", len(rep.Assets))
	}
	statuses := map[model.Status]int{}
	for _, run := range rep.Scan.CollectorRuns {
		if run.Collector == "aws" {
			statuses[run.Status]++
		}
	}
	if statuses[model.StatusOK] != 12 || statuses[model.StatusFailed] != 1 {
		t.Errorf("aws run statuses %v, want 12 ok and the denied region failed", statuses)
	}
	r = runCLI(t, "scan", "--source=off", "--aws-org", "--aws-role-name", "aisight-readonly")
	if !strings.Contains(r.stdout, "aws:222222222222:eu-west-1") || !strings.Contains(r.stdout, "denied") {
		t.Errorf("the table does not show the denied scope:\n%s", r.stdout)
	}
}
