// Package treetest builds file trees and git repositories for tests of
// what a scan of a tree finds (the source collector's own tests and the
// reliability suite's runs of the binary). Tests only: the binary never
// links it.
package treetest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Write writes files (paths relative to dir, parents made) into dir.
func Write(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Git runs git in dir with a fixed identity and no user or system
// configuration, failing the test with git's output on error.
func Git(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.email=t@example.com", "-c", "user.name=t", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// Export copies a fixture tree to a new directory outside any git work
// tree, as a release tarball or a copy would be: the fixtures are tracked
// in aisight's own repository, where git's rule (tracked files are scanned
// whatever .gitignore says) would apply to them. The copy keeps the
// fixture's base name (the scan's scope label).
func Export(t testing.TB, dir string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), filepath.Base(dir))
	if err := os.CopyFS(dst, os.DirFS(dir)); err != nil {
		t.Fatal(err)
	}
	return dst
}
