package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	sim "github.com/aisight/aisight/internal/sim/gcp"
	"github.com/aisight/aisight/model"
)

// The CLI scans a GCP organisation through the gRPC emulator: the denied
// project makes the scan incomplete (exit 4) and says so, the project with
// Vertex AI disabled is skipped as not_enabled, the table names both, and
// the JSON matches the schema.
func TestScanGCPThroughTheCLI(t *testing.T) {
	estate, err := sim.LoadEstate("../../collectors/gcp/testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := sim.Start(estate)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("AISIGHT_GCP", "")
	t.Setenv("AISIGHT_GCP_EMULATOR_HOST", srv.Addr)
	t.Setenv("HOME", t.TempDir())

	if r := runCLI(t, "scan", "--source=off", "--gcp-projects", "Not A Project"); r.code != exitUsage || !strings.Contains(r.stderr, "--gcp-projects") {
		t.Errorf("a bad project id: exit %d %s", r.code, r.stderr)
	}
	r := runCLI(t, "scan", "--source=off", "-o", "json")
	if r.code != exitIncomplete || !strings.Contains(r.stderr, "gcp:finance-ai failed (denied)") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	sch, err := jsonschema.NewCompiler().Compile("../../docs/schema/aisight-output.schema.json")
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
	kinds := map[model.Kind]int{}
	for _, a := range rep.Assets {
		if a.Provider == "gcp" {
			kinds[a.Kind]++
		}
	}
	for _, k := range []model.Kind{model.KindEndpoint, model.KindModelDeployment, model.KindModel, model.KindAgent, model.KindKnowledgeBase,
		model.KindNotebook, model.KindIdentity, model.KindAPIKey} {
		if kinds[k] == 0 {
			t.Errorf("no GCP %s assets: %v", k, kinds)
		}
	}
	skipped := 0
	for _, run := range rep.Scan.CollectorRuns {
		if run.Collector == "gcp" && run.Status == model.StatusSkipped {
			skipped++
			if run.ErrorClass != model.ErrNotEnabled || !strings.HasPrefix(run.Scope.ID, "gcp:legacy-web:") {
				t.Errorf("skipped run %s: %s %s", run.Scope.ID, run.ErrorClass, run.Error)
			}
		}
	}
	if skipped != 2 {
		t.Errorf("%d skipped GCP scopes, want legacy-web's 2 locations", skipped)
	}
	table := runCLI(t, "scan", "--source=off", "--gcp-projects", "ml-dev,legacy-web")
	if table.code != exitOK || !strings.Contains(table.stdout, "gcp") || !strings.Contains(table.stdout+table.stderr, "not_enabled") {
		t.Errorf("table: exit %d\n%s\n%s", table.code, table.stdout, table.stderr)
	}
	help := runCLI(t, "scan", "--help")
	for _, want := range []string{"GCP collector", "--gcp-projects", "--gcp-impersonate"} {
		if !strings.Contains(help.stdout, want) {
			t.Errorf("scan --help lacks %q", want)
		}
	}
}
