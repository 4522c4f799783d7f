package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	sim "github.com/aisight/aisight/internal/sim/azure"
	"github.com/aisight/aisight/model"
)

// The CLI scans an Azure tenant through the TLS emulator, trusting only its
// certificate: the denied subscription makes the scan incomplete (exit 4),
// the subscription with no AI provider is skipped as not_enabled.
func TestScanAzureThroughTheCLI(t *testing.T) {
	estate, err := sim.LoadEstate("../../collectors/azure/testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := sim.Start(estate)
	defer srv.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := srv.WriteCert(ca); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AISIGHT_AZURE", "")
	t.Setenv("AISIGHT_AZURE_EMULATOR_URL", srv.URL)
	t.Setenv("HOME", t.TempDir())

	t.Setenv("AISIGHT_AZURE_EMULATOR_CA", "")
	if r := runCLI(t, "scan", "--source=off"); r.code != exitUsage || !strings.Contains(r.stderr, "AISIGHT_AZURE_EMULATOR_CA") {
		t.Errorf("emulator without its certificate: exit %d %s", r.code, r.stderr)
	}
	t.Setenv("AISIGHT_AZURE_EMULATOR_CA", ca)
	if r := runCLI(t, "scan", "--source=off", "--azure-subscriptions", "ai-prod"); r.code != exitUsage || !strings.Contains(r.stderr, "--azure-subscriptions") {
		t.Errorf("a subscription name instead of an id: exit %d %s", r.code, r.stderr)
	}
	r := runCLI(t, "scan", "--source=off", "-o", "json")
	if r.code != exitIncomplete || !strings.Contains(r.stderr, "azure:33333333-3333-3333-3333-333333333333 failed (denied)") {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep model.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	kinds := map[model.Kind]int{}
	for _, a := range rep.Assets {
		if a.Provider == "azure" {
			kinds[a.Kind]++
		}
	}
	for _, k := range []model.Kind{model.KindProject, model.KindModelDeployment, model.KindGuardrail, model.KindEndpoint,
		model.KindNotebook, model.KindModelRegistry, model.KindIdentity, model.KindAPIKey} {
		if kinds[k] == 0 {
			t.Errorf("no Azure %s assets: %v", k, kinds)
		}
	}
	skipped := false
	for _, run := range rep.Scan.CollectorRuns {
		if run.Scope.ID == "azure:44444444-4444-4444-4444-444444444444" {
			skipped = run.Status == model.StatusSkipped && run.ErrorClass == model.ErrNotEnabled
		}
	}
	if !skipped {
		t.Error("the subscription with no AI provider registered is not skipped as not_enabled")
	}
	help := runCLI(t, "scan", "--help")
	for _, want := range []string{"Azure collector", "--azure-subscriptions", "--azure-cloud"} {
		if !strings.Contains(help.stdout, want) {
			t.Errorf("scan --help lacks %q", want)
		}
	}
}
