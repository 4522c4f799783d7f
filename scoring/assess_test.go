package scoring

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/enrich"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

var update = goldentest.Flag()

func catalog(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load("")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func inventory(t testing.TB, name string) model.Inventory {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name+".inventory.json"))
	if err != nil {
		t.Fatal(err)
	}
	var inv model.Inventory
	if err := json.Unmarshal(b, &inv); err != nil {
		t.Fatal(err)
	}
	// The estates are what collectors report; the CLI adds the
	// cross-collector facts before scoring, and so do the tests.
	enrich.Apply(&inv, enrich.Options{})
	return inv
}

func attestations(t testing.TB, cat *Catalog) []Attestation {
	t.Helper()
	b, err := os.ReadFile("testdata/attestations.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseAttestations("attestations.yaml", b, cat)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func category(t testing.TB, a model.Assessment, id string) model.Category {
	t.Helper()
	for _, c := range a.Categories {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no category %s", id)
	return model.Category{}
}

func control(t testing.TB, a model.Assessment, id string) model.ControlResult {
	t.Helper()
	for _, c := range a.Categories {
		for _, r := range c.Controls {
			if r.ID == id {
				return r
			}
		}
	}
	t.Fatalf("no control %s", id)
	return model.ControlResult{}
}

// TestGoldenEstates scores the testdata estates. Each golden file is the
// whole assessment (regenerate with go test ./scoring -update); the levels
// the estates were built to show are asserted explicitly as well.
func TestGoldenEstates(t *testing.T) {
	cat := catalog(t)
	type lv struct {
		level, potential model.Level
	}
	tests := []struct {
		name   string
		attest bool
		want   map[string]lv
	}{
		{"empty", false, map[string]lv{"ORG": {0, 0}, "IAM": {0, 0}, "GOV": {0, 0}, "DEV": {0, 0}}},
		{"well-run", true, map[string]lv{"ORG": {4, 4}, "IAM": {4, 4}, "DEV": {4, 4}, "MON": {5, 5}, "MOD": {4, 4}, "GOV": {3, 3}, "IR": {1, 1}, "RSK": {1, 3}}},
		{"shadow-ai", false, map[string]lv{"ORG": {1, 1}, "IAM": {1, 1}, "DEV": {1, 1}, "MOD": {1, 1}, "GOV": {1, 3}, "MON": {1, 5}}},
		{"aws-denied", true, map[string]lv{"ORG": {1, 4}, "IAM": {2, 4}, "DEV": {4, 4}, "MON": {1, 5}}},
		{"azure-ai", false, map[string]lv{"ORG": {1, 1}, "IAM": {1, 1}, "MON": {1, 2}, "INF": {1, 2}, "DAT": {1, 2}, "MOD": {1, 5}}},
		{"gcp-vertex", false, map[string]lv{"ORG": {1, 2}, "IAM": {1, 1}, "MON": {1, 2}, "INF": {1, 2}, "DAT": {1, 2}, "APP": {1, 2}, "MOD": {1, 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := inventory(t, tt.name)
			var atts []Attestation
			if tt.attest {
				atts = attestations(t, cat)
			}
			a := Assess(inv, cat, atts)
			if len(a.Categories) != 12 {
				t.Fatalf("%d categories, want all 12", len(a.Categories))
			}
			for id, w := range tt.want {
				c := category(t, a, id)
				if c.Level != w.level || c.PotentialLevel != w.potential {
					t.Errorf("%s: level %d potential %d, want %d and %d; next steps %+v", id, c.Level, c.PotentialLevel, w.level, w.potential, c.NextSteps)
				}
				if c.PotentialLevel < c.Level {
					t.Errorf("%s: potential below level", id)
				}
			}
			got, _ := json.MarshalIndent(a, "", " ")
			got = append(got, '\n')
			goldentest.Compare(t, filepath.Join("testdata", tt.name+".assessment.golden.json"), got, update)
		})
	}
}

// TestDeniedRegionIsUnknownNotPass: the estate that lost one region to
// AccessDenied keeps the same facts elsewhere, yet its PaaS controls become
// unknown (never pass), the level falls and the coverage says why.
func TestDeniedRegionIsUnknownNotPass(t *testing.T) {
	cat := catalog(t)
	full := Assess(inventory(t, "well-run"), cat, nil)
	denied := Assess(inventory(t, "aws-denied"), cat, nil)
	for _, id := range []string{"ORG.2.invocation-logging-some", "ORG.3.paas-logging", "IAM.3.no-ai-wildcards", "MON.3.guardrails-attached"} {
		if r := control(t, full, id); r.Result != model.Pass {
			t.Errorf("well-run %s = %s (%s), want pass", id, r.Result, r.Reason)
		}
		r := control(t, denied, id)
		if r.Result != model.Unknown || !strings.Contains(r.Reason, "aws:111122223333:eu-west-1") {
			t.Errorf("aws-denied %s = %s (%s), want unknown naming the denied scope", id, r.Result, r.Reason)
		}
	}
	if f, d := category(t, full, "ORG"), category(t, denied, "ORG"); d.Level >= f.Level || d.Coverage >= f.Coverage || d.PotentialLevel != f.Level {
		t.Errorf("ORG: full L%d cov %.2f, denied L%d cov %.2f potential L%d", f.Level, f.Coverage, d.Level, d.Coverage, d.PotentialLevel)
	}
}

func TestEveryCategoryAndEnoughAutomatedControls(t *testing.T) {
	cat := catalog(t)
	if len(cat.Categories) != 12 {
		t.Fatalf("%d categories", len(cat.Categories))
	}
	auto := map[string]map[model.Level]int{}
	for _, c := range cat.Controls {
		if auto[c.Category] == nil {
			auto[c.Category] = map[model.Level]int{}
		}
		if c.Mode == Automated {
			auto[c.Category][c.Level]++
		}
		if len(c.AICM) == 0 && c.Mode == Automated {
			t.Errorf("%s cites no AICM control", c.ID)
		}
	}
	for _, cat := range []string{"ORG", "IAM", "DEV", "MOD", "MON"} {
		n := 0
		for l := model.Level(2); l <= 5; l++ {
			if auto[cat][l] == 0 {
				t.Errorf("%s has no automated control at L%d", cat, l)
			}
			n += auto[cat][l]
		}
		if n < 6 {
			t.Errorf("%s has %d automated controls, want at least 6", cat, n)
		}
	}
}

func TestClimb(t *testing.T) {
	r := func(l model.Level, res model.Result, mode string) model.ControlResult {
		return model.ControlResult{Level: l, Result: res, Mode: mode}
	}
	tests := []struct {
		name             string
		results          []model.ControlResult
		level, potential model.Level
	}{
		{"nothing", nil, 1, 1},
		{"pass L2 only", []model.ControlResult{r(2, model.Pass, Automated)}, 2, 2},
		{"fail blocks", []model.ControlResult{r(2, model.Pass, Automated), r(2, model.Fail, Automated), r(3, model.Pass, Automated)}, 1, 1},
		{"unknown blocks, potential passes", []model.ControlResult{r(2, model.Unknown, Automated), r(3, model.Pass, Automated)}, 1, 3},
		{"n/a alone does not make a level", []model.ControlResult{r(2, model.NotApplicable, Automated)}, 1, 1},
		{"n/a beside a pass", []model.ControlResult{r(2, model.NotApplicable, Automated), r(2, model.Pass, Automated)}, 2, 2},
		{"unattested manual neither blocks nor evidences", []model.ControlResult{r(2, model.Pass, Automated), r(2, model.Unknown, Manual), r(3, model.Unknown, Manual)}, 2, 3},
		{"a gap in levels stops the climb", []model.ControlResult{r(2, model.Pass, Automated), r(4, model.Pass, Automated)}, 2, 2},
	}
	for _, tt := range tests {
		if l, p := climb(tt.results, false), climb(tt.results, true); l != tt.level || p != tt.potential {
			t.Errorf("%s: level %d potential %d, want %d %d", tt.name, l, p, tt.level, tt.potential)
		}
	}
}

// TestAssessIsDeterministic: the parallel evaluation merges in asset order,
// so the same inventory always gives the same assessment.
func TestAssessIsDeterministic(t *testing.T) {
	cat := catalog(t)
	inv := syntheticInventory(20_000)
	first, _ := json.Marshal(Assess(inv, cat, nil))
	for range 3 {
		again, _ := json.Marshal(Assess(inv, cat, nil))
		if string(again) != string(first) {
			t.Fatal("two assessments of one inventory differ")
		}
	}
}

// A custom control whose expression would run for minutes or fill memory
// stops at the cost limit: unknown, with a reason saying so, and every
// other control is still evaluated.
func TestCostlyControlStopsAndIsUnknown(t *testing.T) {
	dir := t.TempDir()
	l := "[0,1,2,3,4,5,6,7,8,9]"
	nested := "true"
	for _, v := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		nested = l + ".all(" + v + ", " + nested + ")"
	}
	grow := `"x" + name`
	for _, v := range []string{"i", "j", "k", "m", "n", "o", "p"} {
		grow = "[1,2,3,4,5,6,7,8,9,10].map(" + v + ", " + grow + " + " + grow + ")"
	}
	grow += ".size() > 0"
	ctl := "controls:\n" +
		"  - {id: DEV.3.comprehension-bomb, title: bomb, category: DEV, level: 3, kinds: [sdk_dependency], check: '" + nested + "', evidence_from: [source], aicm: [], remediation: none}\n" +
		"  - {id: DEV.3.string-bomb, title: strings, category: DEV, level: 3, kinds: [sdk_dependency], check: '" + grow + "', evidence_from: [source], aicm: [], remediation: none}\n"
	if err := os.WriteFile(filepath.Join(dir, "bomb.yaml"), []byte(ctl), 0o644); err != nil {
		t.Fatal(err)
	}
	cat, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	inv := inventory(t, "well-run")
	start := time.Now()
	a := Assess(inv, cat, nil)
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("assessment took %s", d)
	}
	for _, id := range []string{"DEV.3.comprehension-bomb", "DEV.3.string-bomb"} {
		r := control(t, a, id)
		if r.Result != model.Unknown || !strings.Contains(r.Reason, OverLimit) {
			t.Errorf("%s: %s %q, want unknown because the evaluation stopped", id, r.Result, r.Reason)
		}
	}
	if r := control(t, a, "DEV.3.sdk-pinned"); r.Result == model.Unknown {
		t.Errorf("the other controls must still be evaluated: %s %s", r.Result, r.Reason)
	}
}

// A cancelled assessment (SIGTERM) stops evaluating: what was not
// evaluated is unknown, never pass.
func TestCancelledAssessmentIsUnknown(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	a := AssessContext(ctx, inventory(t, "well-run"), catalog(t), nil)
	for _, c := range a.Categories {
		for _, r := range c.Controls {
			if r.Mode == Automated && r.Result == model.Pass {
				t.Errorf("%s passed in a cancelled assessment", r.ID)
			}
		}
	}
}

// A literal key in a test fixture, a docs page or an example file is listed
// in the inventory but judged by no control: only production findings
// count (fact source.context).
func TestNonProductionFindingsAreNotJudged(t *testing.T) {
	cat := catalog(t)
	inv := inventory(t, "well-run")
	key := func(id, ctx string) model.Asset {
		return model.Asset{ID: id, Provider: "openai", Scope: inv.Scan.CollectorRuns[0].Scope.ID, Kind: model.KindAPIKey, DeploymentType: model.APISaaS,
			Facts: []model.Fact{model.Bool("key.literal_in_source", true, model.Observed, "file:x"), model.String("source.context", ctx, model.Inferred, "file:x")}}
	}
	for _, ctx := range []string{"test", "docs", "example"} {
		inv.Assets = append(inv.Assets, key("file://repo/"+ctx+"#key", ctx))
	}
	before := control(t, Assess(inventory(t, "well-run"), cat, nil), "IAM.2.no-literal-keys")
	r := control(t, Assess(inv, cat, nil), "IAM.2.no-literal-keys")
	if r.Result != before.Result || r.Applicable != before.Applicable {
		t.Errorf("non-production keys changed IAM.2.no-literal-keys: %s %d/%d, was %s %d/%d", r.Result, r.Passing, r.Applicable, before.Result, before.Passing, before.Applicable)
	}
	inv.Assets = append(inv.Assets, key("file://repo/app#key", "production"))
	if r := control(t, Assess(inv, cat, nil), "IAM.2.no-literal-keys"); r.Result != model.Fail {
		t.Errorf("a production literal key: IAM.2.no-literal-keys = %s, want fail", r.Result)
	}
}
