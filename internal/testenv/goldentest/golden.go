// Package goldentest compares test output with golden files under testdata,
// rewriting them when the test binary runs with -update. Tests only.
package goldentest

import (
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Compare checks got against the golden file at path; with update set it
// first rewrites the file with got.
func Compare(t testing.TB, path string, got []byte, update bool) {
	t.Helper()
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// Section checks the part of the document at path between the begin and
// end markers against content; with update set it first rewrites that part
// (and only it) with content.
func Section(t testing.TB, path, begin, end, content string, update bool) {
	t.Helper()
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q and %q", path, begin, end)
	}
	if update {
		out := string(doc[:i+len(begin)]) + content + string(doc[j:])
		if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if d := cmp.Diff(string(doc[i+len(begin):j]), content); d != "" {
		t.Errorf("%s is stale between %s and %s; run the test with -update (-doc +generated):\n%s", path, begin, end, d)
	}
}
