package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aisight/aisight/model"
)

func TestScanScoresEveryCategory(t *testing.T) {
	r := runCLI(t, "scan", "-o", "json", fixture)
	var rep model.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil || rep.Assessment == nil {
		t.Fatalf("no assessment: %v", err)
	}
	if len(rep.Assessment.Categories) != 12 {
		t.Errorf("%d categories, want 12", len(rep.Assessment.Categories))
	}
	for _, c := range rep.Assessment.Categories {
		if c.Level < 1 || c.PotentialLevel < c.Level {
			t.Errorf("%s: level %d potential %d", c.ID, c.Level, c.PotentialLevel)
		}
		for _, ctl := range c.Controls {
			// the fixture is a source-only scan: cloud evidence is unknown, never pass
			if strings.Contains(ctl.Reason, "no evidence") && ctl.Result != model.Unknown {
				t.Errorf("%s: %s with no evidence", ctl.ID, ctl.Result)
			}
		}
	}
	table := runCLI(t, "scan", fixture).stdout
	for _, want := range []string{"CATEGORY", "ORG Organization Management", "COVERAGE", "POTENTIAL", "NEXT STEPS", "IAM.2.no-literal-keys", "failing"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q", want)
		}
	}
}

func TestFailUnder(t *testing.T) {
	r := runCLI(t, "scan", "--fail-under", "IAM=2,DEV=1", fixture)
	if r.code != exitShort || !strings.Contains(r.stderr, "below --fail-under: IAM is L1, target L2") || strings.Contains(r.stderr, "DEV") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "CATEGORY") {
		t.Error("the report must still be written when targets are missed")
	}
	if r := runCLI(t, "scan", "--fail-under", "DEV=L1", fixture); r.code != 0 {
		t.Errorf("met target: exit %d %q", r.code, r.stderr)
	}
	for _, bad := range []string{"XYZ=2", "ORG=9", "ORG"} {
		if r := runCLI(t, "scan", "--fail-under", bad, fixture); r.code != exitUsage {
			t.Errorf("--fail-under %s: exit %d %q", bad, r.code, r.stderr)
		}
	}
}

func TestAttestationsFlag(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "a.yaml")
	os.WriteFile(good, []byte(`attestations:
  - control: GOV.2.ai-policy
    status: pass
    attester: ciso@acme.example
    date: 2026-01-01
    expires: 2099-01-01
  - control: GOV.3.ai-governance-body
    status: pass
    attester: ciso@acme.example
    date: 2020-01-01
    expires: 2021-01-01
`), 0o644)
	r := runCLI(t, "scan", "-o", "json", "--attestations", good, fixture)
	if r.code != 0 {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "warning: attestation 2 (control GOV.3.ai-governance-body, by ciso@acme.example) expired on 2021-01-01") {
		t.Errorf("expired attestation not reported: %q", r.stderr)
	}
	var rep model.Report
	json.Unmarshal([]byte(r.stdout), &rep)
	for _, c := range rep.Assessment.Categories {
		if c.ID == "GOV" && c.Level != 2 {
			t.Errorf("GOV level %d, want 2 (GOV.2 attested, GOV.3 expired)", c.Level)
		}
	}
	bad := filepath.Join(dir, "b.yaml")
	os.WriteFile(bad, []byte("attestations:\n  - control: GOV.2.ai-policy\n    status: yes\n"), 0o644)
	if r := runCLI(t, "scan", "--attestations", bad, fixture); r.code != exitUsage || !strings.Contains(r.stderr, `entry 1 (control "GOV.2.ai-policy")`) {
		t.Errorf("malformed: exit %d %q", r.code, r.stderr)
	}
}

func TestControlsCommands(t *testing.T) {
	r := runCLI(t, "controls", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "IAM.3.no-ai-wildcards") {
		t.Errorf("list: %d %q", r.code, r.stderr)
	}
	r = runCLI(t, "controls", "explain", "DEV.3.images-pinned")
	for _, want := range []string{"check", `facts["image.pinned_digest"] == true`, "AICM MDS-08 (v1.0)", "remediation"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := runCLI(t, "controls", "explain", "NOPE"); r.code != exitUsage {
		t.Errorf("unknown id: exit %d", r.code)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x.yaml"), []byte("controls:\n  - id: ORG.3.bad\n    title: t\n    category: ORG\n    level: 3\n    check: nope\n    evidence_from: [source]\n    remediation: r\n"), 0o644)
	if r := runCLI(t, "controls", "list", "--controls", dir); r.code != exitUsage || !strings.Contains(r.stderr, "x.yaml: control ORG.3.bad: check:") {
		t.Errorf("bad custom control: exit %d %q", r.code, r.stderr)
	}
	if r := runCLI(t, "scan", "--controls", dir, fixture); r.code != exitUsage {
		t.Errorf("scan with a bad catalog: exit %d", r.code)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(runCLI(t, "controls", "list", "-o", "json").stdout), &doc); err != nil || doc["catalog_version"] == "" {
		t.Errorf("json list: %v", err)
	}
}

// TestControlsDocIsCurrent fails when docs/controls.md is stale: run make generate.
func TestControlsDocIsCurrent(t *testing.T) {
	want, err := os.ReadFile("../../docs/controls.md")
	if err != nil {
		t.Fatal(err)
	}
	if got := runCLI(t, "controls", "list", "-o", "markdown").stdout; got != string(want) {
		t.Error("docs/controls.md is stale: run make generate")
	}
}

// TestExplainWithReport: controls explain --report shows this scan's result
// of the control, with each failing subject located (the fixture's literal
// keys at file:line) and the deciding facts.
func TestExplainWithReport(t *testing.T) {
	out := filepath.Join(t.TempDir(), "scan.json")
	if r := runCLI(t, "scan", "-q", "-o", "json", "--out", out, fixture); r.code != 0 && r.code != exitShort {
		t.Fatalf("scan: exit %d %s", r.code, r.stderr)
	}
	rep, err := readReport(out)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, a := range rep.Assets {
		if a.Kind == model.KindAPIKey && a.Location != nil {
			if lit, ok := a.Fact("key.literal_in_source"); ok && lit.Value == true {
				if ctx, ok := a.Fact("source.context"); !ok || ctx.Value == "production" {
					keys = append(keys, fmt.Sprintf("%s:%d", a.Location.Path, a.Location.Line))
				}
			}
		}
	}
	if len(keys) == 0 {
		t.Fatal("the fixture has no literal key in production code to explain")
	}
	r := runCLI(t, "controls", "explain", "IAM.2.no-literal-keys", "--report", out)
	if r.code != 0 {
		t.Fatalf("explain: exit %d %s", r.code, r.stderr)
	}
	for _, want := range append([]string{"in this scan", "result", "fail", "applicable", "failing", "evidence", "key.literal_in_source = true"}, keys...) {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("explain --report lacks %q:\n%s", want, r.stdout)
		}
	}
}
