// Package pipeline owns a scan from configuration to outputs: it plans the
// collectors, runs them (collectors.Runner), applies the registry and the
// cross-collector facts (enrich), scores the inventory (scoring) and hands
// the report to the renderers, the metrics export and the exit-code gates.
// `aisight scan`, `serve`, `merge` and `demo` are thin commands over it, so
// every step is testable without the CLI. It reads nothing of the process
// but what Config gives it: endpoints and credentials reach collectors
// through collectors.Env.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/iac"
	"github.com/aisight/aisight/internal/enrich"
	"github.com/aisight/aisight/internal/output"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/internal/registry"
	"github.com/aisight/aisight/model"
	"github.com/aisight/aisight/scoring"
)

// MaxConfigBytes bounds every configuration input (--config, --attestations,
// --registry, each --controls file): a config is a few kilobytes; a device
// or a runaway file must not fill memory.
const MaxConfigBytes = 4 << 20

// Config is a scan's settings, validated by the command that built it.
type Config struct {
	// Specs are the collectors in order (nil for merge, which collects
	// nothing).
	Specs []collectors.Spec
	// KnownCollectors are the build's collectors (the CLI's one list), which
	// every control's evidence_from must name; nil skips the check.
	KnownCollectors []string
	// Env is what collectors read of the machine: Getenv, HomeDir, Paths
	// and Secret. Catalog and Logger are filled in by New.
	Env collectors.Env

	Concurrency  int
	PerCollector int
	ScopeTimeout time.Duration
	Shard        collectors.Shard

	ControlsDir  string // YAML control files added to the built-in catalog
	Attestations string // YAML attestations for manual controls
	Registry     string // YAML registry of the organisation's AI assets
	// LevelTargets are the target levels shown in metrics (--target and
	// --fail-under); each category must exist.
	LevelTargets map[string]model.Level
	// MetricsScopes selects the scopes that get per-scope series
	// (metrics.ScopeSelector); nil gives none.
	MetricsScopes func(collector, scope string) bool

	// Version is the tool's version, in outputs and metrics.
	Version string

	Logger *slog.Logger
	// Notes receives warnings and notes for the user (stderr).
	Notes io.Writer
	// Scrub is the output wall every output goes through.
	Scrub *redact.Scrubber
}

// Pipeline is a loaded configuration that can run many scans (serve).
type Pipeline struct {
	cfg      Config
	controls *scoring.Catalog
	atts     []scoring.Attestation
	catalog  *fingerprint.Catalog
	iac      *iac.Catalog
	registry *registry.Registry
}

// New loads what every scan needs once: the control catalog, attestations,
// the detection catalog and the registry. A bad input is a *ConfigError.
func New(cfg Config) (*Pipeline, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Notes == nil {
		cfg.Notes = io.Discard
	}
	if cfg.Env.Getenv == nil {
		cfg.Env.Getenv = func(string) string { return "" }
	}
	p := &Pipeline{cfg: cfg}
	var err error
	if p.controls, err = scoring.Load(cfg.ControlsDir); err != nil {
		return nil, &ConfigError{err}
	}
	if cfg.KnownCollectors != nil {
		if err := p.controls.CheckCollectors(cfg.KnownCollectors); err != nil {
			return nil, &ConfigError{err}
		}
	}
	for c := range cfg.LevelTargets {
		if !slices.Contains(p.CategoryIDs(), c) {
			return nil, configErrorf("--fail-under/--target: unknown category %q (the AISMM categories are %s)", c, strings.Join(p.CategoryIDs(), ", "))
		}
	}
	if cfg.Attestations != "" {
		b, err := bounded.ReadFile(cfg.Attestations, MaxConfigBytes)
		if err != nil {
			return nil, configErrorf("attestations: %v", err)
		}
		if p.atts, err = scoring.ParseAttestations(cfg.Attestations, b, p.controls); err != nil {
			return nil, &ConfigError{err}
		}
	}
	if cfg.Registry != "" {
		if p.registry, err = registry.Load(cfg.Registry); err != nil {
			return nil, &ConfigError{err}
		}
	}
	if p.catalog, err = fingerprint.Load(); err != nil {
		return nil, err
	}
	if p.iac, err = iac.Load(); err != nil {
		return nil, err
	}
	if p.cfg.Scrub == nil {
		p.cfg.Scrub = redact.New(p.catalog.KeyRanges)
	}
	return p, nil
}

// SARIFRules are the SARIF rules of the control catalog, as outputs take them.
func (p *Pipeline) SARIFRules() map[string]output.SARIFRule {
	out := map[string]output.SARIFRule{}
	for id, r := range p.controls.SARIFRules() {
		out[id] = output.SARIFRule{ID: r.ID, Name: r.Name, Severity: r.Severity, Level: r.Level}
	}
	return out
}

// CategoryIDs are the AISMM category IDs of the loaded control catalog.
func (p *Pipeline) CategoryIDs() []string {
	var out []string
	for _, c := range p.controls.Categories {
		out = append(out, c.ID)
	}
	return out
}

// Logger is the pipeline's logger.
func (p *Pipeline) Logger() *slog.Logger { return p.cfg.Logger }

// Scrub is the output wall.
func (p *Pipeline) Scrub() *redact.Scrubber { return p.cfg.Scrub }

// Plans asks each collector, in order, whether it runs. A collector whose
// configuration is wrong stops the scan (a *ConfigError naming it).
func (p *Pipeline) Plans(ctx context.Context) ([]collectors.Plan, error) {
	env := p.cfg.Env
	env.Catalog, env.IaC, env.Logger = p.catalog, p.iac, p.cfg.Logger
	if env.Secret == nil {
		env.Secret = p.cfg.Scrub.Register
	}
	var plans []collectors.Plan
	for _, s := range p.cfg.Specs {
		c, reason, err := s.Plan(ctx, env)
		if err != nil {
			closePlans(plans, p.cfg.Logger)
			return nil, configErrorf("%s collector: %v", s.Name(), err)
		}
		plans = append(plans, collectors.Plan{Name: s.Name(), Collector: c, Reason: reason})
	}
	return plans, nil
}

// Collect plans and runs every collector and returns what they found;
// progress (may be nil) hears of each finished scope.
func (p *Pipeline) Collect(ctx context.Context, progress func(collectors.Progress)) (model.Inventory, error) {
	plans, err := p.Plans(ctx)
	if err != nil {
		return model.Inventory{}, err
	}
	defer closePlans(plans, p.cfg.Logger)
	runner := collectors.NewRunner(collectors.Options{
		Concurrency: p.cfg.Concurrency, PerCollector: p.cfg.PerCollector, ScopeTimeout: p.cfg.ScopeTimeout,
		Logger: p.cfg.Logger, Progress: progress, Shard: p.cfg.Shard,
	})
	return runner.Run(ctx, plans), nil
}

// Run collects, enriches and scores: one whole scan.
func (p *Pipeline) Run(ctx context.Context, progress func(collectors.Progress)) (model.Report, error) {
	inv, err := p.Collect(ctx, progress)
	if err != nil {
		return model.Report{}, err
	}
	return p.Assess(ctx, inv), nil
}

// Assess applies the registry and the cross-collector facts to an
// inventory (a scan's, or merged shards'), scores it and returns the report.
func (p *Pipeline) Assess(ctx context.Context, inv model.Inventory) model.Report {
	check := enrich.Apply(&inv, enrich.Options{Registry: p.registry})
	current, rejected := scoring.Current(p.atts, inv.Scan.Started)
	for _, line := range rejected {
		fmt.Fprintln(p.cfg.Notes, "aisight: warning: "+line)
	}
	assessment := scoring.AssessContext(ctx, inv, p.controls, current)
	if ctx.Err() == nil {
		for _, c := range assessment.Categories {
			for _, r := range c.Controls {
				if strings.Contains(r.Reason, scoring.OverLimit) {
					fmt.Fprintf(p.cfg.Notes, "aisight: warning: control %s was not fully evaluated (unknown): %s\n", r.ID, r.Reason)
				}
			}
		}
	}
	report := model.NewReport(inv, &assessment)
	report.Registry = check
	if check != nil && len(check.StaleAssets)+len(check.StaleModels) > 0 {
		fmt.Fprintf(p.cfg.Notes, "aisight: note: %d registry entries matched nothing (stale): see \"registry\" in the JSON output\n", len(check.StaleAssets)+len(check.StaleModels))
	}
	return report
}

// closePlans releases what collectors hold between scans (connection
// pools); serve plans its collectors afresh for every scan.
func closePlans(plans []collectors.Plan, log *slog.Logger) {
	for _, p := range plans {
		if c, ok := p.Collector.(io.Closer); ok {
			if err := c.Close(); err != nil {
				log.Debug("closing collector", "collector", p.Name, "err", err)
			}
		}
	}
}
