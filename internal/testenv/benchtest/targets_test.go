package benchtest

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every target names a benchmark of the repository and a unit that
// benchmark reports through Metric: a target nothing checks would be a
// target in name only.
func TestTargetsAreChecked(t *testing.T) {
	ts, err := Targets()
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) < 10 {
		t.Fatalf("%d targets", len(ts))
	}
	var src strings.Builder
	err = filepath.WalkDir("../../..", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(p, "_test.go") {
			b, err := os.ReadFile(p)
			src.Write(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all := src.String()
	for _, tg := range ts {
		fn, _, _ := strings.Cut(tg.Benchmark, "/")
		if !strings.Contains(all, "func "+fn+"(b *testing.B)") {
			t.Errorf("target %s %s: no benchmark %s", tg.Benchmark, tg.Metric, fn)
		}
		if !regexp.MustCompile(`benchtest\.Metric\(b, [^\n]*"` + regexp.QuoteMeta(tg.Metric) + `"\)`).MatchString(all) {
			t.Errorf("target %s %s: no benchtest.Metric(..., %q) reports it", tg.Benchmark, tg.Metric, tg.Metric)
		}
	}
}
