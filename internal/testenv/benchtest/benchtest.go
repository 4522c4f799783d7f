// Package benchtest builds the aisight binary and measures a run of it
// (wall time and peak RSS) for the benchmarks, so what docs/benchmarks.md
// states about the binary is measured by the benchmark itself. Tests and
// benchmarks only.
package benchtest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/aisight/aisight/model"
)

// Binary builds cmd/aisight (root is the repository root relative to the
// calling package) into a temporary directory as `make build` and the image
// build it (-trimpath, stripped), and evicts it from the page cache, so
// that exec loads it from disk as on a node that pulled the image: what
// ships is what is measured. The binary's own pages are most of its RSS,
// and how many a run maps depends on how the kernel holds the file: the
// same binary just written in one write peaks over 30 MB higher than once
// read back from disk, and an unstripped build about 14 MB higher.
func Binary(tb testing.TB, root string) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "aisight")
	if out, err := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w", "-o", bin, filepath.Join(root, "cmd", "aisight")).CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := os.Open(bin)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	// Written back first: dirty pages are not evicted.
	if err := f.Sync(); err != nil {
		tb.Fatal(err)
	}
	if err := unix.Fadvise(int(f.Fd()), 0, 0, unix.FADV_DONTNEED); err != nil {
		tb.Fatalf("evict %s from the page cache: %v", bin, err)
	}
	return bin
}

// Run runs bin with args (and extra environment) under /usr/bin/time and
// returns its peak RSS in MB and its wall time in seconds. RSS is read
// through /usr/bin/time: a child forked from a large test process reports
// the parent's high-water mark, which exec records as its own.
func Run(tb testing.TB, env []string, bin string, args ...string) (rssMB, secs float64) {
	tb.Helper()
	st := Measure(tb, env, bin, args...)
	return st.PeakRSSMB, st.Wall
}

// Stats are what Measure measured of one run of the binary.
type Stats struct {
	PeakRSSMB float64
	Wall      float64 // seconds
	CPU       float64 // user + system seconds
}

// Measure runs bin as Run does and also returns its CPU time.
func Measure(tb testing.TB, env []string, bin string, args ...string) Stats {
	tb.Helper()
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		tb.Fatalf("/usr/bin/time is needed (Debian package time; make bench installs it): %v", err)
	}
	out := filepath.Join(tb.TempDir(), "rss")
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%U %S %M", "-o", out, bin}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	t0 := time.Now()
	if msg, err := cmd.CombinedOutput(); err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 4 { // 4: incomplete, still measured
			tb.Fatalf("aisight %v: %v\n%s", args, err, msg)
		}
	}
	wall := time.Since(t0).Seconds()
	v := timeOutput(tb, out, 3)
	user, sys, kb := v[0], v[1], v[2]
	return Stats{PeakRSSMB: kb / 1024, Wall: wall, CPU: user + sys}
}

// PeakRSS reads the peak RSS in MB from a /usr/bin/time -f %M output file.
func PeakRSS(tb testing.TB, path string) float64 {
	tb.Helper()
	return timeOutput(tb, path, 1)[0] / 1024
}

// timeOutput reads the n numbers of a /usr/bin/time -o file: its last line
// (before it, time notes a non-zero exit status).
func timeOutput(tb testing.TB, path string, n int) []float64 {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	f := strings.Fields(lines[len(lines)-1])
	if len(f) != n {
		tb.Fatalf("/usr/bin/time output %q: want %d numbers on its last line", b, n)
	}
	v := make([]float64, n)
	for i := range f {
		if _, err := fmt.Sscan(f[i], &v[i]); err != nil {
			tb.Fatalf("/usr/bin/time output %q: %v", b, err)
		}
	}
	return v
}

// Report reads a JSON report (-o json) a run wrote.
func Report(tb testing.TB, path string) model.Report {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var r model.Report
	if err := json.Unmarshal(b, &r); err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	return r
}

// SelfCPU is the CPU time (user and system) this process has used so far,
// in seconds: around a measured run, what an emulator serving it in this
// process cost the machine.
func SelfCPU(tb testing.TB) float64 {
	tb.Helper()
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// Median is the median of unit over runs (the lower middle of an even
// number).
func Median(runs []map[string]float64, unit string) float64 {
	v := make([]float64, 0, len(runs))
	for _, r := range runs {
		v = append(v, r[unit])
	}
	slices.Sort(v)
	return v[(len(v)-1)/2]
}

// Range is the smallest and largest of unit over runs.
func Range(runs []map[string]float64, unit string) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range runs {
		lo, hi = min(lo, r[unit]), max(hi, r[unit])
	}
	return lo, hi
}
