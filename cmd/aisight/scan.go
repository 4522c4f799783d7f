package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/fingerprint"
	"github.com/aisight/aisight/collectors/source"
	"github.com/aisight/aisight/internal/output"
	"github.com/aisight/aisight/model"
)

// scanOptions is everything the scan command reads from flags, environment
// and config file.
type scanOptions struct {
	configPath   string
	output       enumValue
	out          string
	quiet        bool
	logLevel     enumValue
	noIgnore     bool
	maxFileSize  byteSize
	maxHashSize  byteSize
	concurrency  int
	perCollector int
	scopeTimeout time.Duration
	paths        []string
}

// deps are what collector constructors may use.
type deps struct {
	catalog *fingerprint.Catalog
	log     *slog.Logger
}

// collectorFactory decides whether a collector runs and builds it. A nil
// collector with a reason means skipped.
type collectorFactory func(o *scanOptions, d deps) (collectors.Collector, string, error)

// availableCollectors is the explicit list of collectors in this build.
func availableCollectors() map[string]collectorFactory {
	return map[string]collectorFactory{
		source.Name: func(o *scanOptions, d deps) (collectors.Collector, string, error) {
			reason := "scans the given paths"
			if len(o.paths) == 0 {
				reason = "scans the current directory (no PATH given)"
			}
			maxHash := int64(o.maxHashSize)
			if maxHash == 0 {
				maxHash = -1 // the flag's 0 means never hash
			}
			return source.New(source.Options{
				Paths: o.paths, NoIgnore: o.noIgnore,
				MaxFileSize: int64(o.maxFileSize), MaxHashSize: maxHash,
			}, d.catalog), reason, nil
		},
	}
}

func newScanCmd(stdout, stderr io.Writer) *cobra.Command {
	o := &scanOptions{
		output:      enumValue{value: "table", allowed: output.Formats},
		logLevel:    enumValue{value: "warn", allowed: []string{"debug", "info", "warn", "error"}},
		maxFileSize: 10 << 20,
		maxHashSize: 1 << 30,
	}
	cmd := &cobra.Command{
		Use:   "scan [flags] [PATH...]",
		Short: "Inventory AI assets and print what was found",
		Long: `Scan runs every enabled collector and prints an inventory summary.

PATHs (default ".") are scanned by the source collector for AI SDK dependencies,
model files, model references, provider keys (reported as fingerprints only),
MCP server configurations and AI workloads in Kubernetes/compose/Helm/Dockerfiles.

Every flag can also be set in a YAML config file (--config; keys are the flag
names) or in the environment as AISIGHT_<FLAG_NAME> (e.g. AISIGHT_OUTPUT=json).
Flags win over the environment, which wins over the config file.

Exit codes: 0 done, 1 internal error, 2 bad usage or configuration.`,
		Example: `  aisight scan                       # scan the current directory, print a table
  aisight scan -o json --out scan.json ./repo
  aisight scan --config aisight.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg := o.configPath
			if cfg == "" {
				cfg = os.Getenv(envName("config"))
			}
			if err := applySources(cmd.Flags(), cfg, os.Getenv); err != nil {
				return err
			}
			o.paths = args
			return runScan(cmd.Context(), o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.configPath, "config", "", "YAML config file (keys are flag names; unknown keys are errors)")
	f.VarP(&o.output, "output", "o", "output format: "+strings.Join(output.Formats, ", "))
	f.StringVar(&o.out, "out", "", "write the output to this file (atomically) instead of stdout")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line and only errors in the log")
	f.Var(&o.logLevel, "log-level", "log level on stderr: debug, info, warn, error")
	f.BoolVar(&o.noIgnore, "no-ignore", false, "source: also scan files that .gitignore rules exclude")
	f.Var(&o.maxFileSize, "max-file-size", "source: largest text file read for findings (e.g. 10MiB)")
	f.Var(&o.maxHashSize, "max-hash-size", "source: largest model file hashed with SHA-256 (e.g. 4GiB; 0 never hashes)")
	f.IntVar(&o.concurrency, "concurrency", 8, "scopes collected at once across all collectors")
	f.IntVar(&o.perCollector, "per-collector", 4, "scopes of one collector collected at once")
	f.DurationVar(&o.scopeTimeout, "scope-timeout", 10*time.Minute, "time limit for collecting one scope")
	return cmd
}

// validate checks cross-field rules in one place.
func (o *scanOptions) validate() error {
	if o.concurrency < 1 || o.perCollector < 1 {
		return usagef("--concurrency and --per-collector must be at least 1")
	}
	if o.scopeTimeout <= 0 {
		return usagef("--scope-timeout must be positive")
	}
	if o.maxFileSize <= 0 {
		return usagef("--max-file-size must be positive")
	}
	for _, p := range o.paths {
		fi, err := os.Stat(p)
		if err != nil {
			return usagef("scan path %s: %v", p, unwrapPathErr(err))
		}
		if !fi.IsDir() {
			return usagef("scan path %s is not a directory", p)
		}
	}
	return nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

func runScan(ctx context.Context, o *scanOptions, stdout, stderr io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[o.logLevel.value]
	if o.quiet {
		level = slog.LevelError
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	cat, err := fingerprint.Load()
	if err != nil {
		return err
	}
	d := deps{catalog: cat, log: log}
	factories := availableCollectors()
	names := slices.Sorted(maps.Keys(factories))
	var plans []collectors.Plan
	for _, name := range names {
		c, reason, err := factories[name](o, d)
		if err != nil {
			return usagef("%s collector: %v", name, err)
		}
		plans = append(plans, collectors.Plan{Name: name, Collector: c, Reason: reason})
	}
	prog := newProgress(stderr, !o.quiet)
	runner := collectors.NewRunner(collectors.Options{
		Concurrency: o.concurrency, PerCollector: o.perCollector, ScopeTimeout: o.scopeTimeout,
		Logger: log, Progress: prog.update,
	})
	inv := runner.Run(ctx, plans)
	prog.done()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("scan interrupted: %w", err)
	}
	report := model.NewReport(inv, nil)
	render := func(w io.Writer) error { return output.Render(w, o.output.value, report) }
	if o.out != "" {
		if err := output.WriteFileAtomic(o.out, render); err != nil {
			return fmt.Errorf("write %s: %w", o.out, err)
		}
		return nil
	}
	return render(stdout)
}
