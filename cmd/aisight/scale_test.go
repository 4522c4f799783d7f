package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/sim/demo"
	"github.com/aisight/aisight/internal/testenv/benchtest"
	"github.com/aisight/aisight/internal/testenv/scale"
	"github.com/aisight/aisight/model"
)

// smallScale is the scale benchmark's estate at a size a test can scan:
// every cloud collector, copies of every kind of unit.
var smallScale = scale.Size{AWSAccounts: 7, AWSRegions: []string{"us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"}, AWSRegionCopies: 1,
	GCPProjects: 9, GCPLocations: []string{"europe-west4", "us-central1", "asia-northeast1"}, AzureSubscriptions: 5, SaaSKeys: 40}

// scanEstate serves es (the demo's repositories are not scanned) and runs
// scan with extra flags into out.
func scanEstate(t *testing.T, es demo.Estates, out string, extra ...string) model.Report {
	t.Helper()
	e, err := demo.StartWith(t.TempDir(), es)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for k, v := range e.Env {
		t.Setenv(k, v)
	}
	args := append([]string{"scan", "-q", "-o", "json", "--out", out, "--source=off", "--kube=off", "--aws=on", "--gcp=on", "--azure=on", "--openai=on", "--anthropic=on"}, e.Args...)
	if r := runCLI(t, append(args, extra...)...); r.code != exitOK {
		t.Fatalf("scan %v: exit %d: %s", extra, r.code, r.stderr)
	}
	return benchtest.Report(t, out)
}

// The scale benchmark's estate, grown: a scan finds exactly what the copies
// hold (each copy's assets are its original's, renamed), and four shards of
// it merged are the unsharded scan, byte for byte after sorting.
func TestGrownEstateFoundWholeAndShardsMerge(t *testing.T) {
	base, err := demo.SampleEstates()
	if err != nil {
		t.Fatal(err)
	}
	unit, _, err := scale.Grow(base, smallScale.Sample())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sample := scanEstate(t, unit, filepath.Join(dir, "sample.json"))

	grown, copies, err := scale.Grow(base, smallScale)
	if err != nil {
		t.Fatal(err)
	}
	whole := filepath.Join(dir, "whole.json")
	rep := scanEstate(t, grown, whole)
	want := scale.Expected(sample.Assets, copies)
	got := map[string]bool{}
	for _, a := range rep.Assets {
		got[a.ID] = true
	}
	var lost, extra []string
	for id := range want {
		if !got[id] {
			lost = append(lost, id)
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(lost)
	slices.Sort(extra)
	if len(lost) > 0 || len(extra) > 0 {
		t.Errorf("grown estate: %d of %d expected assets lost %q; %d unexpected %q", len(lost), len(want), lost[:min(5, len(lost))], len(extra), extra[:min(5, len(extra))])
	}
	if len(copies) < 10 || len(rep.Assets) < len(sample.Assets)*3/2 {
		t.Errorf("did not grow: %d copies, %d assets (sample %d)", len(copies), len(rep.Assets), len(sample.Assets))
	}

	var shards []string
	for i := range 4 {
		p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
		scanEstate(t, grown, p, "--shard", fmt.Sprintf("%d/4", i))
		shards = append(shards, p)
	}
	merged := filepath.Join(dir, "merged.json")
	if r := runCLI(t, append([]string{"merge", "-q", "-o", "json", "--out", merged}, shards...)...); r.code != exitOK {
		t.Fatalf("merge: exit %d: %s", r.code, r.stderr)
	}
	wb, _ := json.MarshalIndent(timeless(t, whole), "", " ")
	gb, _ := json.MarshalIndent(timeless(t, merged), "", " ")
	if d := cmp.Diff(string(wb), string(gb)); d != "" {
		t.Errorf("4 shards merged differ from the unsharded scan (-whole +merged):\n%s", d)
	}
}
