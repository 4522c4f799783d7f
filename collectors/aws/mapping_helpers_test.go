package aws

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/model"
)

// testScan is a region scope for the pure mapping tests.
func testScan() *scan {
	return &scan{c: &Collector{opts: Options{OwnerTags: []string{"owner", "team"}}},
		scope: model.Scope{ID: "aws:111111111111:us-east-1", Account: "111111111111", Region: "us-east-1", Kind: "account_region"}}
}

// factMap is an asset's facts by key.
func factMap(fs []model.Fact) map[string]any {
	m := map[string]any{}
	for _, f := range fs {
		m[f.Key] = f.Value
	}
	return m
}

// checkFacts compares the wanted facts (nil value: must be absent).
func checkFacts(t *testing.T, name string, got []model.Fact, want map[string]any) {
	t.Helper()
	m := factMap(got)
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

func cmpRel(want, got []model.Relation) string { return cmp.Diff(want, got) }
