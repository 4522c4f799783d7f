package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/aisight/aisight/internal/flagvalue"
	"github.com/aisight/aisight/internal/output"
	"github.com/aisight/aisight/model"
	"github.com/aisight/aisight/scoring"
)

func newControlsCmd(stdout io.Writer) *cobra.Command {
	var dir string
	format := flagvalue.NewEnum("table", "table", "json", "markdown")
	cmd := &cobra.Command{
		Use:   "controls",
		Short: "List and explain the controls the maturity scores are built from",
		Long: `The control catalog maps observed facts to AISMM categories and levels.
Controls are aisight's own (not official AISMM objectives); each names the
category and level it evidences and the AICM controls it supports.

--controls DIR adds or overrides controls with the YAML files in DIR; every
expression is compiled and type-checked when the catalog loads.`,
	}
	cmd.PersistentFlags().StringVar(&dir, "controls", "", "directory of YAML control files that add to or override the built-in catalog")
	load := func() (*scoring.Catalog, error) {
		cat, err := scoring.Load(dir)
		if err != nil {
			return nil, usageError{err}
		}
		return cat, nil
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List every control (table, json or markdown)",
		Args:  noArgs,
		RunE: func(*cobra.Command, []string) error {
			cat, err := load()
			if err != nil {
				return err
			}
			switch format.Value {
			case "markdown":
				_, err = stdout.Write(cat.Markdown())
				return err
			case "json":
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(controlsJSON(cat))
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tCATEGORY\tLEVEL\tMODE\tTITLE")
			for _, c := range cat.Controls {
				fmt.Fprintf(tw, "%s\t%s\tL%d\t%s\t%s\n", c.ID, c.Category, c.Level, c.Mode, c.Title)
			}
			return tw.Flush()
		},
	}
	list.Flags().VarP(format, "output", "o", "output format: table, json, markdown")
	var reportPath string
	explain := &cobra.Command{
		Use:   "explain ID",
		Short: "Show everything about one control, and with --report what it found in that scan",
		Long: `Shows a control's definition: what it applies to, its check, its threshold,
why it matters and how to fix a failure.

With --report REPORT.json (a report of aisight scan -o json), also shows the
control's result in that scan: the counts, why, and every failing subject the
report names, with where it is (file:line, the environment that holds a key,
or the resource id), and the facts that decided it.`,
		Example: "  aisight scan . -o json --out scan.json\n  aisight controls explain IAM.2.no-literal-keys --report scan.json",
		Args:    exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			cat, err := load()
			if err != nil {
				return err
			}
			c, ok := cat.Control(args[0])
			if !ok {
				return usagef("no control %q (see aisight controls list)", args[0])
			}
			var rep *model.Report
			if reportPath != "" {
				r, err := readReport(reportPath)
				if err != nil {
					return err
				}
				if r.Assessment == nil {
					return usagef("%s has no assessment (it was written with --no-score)", reportPath)
				}
				rep = &r
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			row := func(k, v string) {
				if v != "" {
					fmt.Fprintf(tw, "%s\t%s\n", k, v)
				}
			}
			row("id", c.ID)
			row("title", c.Title)
			row("category", c.Category)
			row("level", fmt.Sprintf("L%d", c.Level))
			row("mode", c.Mode)
			if c.Mode == scoring.Automated {
				row("subject", c.Subject)
				row("kinds", joinKinds(c))
				row("applies_to", c.AppliesTo)
				row("check", c.Check)
				row("threshold", fmt.Sprintf("%.0f%% of applicable subjects", c.MinShare()*100))
				row("evidence_from", strings.Join(c.EvidenceFrom, ", "))
			}
			var refs []string
			for _, r := range c.AICM {
				refs = append(refs, r.String())
			}
			row("supports", strings.Join(refs, ", "))
			row("rationale", c.Rationale)
			row("remediation", c.Remediation)
			row("defined in", c.Source)
			if rep != nil {
				explainResult(tw, rep, c.ID)
			}
			return tw.Flush()
		},
	}
	explain.Flags().StringVar(&reportPath, "report", "", "a JSON report (aisight scan -o json): show this control's result and failing subjects in that scan")
	cmd.AddCommand(list, explain)
	return cmd
}

// maxExplainEvidence bounds the deciding facts explain lists.
const maxExplainEvidence = 50

// explainResult writes a control's result in a report: counts, reason,
// every failing subject the report names with where it is, and the
// deciding facts.
func explainResult(tw io.Writer, r *model.Report, id string) {
	var cr *model.ControlResult
	for i := range r.Assessment.Categories {
		for j := range r.Assessment.Categories[i].Controls {
			if c := &r.Assessment.Categories[i].Controls[j]; c.ID == id {
				cr = c
			}
		}
	}
	fmt.Fprintf(tw, "\nin this scan\tstarted %s\n", r.Scan.Started.Format("2006-01-02 15:04 MST"))
	if cr == nil {
		fmt.Fprintf(tw, "result\tnot in the report's assessment (scored with another catalog)\n")
		return
	}
	fmt.Fprintf(tw, "result\t%s\n", cr.Result)
	if cr.Reason != "" {
		fmt.Fprintf(tw, "why\t%s\n", cr.Reason)
	}
	if cr.Mode != "manual" {
		fmt.Fprintf(tw, "subjects\t%d applicable: %d passing, %d failing, %d unknown\n", cr.Applicable, cr.Passing, output.FailingCount(cr), cr.Unknown)
	}
	where := output.Locator(r.Assets)
	for i, s := range cr.Failing {
		k := ""
		if i == 0 {
			k = "failing"
		}
		fmt.Fprintf(tw, "%s\t%s\n", k, where(s))
	}
	if n := output.FailingCount(cr) - len(cr.Failing); n > 0 {
		fmt.Fprintf(tw, "\t... and %d more (the JSON report names the first %d; SARIF output names every one)\n", n, len(cr.Failing))
	}
	for i, e := range cr.Evidence {
		if i == maxExplainEvidence {
			fmt.Fprintf(tw, "\t... %d more facts in the JSON report\n", len(cr.Evidence)-maxExplainEvidence)
			break
		}
		k := ""
		if i == 0 {
			k = "evidence"
		}
		fmt.Fprintf(tw, "%s\t%s: %s = %v\n", k, where(e.Subject), e.Key, e.Value)
	}
}

func joinKinds(c *scoring.Control) string {
	var ks []string
	for _, k := range c.Kinds {
		ks = append(ks, string(k))
	}
	return strings.Join(ks, ", ")
}

type controlJSON struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Category     string   `json:"category"`
	Level        int      `json:"level"`
	Mode         string   `json:"mode"`
	Subject      string   `json:"subject,omitempty"`
	Kinds        string   `json:"kinds,omitempty"`
	AppliesTo    string   `json:"applies_to,omitempty"`
	Check        string   `json:"check,omitempty"`
	Threshold    float64  `json:"threshold,omitempty"`
	EvidenceFrom []string `json:"evidence_from,omitempty"`
	AICM         []string `json:"aicm,omitempty"`
	Rationale    string   `json:"rationale,omitempty"`
	Remediation  string   `json:"remediation"`
}

func controlsJSON(cat *scoring.Catalog) map[string]any {
	var out []controlJSON
	for _, c := range cat.Controls {
		j := controlJSON{ID: c.ID, Title: c.Title, Category: c.Category, Level: int(c.Level), Mode: c.Mode,
			Rationale: c.Rationale, Remediation: c.Remediation}
		if c.Mode == scoring.Automated {
			j.Subject, j.Kinds, j.AppliesTo, j.Check, j.Threshold, j.EvidenceFrom = c.Subject, joinKinds(c), c.AppliesTo, c.Check, c.MinShare(), c.EvidenceFrom
		}
		for _, r := range c.AICM {
			j.AICM = append(j.AICM, r.String())
		}
		out = append(out, j)
	}
	return map[string]any{"catalog_version": cat.Version, "controls": out}
}
