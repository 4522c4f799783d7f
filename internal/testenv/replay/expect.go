package replay

import (
	"reflect"
	"testing"

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
