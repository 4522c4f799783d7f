package replay

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// ExpectAssets checks a conformance scan against expectations written from
// the examples: each asset by ID with the facts it must carry (nil: the
// fact must not be emitted, it is unknown), and nothing inventoried that no
// example holds.
func ExpectAssets(t testing.TB, inv model.Inventory, want map[string]map[string]any) {
	t.Helper()
	byID := map[string]model.Asset{}
	for _, a := range inv.Assets {
		byID[a.ID] = a
	}
	for id, facts := range want {
		a, ok := byID[id]
		if !ok {
			t.Errorf("%s: not inventoried", id)
			continue
		}
		for k, v := range facts {
			f, ok := a.Fact(k)
			switch {
			case v == nil && ok:
				t.Errorf("%s: %s = %v, want it not emitted (unknown)", id, k, f.Value)
			case v != nil && !ok:
				t.Errorf("%s: %s not emitted, want %v", id, k, v)
			case v != nil && !reflect.DeepEqual(f.Value, v):
				t.Errorf("%s: %s = %#v, want %#v", id, k, f.Value, v)
			}
		}
	}
	for id := range byID {
		if _, ok := want[id]; !ok {
			t.Errorf("%s: inventoried, but no example holds it", id)
		}
	}
}

// ScopeFacts are an inventory's scope facts by key (a one-scope scan's).
func ScopeFacts(inv model.Inventory) map[string]any {
	out := map[string]any{}
	for _, sf := range inv.ScopeFacts {
		for _, f := range sf.Facts {
			out[f.Key] = f.Value
		}
	}
	return out
}

// Collect runs one collector, built on the base URL of a replay of dir's
// calls.yaml (examples in dir/examples), through the runner, and fails t
// when the collector made a call no example answers or the manifest lists
// a call it never made. The inventory is normalised.
func Collect(t *testing.T, dir, name string, build func(base string) collectors.Collector) (model.Inventory, *Server) {
	t.Helper()
	m, err := Load(dir + "/calls.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := Start(t, m, dir+"/examples", false)
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute, RetryBackoff: time.Millisecond}).
		Run(context.Background(), []collectors.Plan{{Name: name, Collector: build(srv.URL)}})
	inv.Normalize()
	if u := srv.Unmatched(); len(u) > 0 {
		t.Errorf("calls with no example in %s/calls.yaml: %q", dir, u)
	}
	if n := srv.NeverCalled(); len(n) > 0 {
		t.Errorf("%s/calls.yaml lists calls the collector never made: %q", dir, n)
	}
	return inv, srv
}

// ExpectOK fails t for every scope of inv that is not ok.
func ExpectOK(t testing.TB, inv model.Inventory) {
	t.Helper()
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusOK {
			t.Errorf("%s: %s %s %q", r.Scope.ID, r.Status, r.Error, r.Problems)
		}
	}
}
