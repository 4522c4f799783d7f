package diff

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/model"
)

func report(t0 time.Time, cats map[string]model.Level, failing []string, assets ...model.Asset) model.Report {
	a := &model.Assessment{}
	for _, id := range []string{"IAM", "ORG"} {
		c := model.Category{ID: id, Level: cats[id], PotentialLevel: cats[id]}
		for _, f := range failing {
			if strings.HasPrefix(f, id) {
				c.Controls = append(c.Controls, model.ControlResult{ID: f, Title: "t " + f, Result: model.Fail})
			}
		}
		a.Categories = append(a.Categories, c)
	}
	return model.Report{Scan: model.Scan{Started: t0}, Assets: assets, Assessment: a}
}

func TestCompareAndGates(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	keep := model.Asset{ID: "k8s://c/ns/deployment/vllm", Kind: model.KindInferenceWorkload, Name: "vllm",
		Facts: []model.Fact{{Key: "image.pinned_digest", Value: false}, {Key: "gpu.requested", Value: int64(1)}}}
	kept := keep
	kept.Facts = []model.Fact{{Key: "image.pinned_digest", Value: true}, {Key: "gpu.requested", Value: float64(1)}}
	gone := model.Asset{ID: "arn:old", Kind: model.KindEndpoint, Name: "old"}
	key := model.Asset{ID: "file://r/.env#key-1", Kind: model.KindAPIKey, Location: &model.Location{Path: ".env", Line: 2},
		Facts: []model.Fact{{Key: "key.age_days", Value: int64(5)}}}
	keyOlder := key
	keyOlder.Facts = []model.Fact{{Key: "key.age_days", Value: int64(6)}}
	shadow := model.Asset{ID: "k8s://c/ns/deployment/new", Kind: model.KindInferenceWorkload, Name: "new", Facts: []model.Fact{{Key: "registry.registered", Value: false}}}

	old := report(t0, map[string]model.Level{"IAM": 3, "ORG": 2}, []string{"ORG.3.registered"}, keep, gone, keyOlder)
	new := report(t0.Add(24*time.Hour), map[string]model.Level{"IAM": 2, "ORG": 2}, []string{"IAM.3.no-literal"}, kept, shadow, key,
		model.Asset{ID: "file://r/a.py#key-2", Kind: model.KindAPIKey, Location: &model.Location{Path: "a.py", Line: 9}})
	r := Compare(old, new)
	if d := cmp.Diff([]string{"file://r/a.py#key-2", "k8s://c/ns/deployment/new"}, ids(r.Added)); d != "" {
		t.Errorf("added (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"arn:old"}, ids(r.Removed)); d != "" {
		t.Errorf("removed (-want +got):\n%s", d)
	}
	if len(r.Changed) != 1 || len(r.Changed[0].Facts) != 1 || r.Changed[0].Facts[0].Key != "image.pinned_digest" {
		t.Errorf("changed: %+v (an int read back as float, or a key's age, is not a change)", r.Changed)
	}
	if len(r.Levels) != 1 || r.Levels[0].Category != "IAM" || r.Levels[0].New != 2 {
		t.Errorf("levels: %+v", r.Levels)
	}
	if len(r.NewFailing) != 1 || r.NewFailing[0].ID != "IAM.3.no-literal" || len(r.Fixed) != 1 {
		t.Errorf("controls: new failing %+v fixed %+v", r.NewFailing, r.Fixed)
	}
	tripped := r.Tripped(Gates)
	if len(tripped) != 3 || !strings.Contains(tripped[0], "k8s://c/ns/deployment/new") || !strings.Contains(tripped[1], "a.py:9") || !strings.Contains(tripped[2], "IAM L3→L2") {
		t.Errorf("gates: %q", tripped)
	}
	if got := Compare(new, new).Tripped(Gates); len(got) != 0 {
		t.Errorf("a report compared with itself trips %q", got)
	}
	for _, f := range Formats {
		var b bytes.Buffer
		if err := Render(&b, f, r); err != nil || b.Len() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// Markdown for a pull-request comment escapes what a scanned tree named.
func TestMarkdownEscapes(t *testing.T) {
	r := Result{Added: []Asset{{ID: "x", Kind: model.KindModel, Name: "a|b <img src=x onerror=alert(1)> [link](http://e)", Provider: "source"}}}
	var b bytes.Buffer
	if err := Render(&b, "markdown", r); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if strings.Contains(s, "<img") || strings.Contains(s, "a|b") || strings.Contains(s, "[link](") {
		t.Errorf("not escaped:\n%s", s)
	}
}

func ids(as []Asset) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// A report with a partial or failed run trips every gate set (the
// incomplete gate comes with any of them) and says so at the top of each
// output form; no-incomplete turns that off explicitly.
func TestIncompleteReportFailsEveryGate(t *testing.T) {
	good := model.Report{Scan: model.Scan{CollectorRuns: []model.CollectorRun{{Collector: "source", Scope: model.Scope{ID: "source:."}, Status: model.StatusOK}}}}
	bad := model.Report{Scan: model.Scan{CollectorRuns: []model.CollectorRun{{Collector: "source", Scope: model.Scope{ID: "source:."}, Status: model.StatusFailed, ErrorClass: model.ErrUnavailable, Error: "scope timed out"}}}}
	r := Compare(good, bad)
	for _, gates := range [][]string{{"new-key"}, {"new-shadow"}, {"regression"}, {"incomplete"}} {
		if tripped := r.Tripped(gates); len(tripped) != 1 || !strings.HasPrefix(tripped[0], "incomplete: the new report") {
			t.Errorf("gates %v: tripped %q, want the incomplete gate", gates, tripped)
		}
	}
	if tripped := r.Tripped([]string{"new-key", "no-incomplete"}); len(tripped) != 0 {
		t.Errorf("no-incomplete: tripped %q", tripped)
	}
	if tripped := Compare(good, good).Tripped([]string{"new-key"}); len(tripped) != 0 {
		t.Errorf("complete reports: tripped %q", tripped)
	}
	for _, f := range Formats {
		var b strings.Builder
		if err := Render(&b, f, r); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if !strings.Contains(strings.ToLower(out), "incomplete") || !strings.Contains(out, "scope timed out") {
			t.Errorf("%s does not say the new report is incomplete:\n%s", f, out)
		}
		if strings.Contains(out, "No changes.") {
			t.Errorf("%s says no changes of an incomplete report:\n%s", f, out)
		}
	}
}
