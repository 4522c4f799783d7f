package gcp

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

// testScan is a location scope of project p (number 123) for the pure
// mapping tests; no call is made.
func testScan(t *testing.T) *scan {
	t.Helper()
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(context.Background(), Options{Emulator: "127.0.0.1:1"}, cat)
	if err != nil {
		t.Fatal(err)
	}
	c.projects["p"] = projectInfo{ID: "p", Number: "123"}
	c.byNumber["123"] = "p"
	return &scan{c: c, project: c.projects["p"], models: map[string]*model.Asset{}, sink: &memSink{},
		scope: model.Scope{ID: "gcp:p:us-central1", Provider: Name, Kind: "project_location", Account: "p", Region: "us-central1"}}
}

// checkFacts compares the wanted facts (nil value: must be absent).
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

const sa = "//iam.googleapis.com/projects/p/serviceAccounts/"

// memSink keeps what a mapping reports.
type memSink struct {
	assets []model.Asset
	facts  []model.Fact
	notes  []error
}

func (m *memSink) Asset(a model.Asset)    { m.assets = append(m.assets, a) }
func (m *memSink) ScopeFact(f model.Fact) { m.facts = append(m.facts, f) }
func (m *memSink) Problem(error)          {}
func (m *memSink) Count(string, int64)    {}
func (m *memSink) Note(err error)         { m.notes = append(m.notes, err) }
