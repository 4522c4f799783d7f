package goldentest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestUpdateMarksOnlyWhatItNames(t *testing.T) {
	var u Update
	if u.Matches("testdata/a.golden") {
		t.Error("off matches")
	}
	u.Set("true")
	if !u.Matches("testdata/a.golden") {
		t.Error("-update does not match")
	}
	u.Set("formats/shadow-ai,metrics")
	for path, want := range map[string]bool{"testdata/formats/shadow-ai.sarif": true, "testdata/metrics.golden.prom": true, "testdata/formats/empty.sarif": false} {
		if u.Matches(path) != want {
			t.Errorf("%s: %v", path, !want)
		}
	}
	// A file it does not mark is compared, not rewritten.
	dir := t.TempDir()
	p := filepath.Join(dir, "other.golden")
	os.WriteFile(p, []byte("old"), 0o644)
	ft := &testing.T{}
	Compare(ft, p, []byte("new"), &u)
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("an unmarked golden file was rewritten: %q", b)
	}
}
