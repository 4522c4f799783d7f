package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/diff"
	"github.com/aisight/aisight/internal/flagvalue"
	"github.com/aisight/aisight/model"
)

// maxReportBytes bounds a report read by diff (a large estate's JSON is a
// few tens of megabytes).
const maxReportBytes = 512 << 20

func newDiffCmd(stdout io.Writer) *cobra.Command {
	format := flagvalue.NewEnum("table", diff.Formats...)
	var failOn []string
	cmd := &cobra.Command{
		Use:   "diff OLD.json NEW.json",
		Short: "Compare two scan reports: assets added, removed and changed, level changes, newly failing controls",
		Long: `diff compares two reports written by "aisight scan -o json": the assets
added, removed and changed (the facts that changed; ages are left out), the
maturity level changes per category, and the controls that started or stopped
failing. -o markdown writes a pull-request comment.

--fail-on makes CI fail (exit 3) when the new report has:
  new-shadow     an asset that is not in the registry (registry.registered false)
  new-key        an API key that was not there before
  regression     a category whose level fell, or a control that now fails
  incomplete     either report has a partial or failed collector run (a scope
                 that failed, a file that could not be read or parsed): on
                 whenever any gate is set, since an incomplete scan can hide
                 what the other gates look for
  no-incomplete  turn the incomplete gate off explicitly
Every output form says at its top when a report is incomplete.`,
		Example: `  aisight diff main.json pr.json -o markdown --fail-on new-key,regression`,
		Args:    exactArgs(2),
		RunE: func(_ *cobra.Command, args []string) error {
			for _, g := range failOn {
				if !slices.Contains(diff.Gates, g) {
					return usagef("--fail-on %q: want one of %s", g, strings.Join(diff.Gates, ", "))
				}
			}
			old, err := readReport(args[0])
			if err != nil {
				return err
			}
			new, err := readReport(args[1])
			if err != nil {
				return err
			}
			r := diff.Compare(old, new)
			var buf bytes.Buffer
			if err := diff.Render(&buf, format.Value, r); err != nil {
				return err
			}
			if _, err := stdout.Write(buf.Bytes()); err != nil {
				return err
			}
			if tripped := r.Tripped(failOn); len(tripped) > 0 {
				return exitError{exitShort, fmt.Errorf("diff gate failed: %s", strings.Join(tripped, "; "))}
			}
			return nil
		},
	}
	cmd.Flags().VarP(format, "output", "o", "output format: "+strings.Join(diff.Formats, ", "))
	cmd.Flags().StringSliceVar(&failOn, "fail-on", nil, "exit 3 when the new report trips one of: "+strings.Join(diff.Gates, ", "))
	return cmd
}

// readReport reads a JSON report of schema 1.x.
func readReport(path string) (model.Report, error) {
	var r model.Report
	b, err := bounded.ReadFile(path, maxReportBytes)
	if err != nil {
		return r, usageError{fmt.Errorf("read report: %w", err)}
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, usageError{fmt.Errorf("%s is not an aisight JSON report (aisight scan -o json): %w", path, err)}
	}
	if !strings.HasPrefix(r.SchemaVersion, "1.") {
		return r, usageError{fmt.Errorf("%s: schema_version %q; this aisight reads 1.x reports", path, r.SchemaVersion)}
	}
	// A run's status decides whether the report is complete: one this
	// build does not know cannot be taken as ok.
	for _, run := range r.Scan.CollectorRuns {
		if !slices.Contains(model.Statuses, run.Status) {
			return r, usageError{fmt.Errorf("%s: collector run %s %s has status %q; want ok, partial, failed or skipped", path, run.Collector, run.Scope.ID, run.Status)}
		}
		if run.ErrorClass != model.ErrNone && !slices.Contains(model.ErrorClasses, run.ErrorClass) {
			return r, usageError{fmt.Errorf("%s: collector run %s %s has error class %q, which this aisight does not know", path, run.Collector, run.Scope.ID, run.ErrorClass)}
		}
	}
	return r, nil
}
