package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The profile flags follow --out's rules: a symbolic link, a FIFO or a
// device is refused before the scan (exit 2); a plain path gets the
// profile, written whole when the scan ends.
func TestProfilesRefuseSpecialDestinations(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	os.WriteFile(target, []byte("keep"), 0o644)
	link := filepath.Join(dir, "link.prof")
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo.prof")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	for _, flag := range []string{"--cpu-profile", "--mem-profile"} {
		for _, bad := range []string{link, fifo, "/dev/null", dir} {
			if r := runCLI(t, "scan", "-q", "--kube=off", "--aws=off", flag, bad, src); r.code != exitUsage {
				t.Errorf("%s %s: exit %d, want %d (%s)", flag, bad, r.code, exitUsage, r.stderr)
			}
		}
		good := filepath.Join(dir, flag[2:]+".out")
		if r := runCLI(t, "scan", "-q", "--kube=off", "--aws=off", flag, good, src); r.code != exitOK {
			t.Fatalf("%s %s: exit %d (%s)", flag, good, r.code, r.stderr)
		}
		if fi, err := os.Stat(good); err != nil || fi.Size() == 0 {
			t.Errorf("%s: no profile written (%v)", flag, err)
		}
	}
	if b, _ := os.ReadFile(target); string(b) != "keep" {
		t.Errorf("the symbolic link's target was written: %q", b)
	}
}
