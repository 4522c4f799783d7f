package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

func newMergeCmd(stdout, stderr io.Writer, scrub *redact.Scrubber) *cobra.Command {
	o := newScanOptions()
	o.scrub = scrub
	var maxSpread time.Duration
	o.specs = nil // merge collects nothing
	o.concurrency, o.perCollector, o.scopeTimeout = 1, 1, time.Minute
	cmd := &cobra.Command{
		Use:   "merge [flags] SCAN.json...",
		Short: "Join the JSON outputs of sharded (or separate) scans and score the whole",
		Long: `Merge joins the -o json outputs of scans into one inventory, applies the
registry and the cross-collector facts to the whole (a key in one shard's
repository is linked to the live key another shard read), scores it and
writes it like scan does: every output form, --push-gateway, --metrics-file,
--fail-under.

Inputs are the shards of one sharded scan (scan --shard I/N: all N of them,
each once, with the same N), or unsharded scans of disjoint scopes. Merge
refuses mixed schema versions, shards of different N, a missing or repeated
shard, a mix of sharded and unsharded inputs, and a scope present in two
inputs (a scope is never split between shards), naming the inputs.

Exit codes as for scan: 0 done, 1 error, 2 bad usage or an input refused,
3 a --fail-under target was not met, 4 an input's scope failed.`,
		Example: `  aisight scan --shard 0/4 -o json --out /data/shard-0.json   # in each pod of an Indexed Job
  aisight merge /data/shard-*.json --push-gateway http://pushgateway:9091
  aisight merge team-a.json team-b.json -o html --out estate.html`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.load(cmd, nil); err != nil {
				return err
			}
			files, err := expandInputs(args)
			if err != nil {
				return err
			}
			return runMerge(cmd.Context(), o, files, maxSpread, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.DurationVar(&maxSpread, "max-spread", 0, "refuse inputs whose scans started further apart than this (a stale shard left by a failed run); 0 accepts any")
	o.addOutputFlags(f)
	o.addScoringFlags(f)
	return cmd
}

// expandInputs expands glob patterns among the inputs (a container image has
// no shell to do it: merge "/data/shard-*.json"); a pattern that matches
// nothing is an error.
func expandInputs(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		if !strings.ContainsAny(a, "*?[") {
			out = append(out, a)
			continue
		}
		m, err := filepath.Glob(a)
		if err != nil || len(m) == 0 {
			return nil, usagef("merge: %s matches no file", a)
		}
		out = append(out, m...)
	}
	return out, nil
}

func runMerge(ctx context.Context, o *scanOptions, files []string, maxSpread time.Duration, stdout, stderr io.Writer) error {
	sc, err := prepareScan(o, stderr)
	if err != nil {
		return err
	}
	inputs := make([]mergeInput, 0, len(files))
	for _, f := range files {
		r, err := readReport(f) // the limits and checks diff applies
		if err != nil {
			return usagef("merge: %v", err)
		}
		inputs = append(inputs, mergeInput{name: f, report: r})
	}
	if err := checkSpread(inputs, maxSpread); err != nil {
		return usageError{err}
	}
	inv, err := mergeInventories(inputs)
	if err != nil {
		return usageError{err}
	}
	return finishReport(ctx, o, sc, sc.assess(ctx, inv), stdout)
}

type mergeInput struct {
	name   string
	report model.Report
}

// mergeInventories joins the inventories of inputs after checking that
// they fit together (see merge --help); the result is normalised.
func mergeInventories(inputs []mergeInput) (model.Inventory, error) {
	var errs []error
	versions := map[string][]string{}
	for _, in := range inputs {
		versions[in.report.SchemaVersion] = append(versions[in.report.SchemaVersion], filepath.Base(in.name))
	}
	if len(versions) > 1 || versions[model.SchemaVersion] == nil {
		var parts []string
		for _, v := range slices.Sorted(maps.Keys(versions)) {
			parts = append(parts, fmt.Sprintf("%q in %s", v, strings.Join(versions[v], ", ")))
		}
		return model.Inventory{}, fmt.Errorf("merge: schema versions differ or are not this build's %q: %s", model.SchemaVersion, strings.Join(parts, "; "))
	}
	if err := checkShards(inputs); err != nil {
		return model.Inventory{}, err
	}
	var inv model.Inventory
	owner := map[string]string{} // scope ID -> input holding it
	for i, in := range inputs {
		r := in.report
		if i == 0 || r.Scan.Started.Before(inv.Scan.Started) {
			inv.Scan.Started = r.Scan.Started
		}
		if r.Scan.Finished.After(inv.Scan.Finished) {
			inv.Scan.Finished = r.Scan.Finished
		}
		label := r.Scan.Shard
		if label == "" {
			label = filepath.Base(in.name)
		}
		inv.Scan.Merged = append(inv.Scan.Merged, label)
		for _, run := range r.Scan.CollectorRuns {
			key := run.Collector + " " + run.Scope.ID
			if prev, ok := owner[key]; ok {
				errs = append(errs, fmt.Errorf("scope %s of %s is in both %s and %s", run.Scope.ID, run.Collector, prev, in.name))
				continue
			}
			owner[key] = in.name
			inv.Scan.CollectorRuns = append(inv.Scan.CollectorRuns, run)
		}
		inv.Assets = append(inv.Assets, r.Assets...)
		inv.ScopeFacts = append(inv.ScopeFacts, r.ScopeFacts...)
	}
	if len(errs) > 0 {
		return model.Inventory{}, fmt.Errorf("merge: overlapping scopes: %w", errors.Join(errs...))
	}
	seen := map[string]bool{}
	for _, a := range inv.Assets {
		if seen[a.ID] {
			return model.Inventory{}, fmt.Errorf("merge: asset %s is in two inputs", a.ID)
		}
		seen[a.ID] = true
	}
	sort.Strings(inv.Scan.Merged)
	inv.Normalize()
	return inv, nil
}

// checkSpread refuses inputs whose scans started more than max apart.
func checkSpread(inputs []mergeInput, max time.Duration) error {
	if max <= 0 || len(inputs) < 2 {
		return nil
	}
	first, last := inputs[0], inputs[0]
	for _, in := range inputs[1:] {
		if in.report.Scan.Started.Before(first.report.Scan.Started) {
			first = in
		}
		if in.report.Scan.Started.After(last.report.Scan.Started) {
			last = in
		}
	}
	if d := last.report.Scan.Started.Sub(first.report.Scan.Started); d > max {
		return fmt.Errorf("merge: %s started %s after %s, more than --max-spread %s: a stale input?", last.name, d.Round(time.Second), first.name, max)
	}
	return nil
}

// checkShards accepts either no sharded input, or every shard 0..N-1 of
// one N exactly once.
func checkShards(inputs []mergeInput) error {
	byIndex := map[int]string{}
	n, sharded := 0, 0
	for _, in := range inputs {
		s := in.report.Scan.Shard
		if s == "" {
			continue
		}
		sharded++
		sh, err := collectors.ParseShard(s)
		if err != nil {
			return fmt.Errorf("merge: %s has a malformed shard %q", in.name, s)
		}
		idx, cnt := sh.Index, sh.Count
		if n != 0 && cnt != n {
			return fmt.Errorf("merge: shards of different counts: %s is %s, others are of %d", in.name, s, n)
		}
		n = cnt
		if prev, ok := byIndex[idx]; ok {
			return fmt.Errorf("merge: shard %s is given twice (%s and %s)", s, prev, in.name)
		}
		byIndex[idx] = in.name
	}
	switch {
	case sharded == 0:
		return nil
	case sharded != len(inputs):
		return errors.New("merge: sharded and unsharded inputs are mixed; merge the shards of one scan, or whole scans")
	case len(byIndex) != n:
		var missing []string
		for i := range n {
			if _, ok := byIndex[i]; !ok {
				missing = append(missing, fmt.Sprintf("%d/%d", i, n))
			}
		}
		return fmt.Errorf("merge: shards missing: %s (every shard of the scan is needed, or its scopes would be reported as absent)", strings.Join(missing, ", "))
	}
	return nil
}
