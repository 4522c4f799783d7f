// Package goldentest compares test output with golden files under testdata,
// rewriting them when the test binary runs with -update. Tests only.
package goldentest

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Update is the -update flag of a test binary: off; "-update", which
// rewrites every golden file and generated section the run compares; or
// "-update=PATTERN" (comma-separated), which rewrites only those whose path
// contains a pattern: the cases marked to update, and no other file.
type Update struct{ patterns []string }

// Flag registers -update on the test binary's command line.
func Flag() *Update {
	u := &Update{}
	flag.Var(u, "update", "rewrite golden files and generated docs: all of them, or -update=PATTERN[,PATTERN] those whose path contains a pattern")
	return u
}

func (u *Update) String() string   { return strings.Join(u.patterns, ",") }
func (u *Update) IsBoolFlag() bool { return true }
func (u *Update) Set(v string) error {
	switch v {
	case "false":
		u.patterns = nil
	case "true":
		u.patterns = []string{""}
	default:
		u.patterns = strings.Split(v, ",")
	}
	return nil
}

// Matches reports whether the golden file at path is to be rewritten.
func (u *Update) Matches(path string) bool {
	if u == nil {
		return false
	}
	for _, p := range u.patterns {
		if strings.Contains(filepath.ToSlash(path), p) {
			return true
		}
	}
	return false
}

// Compare checks got against the golden file at path; when update marks
// the path it first rewrites the file with got (only if it differs).
func Compare(t testing.TB, path string, got []byte, update *Update) {
	t.Helper()
	if update.Matches(path) {
		if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, got) {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
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
func Section(t testing.TB, path, begin, end, content string, update *Update) {
	t.Helper()
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	if i < 0 || j < i {
		t.Fatalf("%s lacks the markers %q and %q", path, begin, end)
	}
	if update.Matches(path) {
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
