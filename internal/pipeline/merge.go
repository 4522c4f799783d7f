package pipeline

import (
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// MergeInput is one report to merge and the name it is known by (its file).
type MergeInput struct {
	Name   string
	Report model.Report
}

// MergeInventories joins the inventories of inputs after checking that
// they fit together (see merge --help); the result is normalised.
func MergeInventories(inputs []MergeInput) (model.Inventory, error) {
	var errs []error
	versions := map[string][]string{}
	for _, in := range inputs {
		versions[in.Report.SchemaVersion] = append(versions[in.Report.SchemaVersion], filepath.Base(in.Name))
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
		r := in.Report
		if i == 0 || r.Scan.Started.Before(inv.Scan.Started) {
			inv.Scan.Started = r.Scan.Started
		}
		if r.Scan.Finished.After(inv.Scan.Finished) {
			inv.Scan.Finished = r.Scan.Finished
		}
		label := r.Scan.Shard
		if label == "" {
			label = filepath.Base(in.Name)
		}
		inv.Scan.Merged = append(inv.Scan.Merged, label)
		for _, run := range r.Scan.CollectorRuns {
			key := run.Collector + " " + run.Scope.ID
			if prev, ok := owner[key]; ok {
				errs = append(errs, fmt.Errorf("scope %s of %s is in both %s and %s", run.Scope.ID, run.Collector, prev, in.Name))
				continue
			}
			owner[key] = in.Name
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

// CheckSpread refuses inputs whose scans started more than max apart.
func CheckSpread(inputs []MergeInput, max time.Duration) error {
	if max <= 0 || len(inputs) < 2 {
		return nil
	}
	first, last := inputs[0], inputs[0]
	for _, in := range inputs[1:] {
		if in.Report.Scan.Started.Before(first.Report.Scan.Started) {
			first = in
		}
		if in.Report.Scan.Started.After(last.Report.Scan.Started) {
			last = in
		}
	}
	if d := last.Report.Scan.Started.Sub(first.Report.Scan.Started); d > max {
		return fmt.Errorf("merge: %s started %s after %s, more than --max-spread %s: a stale input?", last.Name, d.Round(time.Second), first.Name, max)
	}
	return nil
}

// checkShards accepts either no sharded input, or every shard 0..N-1 of
// one N exactly once.
func checkShards(inputs []MergeInput) error {
	byIndex := map[int]string{}
	n, sharded := 0, 0
	for _, in := range inputs {
		s := in.Report.Scan.Shard
		if s == "" {
			continue
		}
		sharded++
		sh, err := collectors.ParseShard(s)
		if err != nil {
			return fmt.Errorf("merge: %s has a malformed shard %q", in.Name, s)
		}
		idx, cnt := sh.Index, sh.Count
		if n != 0 && cnt != n {
			return fmt.Errorf("merge: shards of different counts: %s is %s, others are of %d", in.Name, s, n)
		}
		n = cnt
		if prev, ok := byIndex[idx]; ok {
			return fmt.Errorf("merge: shard %s is given twice (%s and %s)", s, prev, in.Name)
		}
		byIndex[idx] = in.Name
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
