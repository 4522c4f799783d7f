package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/enrich"
	"github.com/aisight/aisight/internal/flagvalue"
	"github.com/aisight/aisight/internal/output"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/internal/registry"
	"github.com/aisight/aisight/model"
	"github.com/aisight/aisight/scoring"
)

// scanOptions is everything the scan command reads from flags, environment
// and config file. Collector options live in their collectors' Specs.
type scanOptions struct {
	configPath    string
	output        *flagvalue.Enum
	out           string
	quiet         bool
	logLevel      *flagvalue.Enum
	concurrency   int
	perCollector  int
	scopeTimeout  time.Duration
	attestations  string
	controlsDir   string
	failUnder     []string
	paths         []string
	registry      string
	target        []string
	pushGateway   string
	pushJob       string
	pushGrouping  []string
	pushTimeout   time.Duration
	metricsFile   string
	failOnPartial bool
	cdxVersion    *flagvalue.Enum
	shard         string
	profiles      profiles
	specs         []collectors.Spec
	scrub         *redact.Scrubber // the output wall

	shardSpec    collectors.Shard       // parsed --shard
	targets      map[string]model.Level // parsed --fail-under
	levelTargets map[string]model.Level // --target and --fail-under, for the metrics
	grouping     map[string]string      // parsed --push-grouping
}

func newScanCmd(stdout, stderr io.Writer, scrub *redact.Scrubber) *cobra.Command {
	o := newScanOptions()
	o.scrub = scrub
	cmd := &cobra.Command{
		Use:   "scan [flags] [PATH...]",
		Short: "Inventory AI assets and print what was found",
		Long: `Scan runs every enabled collector, scores what it found against the AISMM
control catalog and prints the inventory and each category's maturity level.

PATHs (default ".") are scanned by the source collector for AI SDK dependencies,
model files, model references, provider keys (reported as fingerprints only),
MCP server configurations and AI workloads in Kubernetes/compose/Helm/Dockerfiles.
--source=off turns it off (a CronJob scanning only clusters and clouds).

The AWS collector scans the caller's account (or, with --aws-org and
--aws-role-name, every account of the organisation) in every enabled region:
Bedrock, Bedrock Agents and AgentCore, SageMaker, IAM and organisation
policies, read-only (deploy/aws/aisight-readonly-policy.json). With --aws=auto
it runs only when AWS credentials are explicitly present and never probes
instance metadata. AWS_ENDPOINT_URL[_<SERVICE>] and shared config endpoints
are honoured (VPC endpoints, FIPS, proxies).

The Kubernetes collector scans every context of the kubeconfig (--kubeconfig,
else $KUBECONFIG, else ~/.kube/config; --kube-contexts to choose), or the
cluster it runs in when started in a pod. With --kube=auto (the default) it
runs only when one of those exists; --kube=on makes a missing or broken
kubeconfig an error; --kube=off never contacts a cluster. It only reads
(get/list/watch; deploy/kubernetes/base/clusterrole.yaml) and never reads Secrets.

The OpenAI and Anthropic collectors read an organisation through its admin
API (GET only) when an admin key is given ($OPENAI_ADMIN_KEY or
--openai-admin-key-file, $ANTHROPIC_ADMIN_KEY or --anthropic-admin-key-file);
a key found in the scanned code or pods is linked to its live key.

Every flag can also be set in a YAML config file (--config; keys are the flag
names) or in the environment as AISIGHT_<FLAG_NAME> (e.g. AISIGHT_OUTPUT=json).
Flags win over the environment, which wins over the config file.

Each of the 12 AISMM categories gets a level (L1-L5; "not assessed" when there
is nothing to judge), its coverage (the share of controls with a definite
result) and the level that would hold if every unknown control passed. A
control whose evidence could not be gathered is unknown, never a pass.

Exit codes: 0 done, 1 error (a write or push failed), 2 bad usage or
configuration, 3 a --fail-under target was not met, 4 incomplete (a scope
failed, or the scan was interrupted by SIGINT/SIGTERM: the report of what
finished is still written), 70 internal error (a bug).`,
		Example: `  aisight scan                       # scan the current directory, print a table
  aisight scan -o json --out scan.json ./repo
  aisight scan -o html --out report.html --fail-under ORG=3,IAM=3   # a report for a security leader
  aisight scan -o cyclonedx --out aibom.cdx.json ./repo   # an ML-BOM (CycloneDX 1.7; --cyclonedx-version 1.6)
  aisight scan -o sarif --out aisight.sarif ./repo         # findings for GitHub code scanning
  aisight scan --config aisight.yaml
  aisight scan --attestations attest.yaml --fail-under ORG=3,IAM=2 ./repo
  aisight scan --source=off --kube-contexts prod,staging
  aisight scan --source=off --aws-org --aws-role-name aisight-readonly
  OPENAI_ADMIN_KEY=sk-admin-... aisight scan ./repo
  aisight scan --source=off --push-gateway http://pushgateway:9091 --registry registry.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.load(cmd, args); err != nil {
				return err
			}
			return runScan(cmd.Context(), o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	o.addOutputFlags(f)
	o.addCollectFlags(f)
	f.StringVar(&o.profiles.cpu, "cpu-profile", "", "write a Go CPU profile of the scan to this file (read it with go tool pprof)")
	f.StringVar(&o.profiles.mem, "mem-profile", "", "write a Go allocation profile of the scan (all allocations, and what was in use at its end) to this file")
	groupedHelp(cmd, o.specs)
	return cmd
}

// addOutputFlags registers what scan and merge share: the output, the
// Pushgateway and textfile export, and the exit-code gates.
func (o *scanOptions) addOutputFlags(f *pflag.FlagSet) {
	f.VarP(o.output, "output", "o", "output format: "+strings.Join(output.Formats, ", "))
	f.StringVar(&o.out, "out", "", "write the output to this file (atomically) instead of stdout")
	f.Var(o.cdxVersion, "cyclonedx-version", "CycloneDX spec version of -o cyclonedx: 1.7, or 1.6 for older consumers")
	f.StringVar(&o.pushGateway, "push-gateway", "", "push the metrics to this Prometheus Pushgateway URL after the scan (CronJob mode)")
	f.StringVar(&o.pushJob, "push-job", "aisight", "Pushgateway job name")
	f.StringSliceVar(&o.pushGrouping, "push-grouping", nil, "Pushgateway grouping labels k=v (default scopeset=<hash of the scanned scopes>)")
	f.DurationVar(&o.pushTimeout, "push-timeout", 30*time.Second, "time limit of the push, connecting and the Pushgateway's answer included")
	f.StringVar(&o.metricsFile, "metrics-file", "", "write the metrics to this file atomically (node_exporter textfile collector; name it *.prom)")
	f.StringSliceVar(&o.failUnder, "fail-under", nil, "exit 3 when a category is below a level, e.g. ORG=3,IAM=2")
	f.BoolVar(&o.failOnPartial, "fail-on-partial", false, "exit 4 also when a scope was only partly collected (a scope that failed always exits 4)")
}

// load fills the options from the environment and the config file (for
// flags the command line left unset) and takes the PATH arguments.
func (o *scanOptions) load(cmd *cobra.Command, args []string) error {
	cfg := o.configPath
	if cfg == "" {
		cfg = os.Getenv(envName("config"))
	}
	if err := applySources(cmd.Flags(), cfg, os.Getenv); err != nil {
		return err
	}
	o.paths = args
	return nil
}

// newScanOptions has the defaults of every scan setting.
func newScanOptions() *scanOptions {
	return &scanOptions{
		output:     flagvalue.NewEnum("table", output.Formats...),
		logLevel:   flagvalue.NewEnum("warn", "debug", "info", "warn", "error"),
		cdxVersion: flagvalue.NewEnum("1.7", "1.7", "1.6"),
		specs:      collectorSpecs(),
	}
}

// addCollectFlags declares the settings scan and serve share: what to
// collect and how to score it, then each collector's own options.
func (o *scanOptions) addCollectFlags(f *pflag.FlagSet) {
	o.addScoringFlags(f)
	f.IntVar(&o.concurrency, "concurrency", 1024, "scopes collected at once across all collectors")
	f.IntVar(&o.perCollector, "per-collector", 0, "scopes of one collector collected at once (0: the collector's own: 512 for AWS, GCP and Azure accounts, regions, projects and subscriptions, each paced by its own rate limit; 16 for clusters; 4 for file trees)")
	f.DurationVar(&o.scopeTimeout, "scope-timeout", 10*time.Minute, "time limit for collecting one scope")
	f.StringVar(&o.shard, "shard", "", "collect only shard I of N (I/N, 0-based): scopes are assigned by a stable hash of their ID, so N runs with 0..N-1 cover every scope once; join their -o json outputs with aisight merge")
	addSpecFlags(f, o.specs)
}

// addScoringFlags registers the settings of logging and scoring that scan,
// serve and merge share.
func (o *scanOptions) addScoringFlags(f *pflag.FlagSet) {
	f.StringVar(&o.configPath, "config", "", "YAML config file (keys are flag names; unknown keys are errors)")
	f.BoolVarP(&o.quiet, "quiet", "q", false, "no progress line and only errors in the log")
	f.Var(o.logLevel, "log-level", "log level on stderr: debug, info, warn, error")
	f.StringVar(&o.attestations, "attestations", "", "YAML file of attestations for manual controls (see docs/scoring.md)")
	f.StringVar(&o.controlsDir, "controls", "", "directory of YAML control files that add to or override the built-in catalog")
	f.StringVar(&o.registry, "registry", "", "YAML file of the AI assets the organisation has registered; others are shadow AI (see docs/metrics.md)")
	f.StringSliceVar(&o.target, "target", nil, "target levels shown in metrics and dashboards, e.g. ORG=3,IAM=3 (no effect on the exit code)")
}

// validate checks cross-field rules in one place.
func (o *scanOptions) validate() error {
	if o.concurrency < 1 || o.perCollector < 0 {
		return usagef("--concurrency must be at least 1 and --per-collector at least 0 (0: each collector's own)")
	}
	if o.scopeTimeout <= 0 {
		return usagef("--scope-timeout must be positive")
	}
	if o.shard != "" {
		sh, err := collectors.ParseShard(o.shard)
		if err != nil {
			return usagef("--shard: %v", err)
		}
		o.shardSpec = sh
	}
	for _, s := range o.specs {
		if err := s.Validate(); err != nil {
			return usageError{fmt.Errorf("%s collector: %w", s.Name(), err)}
		}
	}
	var err error
	if o.targets, err = parseLevels("--fail-under", o.failUnder); err != nil {
		return err
	}
	if o.levelTargets, err = parseLevels("--target", o.target); err != nil {
		return err
	}
	for c, l := range o.targets {
		if _, set := o.levelTargets[c]; !set {
			o.levelTargets[c] = l
		}
	}
	if err := o.validatePush(); err != nil {
		return err
	}
	for flag, dest := range map[string]string{"--out": o.out, "--metrics-file": o.metricsFile} {
		if dest != "" {
			if err := output.CheckDestination(dest); err != nil {
				return usagef("%s: %v", flag, err)
			}
		}
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

func runScan(ctx context.Context, o *scanOptions, stdout, stderr io.Writer) (err error) {
	stop, err := o.profiles.start()
	if err != nil {
		return err
	}
	defer func() {
		if perr := stop(); perr != nil && err == nil {
			err = fmt.Errorf("write profile: %w", perr)
		}
	}()
	sc, err := prepareScan(o, stderr)
	if err != nil {
		return err
	}
	report, err := sc.run(ctx, !o.quiet)
	if err != nil {
		return err
	}
	return finishReport(ctx, o, sc, report, stdout)
}

// finishReport writes a report in the chosen form, exports its metrics and
// applies the exit-code gates: the end of scan and merge.
func finishReport(ctx context.Context, o *scanOptions, sc *scanner, report model.Report, stdout io.Writer) error {
	render := func(w io.Writer) error {
		// Through the output wall line by line (a credential never spans
		// a line), so a large report is never held whole.
		sw := o.scrub.NewWriter(w)
		opts := output.Options{CycloneDXVersion: o.cdxVersion.Value, ToolVersion: version, Targets: o.targets}
		if err := output.RenderWith(sw, o.output.Value, report, opts); err != nil {
			return err
		}
		return sw.Flush()
	}
	if o.out != "" {
		if err := output.WriteFileAtomic(o.out, render); err != nil {
			return fmt.Errorf("write %s: %w", o.out, err)
		}
	} else if err := render(stdout); err != nil {
		return err
	}
	if ctx.Err() != nil {
		// Interrupted: the report of what finished is written; metrics of a
		// partial scan are not exported, so dashboards never show a loss
		// that is only an interruption.
		return exitError{exitIncomplete, fmt.Errorf("scan interrupted: the report holds what finished (%s); metrics not exported", summarizeRuns(report))}
	}
	if err := sc.exportMetrics(ctx, report); err != nil {
		return err
	}
	if err := checkTargets(*report.Assessment, o.targets); err != nil {
		return err
	}
	return checkComplete(report, o.failOnPartial)
}

// checkComplete is exit 4 when a scope failed (or, with --fail-on-partial,
// was only partly collected): the scan is incomplete and says where.
func checkComplete(r model.Report, failOnPartial bool) error {
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
	return exitError{exitIncomplete, fmt.Errorf("scan incomplete: %s%s; the report says why", strings.Join(shown, "; "), more)}
}

// summarizeRuns counts runs by status ("12 ok, 3 failed").
func summarizeRuns(r model.Report) string {
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

// scanner is a validated scan configuration that can run many times (serve).
type scanner struct {
	o        *scanOptions
	log      *slog.Logger
	stderr   io.Writer
	controls *scoring.Catalog
	atts     []scoring.Attestation
	catalog  *fingerprint.Catalog
	registry *registry.Registry
}

// prepareScan validates the options and loads everything a scan needs once:
// the control catalog, attestations, the fingerprint catalog, the registry.
func prepareScan(o *scanOptions, stderr io.Writer) (*scanner, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[o.logLevel.Value]
	if o.quiet {
		level = slog.LevelError
	}
	sc := &scanner{o: o, stderr: stderr, log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}
	controls, err := scoring.Load(o.controlsDir)
	if err != nil {
		return nil, usageError{err}
	}
	sc.controls = controls
	for c := range o.levelTargets {
		if _, ok := categoryByID(controls, c); !ok {
			return nil, usagef("--fail-under/--target: unknown category %q (the AISMM categories are %s)", c, strings.Join(categoryIDs(controls), ", "))
		}
	}
	if o.attestations != "" {
		b, err := bounded.ReadFile(o.attestations, maxConfigBytes)
		if err != nil {
			return nil, usagef("attestations: %v", err)
		}
		if sc.atts, err = scoring.ParseAttestations(o.attestations, b, controls); err != nil {
			return nil, usageError{err}
		}
	}
	if o.registry != "" {
		if sc.registry, err = registry.Load(o.registry); err != nil {
			return nil, usageError{err}
		}
	}
	if sc.catalog, err = fingerprint.Load(); err != nil {
		return nil, err
	}
	return sc, nil
}

// run collects, applies the registry, scores and returns the report.
func (sc *scanner) run(ctx context.Context, showProgress bool) (model.Report, error) {
	plans, err := sc.plans(ctx)
	if err != nil {
		return model.Report{}, err
	}
	prog := newProgress(sc.stderr, showProgress)
	runner := collectors.NewRunner(collectors.Options{
		Concurrency: sc.o.concurrency, PerCollector: sc.o.perCollector, ScopeTimeout: sc.o.scopeTimeout,
		Logger: sc.log, Progress: prog.update, Shard: sc.o.shardSpec,
	})
	inv := runner.Run(ctx, plans)
	prog.done()
	closePlans(plans, sc.log)
	return sc.assess(ctx, inv), nil
}

// assess applies the registry and the cross-collector facts to an
// inventory, scores it and returns the report.
func (sc *scanner) assess(ctx context.Context, inv model.Inventory) model.Report {
	check := enrich.Apply(&inv, enrich.Options{Registry: sc.registry})
	current, rejected := scoring.Current(sc.atts, inv.Scan.Started)
	for _, line := range rejected {
		fmt.Fprintln(sc.stderr, "aisight: warning: "+line)
	}
	assessment := scoring.AssessContext(ctx, inv, sc.controls, current)
	if ctx.Err() == nil {
		for _, c := range assessment.Categories {
			for _, r := range c.Controls {
				if strings.Contains(r.Reason, scoring.OverLimit) {
					fmt.Fprintf(sc.stderr, "aisight: warning: control %s was not fully evaluated (unknown): %s\n", r.ID, r.Reason)
				}
			}
		}
	}
	report := model.NewReport(inv, &assessment)
	report.Registry = check
	if check != nil && len(check.StaleAssets)+len(check.StaleModels) > 0 {
		fmt.Fprintf(sc.stderr, "aisight: note: %d registry entries matched nothing (stale): see \"registry\" in the JSON output\n", len(check.StaleAssets)+len(check.StaleModels))
	}
	return report
}

// parseLevels reads CATEGORY=LEVEL lists; a category given twice is an
// error, not the last one silently winning.
func parseLevels(flag string, list []string) (map[string]model.Level, error) {
	out := map[string]model.Level{}
	for _, t := range list {
		cat, lvl, ok := strings.Cut(t, "=")
		n, err := strconv.Atoi(strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(lvl)), "L"))
		if !ok || err != nil || n < 1 || n > 5 {
			return nil, usagef("%s %q: want CATEGORY=LEVEL with a level 1-5, e.g. ORG=3", flag, t)
		}
		c := strings.ToUpper(strings.TrimSpace(cat))
		if prev, dup := out[c]; dup {
			return nil, usagef("%s gives %s twice (L%d and L%d)", flag, c, prev, n)
		}
		out[c] = model.Level(n)
	}
	return out, nil
}

// checkTargets returns exit code 3 naming every category below its target.
func checkTargets(a model.Assessment, targets map[string]model.Level) error {
	var short []string
	for _, c := range a.Categories {
		if want, ok := targets[c.ID]; ok && c.Level < want {
			short = append(short, fmt.Sprintf("%s is L%d, target L%d", c.ID, c.Level, want))
		}
	}
	if len(short) == 0 {
		return nil
	}
	return exitError{exitShort, fmt.Errorf("below --fail-under: %s", strings.Join(short, "; "))}
}

func categoryByID(cat *scoring.Catalog, id string) (scoring.CategoryInfo, bool) {
	for _, c := range cat.Categories {
		if c.ID == id {
			return c, true
		}
	}
	return scoring.CategoryInfo{}, false
}

func categoryIDs(cat *scoring.Catalog) []string {
	var out []string
	for _, c := range cat.Categories {
		out = append(out, c.ID)
	}
	return out
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
