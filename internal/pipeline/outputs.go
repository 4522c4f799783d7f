package pipeline

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/aisight/aisight/internal/metrics"
	"github.com/aisight/aisight/internal/output"
	"github.com/aisight/aisight/model"
)

// Outputs says where a report goes and which gates it must pass.
type Outputs struct {
	Format           string // one of output.Formats
	CycloneDXVersion string
	Out              string // write to this file atomically; "" writes to the writer given
	MetricsFile      string // node_exporter textfile
	PushGateway      string // Pushgateway URL
	PushJob          string
	Grouping         map[string]string // "" gives scopeset=<hash of the scopes>
	PushTimeout      time.Duration
	FailUnder        map[string]model.Level // exit-3 gate
	FailOnPartial    bool                   // a partial scope is incomplete too
}

// Finish writes a report in the chosen form, exports its metrics and applies
// the gates: the end of scan, merge and demo. An interrupted scan's report
// is written and its metrics are not exported.
func (p *Pipeline) Finish(ctx context.Context, report model.Report, o Outputs, w io.Writer) error {
	if err := p.Write(report, o, w); err != nil {
		return err
	}
	if ctx.Err() != nil {
		// Metrics of a partial scan are not exported, so dashboards never
		// show a loss that is only an interruption.
		return &IncompleteError{fmt.Errorf("scan interrupted: the report holds what finished (%s); metrics not exported", SummarizeRuns(report))}
	}
	if err := p.Export(ctx, report, o); err != nil {
		return err
	}
	if err := CheckTargets(*report.Assessment, o.FailUnder); err != nil {
		return err
	}
	return CheckComplete(report, o.FailOnPartial)
}

// Write renders the report to o.Out (atomically) or to w, through the
// output wall line by line (a credential never spans a line), so a large
// report is never held whole.
func (p *Pipeline) Write(report model.Report, o Outputs, w io.Writer) error {
	render := func(w io.Writer) error {
		sw := p.cfg.Scrub.NewWriter(w)
		opts := output.Options{CycloneDXVersion: o.CycloneDXVersion, ToolVersion: p.cfg.Version, Targets: o.FailUnder, SARIFRules: p.SARIFRules()}
		if err := output.RenderWith(sw, o.Format, report, opts); err != nil {
			return err
		}
		return sw.Flush()
	}
	if o.Out != "" {
		if err := output.WriteFileAtomic(o.Out, render); err != nil {
			return fmt.Errorf("write %s: %w", o.Out, err)
		}
		fmt.Fprintf(p.cfg.Notes, "aisight: wrote the %s report to %s (%d assets)\n", o.Format, o.Out, len(report.Assets))
		return nil
	}
	return render(w)
}

// Snapshot is the metrics view of a report.
func (p *Pipeline) Snapshot(r model.Report) *metrics.Snapshot {
	return &metrics.Snapshot{Report: r, Targets: p.cfg.LevelTargets, RegistryLoaded: p.registry != nil, Providers: p.Providers(), Scopes: p.cfg.MetricsScopes}
}

// Providers are the provider label values metrics keep: every collector's
// name and every provider of the detection catalog.
func (p *Pipeline) Providers() []string {
	out := p.catalog.Providers()
	for _, s := range p.cfg.Specs {
		out = append(out, s.Name())
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Export writes the metrics file and pushes to the Pushgateway, when asked.
// A failed push is an error saying where it went wrong.
func (p *Pipeline) Export(ctx context.Context, r model.Report, o Outputs) error {
	if o.MetricsFile == "" && o.PushGateway == "" {
		return nil
	}
	c := metrics.New(p.cfg.Version)
	c.Set(p.Snapshot(r))
	reg := metrics.Scrubbed(metrics.Registry(c), p.cfg.Scrub.String)
	if o.MetricsFile != "" {
		if err := metrics.WriteTextfile(o.MetricsFile, reg); err != nil {
			return err
		}
	}
	if o.PushGateway != "" {
		grouping := o.Grouping
		if len(grouping) == 0 {
			grouping = map[string]string{"scopeset": metrics.ScopeSetKey(r)}
		}
		if err := metrics.Push(ctx, o.PushGateway, o.PushJob, grouping, reg, o.PushTimeout); err != nil {
			return fmt.Errorf("metrics not pushed: %w", err)
		}
	}
	return nil
}

// CheckTargets is a *ShortfallError naming every category below its target.
func CheckTargets(a model.Assessment, targets map[string]model.Level) error {
	var short []string
	for _, c := range a.Categories {
		if want, ok := targets[c.ID]; ok && c.Level < want {
			short = append(short, fmt.Sprintf("%s is L%d, target L%d", c.ID, c.Level, want))
		}
	}
	if len(short) == 0 {
		return nil
	}
	return &ShortfallError{fmt.Errorf("below --fail-under: %s", strings.Join(short, "; "))}
}

// CheckComplete is an *IncompleteError when a scope failed (or, with
// failOnPartial, was only partly collected), saying where.
func CheckComplete(r model.Report, failOnPartial bool) error {
	var bad []string
	for _, run := range r.Scan.CollectorRuns {
		if run.Status == model.StatusFailed || (failOnPartial && run.Status == model.StatusPartial) {
			bad = append(bad, fmt.Sprintf("%s %s %s (%s)", run.Collector, run.Scope.ID, run.Status, run.ErrorClass))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	shown := bad[:min(len(bad), 5)]
	more := ""
	if len(bad) > 5 {
		more = fmt.Sprintf(" and %d more", len(bad)-5)
	}
	return &IncompleteError{fmt.Errorf("scan incomplete: %s%s; the report says why", strings.Join(shown, "; "), more)}
}

// SummarizeRuns counts runs by status ("12 ok, 3 failed").
func SummarizeRuns(r model.Report) string {
	n := map[model.Status]int{}
	for _, run := range r.Scan.CollectorRuns {
		n[run.Status]++
	}
	var parts []string
	for _, st := range model.Statuses {
		if n[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[st], st))
		}
	}
	return strings.Join(parts, ", ")
}
