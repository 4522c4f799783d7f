package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/pipeline"
	"github.com/aisight/aisight/internal/redact"
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
		Args: minArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.load(cmd, nil, os.Getenv); err != nil {
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
	if err := o.checkStdout(stdout); err != nil {
		return err
	}
	p, err := o.newPipeline(stderr, collectors.Env{})
	if err != nil {
		return err
	}
	inputs := make([]pipeline.MergeInput, 0, len(files))
	for _, f := range files {
		r, err := readReport(f) // the limits and checks diff applies
		if err != nil {
			return usagef("merge: %v", err)
		}
		inputs = append(inputs, pipeline.MergeInput{Name: f, Report: r})
	}
	if err := pipeline.CheckSpread(inputs, maxSpread); err != nil {
		return usageError{err}
	}
	inv, err := pipeline.MergeInventories(inputs)
	if err != nil {
		return usageError{err}
	}
	return p.Finish(ctx, p.Assess(ctx, inv), o.outputs(), stdout)
}
