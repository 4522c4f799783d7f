package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/testenv/benchtest"
	"github.com/aisight/aisight/model"
)

// A scan split into 4 shards (scan --shard I/4) and joined by merge equals
// the unsharded scan: the same assets with the same facts (the keys in the
// repositories linked to live keys that another shard read), the same runs
// and the same assessment. Only times and the shard labels differ.
func TestShardedScanMergedEqualsUnsharded(t *testing.T) {
	e := saasEmulators(t)
	t.Setenv("ANTHROPIC_ADMIN_KEY", e.Anthropic.AdminKey)
	roots := []string{"../../collectors/saas/testdata/repo", fixture, "../../testdata/repos/url-credentials"}
	classes, _ := filepath.Glob("../../collectors/source/testdata/classes/*")
	roots = append(roots, classes...)
	dir := t.TempDir()
	scan := func(out string, extra ...string) {
		args := append([]string{"scan", "-q", "-o", "json", "--out", out}, extra...)
		if r := runCLI(t, append(args, roots...)...); r.code != exitOK {
			t.Fatalf("%v: exit %d: %s", extra, r.code, r.stderr)
		}
	}
	whole := filepath.Join(dir, "whole.json")
	scan(whole)
	var shards []string
	for i := range 4 {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
		scan(p, "--shard", fmt.Sprintf("%d/4", i))
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.json")
	if r := runCLI(t, append([]string{"merge", "-q", "-o", "json", "--out", merged}, shards...)...); r.code != exitOK {
		t.Fatalf("merge: exit %d: %s", r.code, r.stderr)
	}
	want, got := timeless(t, whole), timeless(t, merged)
	if len(want.Assets) < 100 || len(got.Scan.CollectorRuns) < 10 {
		t.Fatalf("too small to mean anything: %d assets, %d runs", len(want.Assets), len(got.Scan.CollectorRuns))
	}
	per := map[string]int{}
	for _, p := range shards {
		per[p] = len(timeless(t, p).Scan.CollectorRuns)
	}
	for p, n := range per {
		if n == 0 || n == len(want.Scan.CollectorRuns) {
			t.Errorf("%s has %d of %d runs: not a shard", filepath.Base(p), n, len(want.Scan.CollectorRuns))
		}
	}
	wb, _ := json.MarshalIndent(want, "", " ")
	gb, _ := json.MarshalIndent(got, "", " ")
	if d := cmp.Diff(string(wb), string(gb)); d != "" {
		t.Errorf("merged shards differ from the unsharded scan (-want +got):\n%s", d)
	}
}

// timeless reads a JSON report, sorts it, and clears what differs between
// two runs of the same scan: times, durations, the shard labels.
func timeless(t *testing.T, path string) model.Report {
	t.Helper()
	r := benchtest.Report(t, path)
	r.Scan.Started, r.Scan.Finished, r.Scan.Shard, r.Scan.Merged = time.Time{}, time.Time{}, "", nil
	inv := model.Inventory{Scan: r.Scan, Assets: r.Assets, ScopeFacts: r.ScopeFacts}
	inv.Normalize() // sorted: facts added after collection keep their order of addition
	r.Scan, r.Assets, r.ScopeFacts = inv.Scan, inv.Assets, inv.ScopeFacts
	for i := range r.Scan.CollectorRuns {
		r.Scan.CollectorRuns[i].Started, r.Scan.CollectorRuns[i].Duration = time.Time{}, 0
		r.Scan.CollectorRuns[i].APICalls = 0 // retries of the emulator's throttling vary
	}
	return r
}

// Merge refuses what does not fit together, and says which inputs.
func TestMergeRefusals(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, mutate func(*model.Report)) string {
		r := model.NewReport(model.Inventory{Scan: model.Scan{Started: time.Unix(1, 0).UTC(), Finished: time.Unix(2, 0).UTC(),
			CollectorRuns: []model.CollectorRun{{Collector: "source", Scope: model.Scope{ID: "source:" + name}, Status: model.StatusOK}}}}, nil)
		mutate(&r)
		b, _ := json.Marshal(r)
		p := filepath.Join(dir, name+".json")
		os.WriteFile(p, b, 0o600)
		return p
	}
	a := write("a", func(r *model.Report) { r.Scan.Shard = "0/3" })
	b := write("b", func(r *model.Report) { r.Scan.Shard = "1/3" })
	c := write("c", func(r *model.Report) { r.Scan.Shard = "2/3" })
	b2 := write("b2", func(r *model.Report) { r.Scan.Shard = "1/3" })
	x := write("x", func(r *model.Report) {})
	old := write("old", func(r *model.Report) { r.SchemaVersion = "1.0" })
	dup := write("dup", func(r *model.Report) { r.Scan.CollectorRuns[0].Scope.ID = "source:x" })
	for _, tc := range []struct {
		name  string
		files []string
		want  string
	}{
		{"a missing shard", []string{a, b}, "shards missing: 2/3"},
		{"a shard twice", []string{a, b, b2, c}, "shard 1/3 is given twice"},
		{"sharded and unsharded", []string{a, b, c, x}, "mixed"},
		{"mixed schema versions", []string{x, old}, `"1.0" in old.json`},
		{"an overlapping scope", []string{x, dup}, "scope source:x of source is in both"},
		{"not JSON", []string{filepath.Join(dir, "missing.json")}, "missing.json"},
	} {
		r := runCLI(t, append([]string{"merge", "-q", "-o", "json"}, tc.files...)...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%s: exit %d, stderr %q, want exit 2 naming %q", tc.name, r.code, r.stderr, tc.want)
		}
	}
	if r := runCLI(t, "merge", "-q", "-o", "json", a, b, c); r.code != exitOK {
		t.Errorf("all three shards: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, "merge", "-q", "-o", "json", filepath.Join(dir, "[abc].json")); r.code != exitOK || !strings.Contains(r.stdout, `"merged"`) {
		t.Errorf("a glob of the three shards: exit %d %s", r.code, r.stderr)
	}
	late := write("late", func(r *model.Report) { r.Scan.Started = time.Unix(7200, 0).UTC() })
	if r := runCLI(t, "merge", "-q", "--max-spread", "30m", x, late); r.code != exitUsage || !strings.Contains(r.stderr, "late.json started 1h59m59s after") {
		t.Errorf("a stale input: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, "merge", "-q", filepath.Join(dir, "nothing-*.json")); r.code != exitUsage || !strings.Contains(r.stderr, "matches no file") {
		t.Errorf("an empty glob: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, "scan", "--shard", "4/4", "."); r.code != exitUsage || !strings.Contains(r.stderr, "--shard") {
		t.Errorf("--shard 4/4: exit %d %s", r.code, r.stderr)
	}
}
