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
	"github.com/aisight/aisight/internal/flagvalue"
	"github.com/aisight/aisight/internal/metrics"
	"github.com/aisight/aisight/internal/output"
	"github.com/aisight/aisight/internal/pipeline"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// scanOptions is everything the scan command reads from flags, environment
// and config file. Collector options live in their collectors' Specs.
type scanOptions struct {
	configPath    string
	output        *flagvalue.Enum
	out           string
	quiet         bool
	logLevel      *flagvalue.Enum
	logLevelSet   bool // --log-level given (flag, config or environment): it wins over -q
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
	metricsScopes string
	scopesDeny    string
	profiles      profiles
	specs         []collectors.Spec
	scrub         *redact.Scrubber // the output wall

	shardSpec    collectors.Shard                   // parsed --shard
	targets      map[string]model.Level             // parsed --fail-under
	levelTargets map[string]model.Level             // --target and --fail-under, for the metrics
	grouping     map[string]string                  // parsed --push-grouping
	scopeMetrics func(collector, scope string) bool // parsed --metrics-scopes
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
			if err := o.load(cmd, args, os.Getenv); err != nil {
				return err
			}
			return runScan(cmd.Context(), o, o.processEnv(), stdout, stderr)
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
func (o *scanOptions) load(cmd *cobra.Command, args []string, getenv func(string) string) error {
	cfg := o.configPath
	if cfg == "" {
		cfg = getenv(envName("config"))
	}
	if err := applySources(cmd.Flags(), cfg, getenv); err != nil {
		return err
	}
	o.paths = args
	o.logLevelSet = cmd.Flags().Changed("log-level") // set by a flag, the config or the environment
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
	f.StringVar(&o.metricsScopes, "metrics-scopes", "", "give the scopes whose ID matches this regular expression their own aisight_scope_* series (e.g. 'aws:111122223333:.*', '.*' for all); by default metrics are per collector and do not grow with accounts, regions and clusters (docs/metrics.md)")
	f.StringVar(&o.scopesDeny, "metrics-scopes-deny", "", "no per-scope series for the scopes whose ID matches this regular expression, of those --metrics-scopes selects")
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
	if o.scopeMetrics, err = metrics.ScopeSelector(o.metricsScopes, o.scopesDeny); err != nil {
		return usageError{err}
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

// runScan scans what env and the options say: the process's environment
// for scan, the estate's for demo.
func runScan(ctx context.Context, o *scanOptions, env collectors.Env, stdout, stderr io.Writer) (err error) {
	stop, err := o.profiles.start()
	if err != nil {
		return err
	}
	defer func() {
		if perr := stop(); perr != nil && err == nil {
			err = fmt.Errorf("write profile: %w", perr)
		}
	}()
	if err := o.checkStdout(stdout); err != nil {
		return err
	}
	p, err := o.newPipeline(stderr, env)
	if err != nil {
		return err
	}
	prog := newProgress(stderr, !o.quiet)
	report, err := p.Run(ctx, prog.update)
	prog.done()
	if err != nil {
		return err
	}
	return p.Finish(ctx, report, o.outputs(), stdout)
}

// checkStdout refuses to write a whole HTML page to a terminal: -o html
// needs --out or a redirect (scan, demo and merge alike).
func (o *scanOptions) checkStdout(stdout io.Writer) error {
	if o.output.Value == "html" && o.out == "" && isTerminal(unwrapWriter(stdout)) {
		return usagef("-o html writes a whole web page: give --out report.html (or redirect stdout to a file)")
	}
	return nil
}

// processEnv is what collectors read of this machine: its environment,
// the user's home directory, the PATH arguments, and the output wall for
// every credential they are given.
func (o *scanOptions) processEnv() collectors.Env {
	home, _ := os.UserHomeDir()
	return collectors.Env{Getenv: os.Getenv, HomeDir: home, Paths: o.paths, Secret: o.scrub.Register}
}

// newPipeline validates the options and loads the pipeline they describe.
func (o *scanOptions) newPipeline(stderr io.Writer, env collectors.Env) (*pipeline.Pipeline, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	level := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}[o.logLevel.Value]
	notes := stderr
	switch {
	case o.quiet && !o.logLevelSet:
		level, notes = slog.LevelError, io.Discard // -q: errors only
	case level > slog.LevelWarn:
		notes = io.Discard // --log-level error: no warnings either
	}
	env.Paths = o.paths
	return pipeline.New(pipeline.Config{
		Specs: o.specs, Env: env, KnownCollectors: specNames(collectorSpecs()),
		Concurrency: o.concurrency, PerCollector: o.perCollector, ScopeTimeout: o.scopeTimeout, Shard: o.shardSpec,
		ControlsDir: o.controlsDir, Attestations: o.attestations, Registry: o.registry, LevelTargets: o.levelTargets, MetricsScopes: o.scopeMetrics,
		Version: version, Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
		Notes: notes, Scrub: o.scrub,
	})
}

// outputs is where the report goes and the gates it must pass.
func (o *scanOptions) outputs() pipeline.Outputs {
	return pipeline.Outputs{
		Format: o.output.Value, CycloneDXVersion: o.cdxVersion.Value, Out: o.out,
		MetricsFile: o.metricsFile, PushGateway: o.pushGateway, PushJob: o.pushJob, Grouping: o.grouping, PushTimeout: o.pushTimeout,
		FailUnder: o.targets, FailOnPartial: o.failOnPartial,
	}
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
