package goldentest

import (
	"os"
	"strings"
	"testing"

	"github.com/aisight/aisight/model"
)

// FactsDocumented fails the test for every fact key (of an asset or a scope)
// in inv that the facts document at docPath does not name in backquotes,
// and when inv holds fewer than min distinct keys (an inventory that lost
// its facts would otherwise pass). It returns how many distinct keys it saw.
func FactsDocumented(t testing.TB, docPath string, inv model.Inventory, min int) int {
	t.Helper()
	doc, err := os.ReadFile(docPath)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	check := func(f model.Fact, on string) {
		if !seen[f.Key] && !strings.Contains(string(doc), "`"+f.Key+"`") {
			t.Errorf("fact key %s (on %s) is not documented in %s", f.Key, on, docPath)
		}
		seen[f.Key] = true
	}
	for _, a := range inv.Assets {
		for _, f := range a.Facts {
			check(f, string(a.Kind))
		}
	}
	for _, sf := range inv.ScopeFacts {
		for _, f := range sf.Facts {
			check(f, "scope "+sf.Scope.Kind)
		}
	}
	if len(seen) < min {
		t.Errorf("only %d distinct fact keys, want at least %d: the inventory proves too little", len(seen), min)
	}
	return len(seen)
}
