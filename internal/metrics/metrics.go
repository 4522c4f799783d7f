// Package metrics renders a scan (its model.Report: inventory, collector
// runs and assessment) as Prometheus metrics, and pushes them to a
// Pushgateway or writes them for node_exporter's textfile collector.
//
// Metrics are computed from the last report on every scrape by pure
// functions (the kube-state-metrics pattern); the package keeps no other
// state. Names follow docs/metrics.md: namespace aisight_, units as suffixes,
// closed label value sets (an unknown value becomes "other"), no free text.
package metrics

import (
	"runtime"
	"slices"
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aisight/aisight/model"
)

const namespace = "aisight"

// Snapshot is what one scan gives the metrics.
type Snapshot struct {
	Report model.Report
	// Targets are the target levels per category (--target, --fail-under).
	Targets map[string]model.Level
	// RegistryLoaded says whether a registry was given, so that shadow
	// asset counts are known (0 is then a real zero).
	RegistryLoaded bool
	// Providers are the provider label values rendered as themselves (the
	// collectors' names and the detection catalog's providers); any other
	// provider is "other", so label values stay a closed set.
	Providers []string
	// Scopes chooses the scopes that get per-scope series (aisight_scope_*);
	// nil gives none. Series then do not grow with the number of accounts,
	// regions, projects and clusters (--metrics-scopes).
	Scopes func(collector, scope string) bool
}

// Collector is a prometheus.Collector over the latest Snapshot.
type Collector struct {
	version string
	mu      sync.RWMutex
	snap    *Snapshot
}

// New returns a Collector reporting the given aisight version in build info.
func New(version string) *Collector { return &Collector{version: version} }

// Set replaces the snapshot the next scrape renders.
func (c *Collector) Set(s *Snapshot) {
	c.mu.Lock()
	c.snap = s
	c.mu.Unlock()
}

func desc(subsystem, name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, subsystem, name), help, labels, nil)
}

var (
	buildInfo     = desc("", "build_info", "aisight build information; always 1.", "version", "goversion")
	scanStart     = desc("scan", "start_timestamp_seconds", "When the last scan started (Unix time).")
	scanEnd       = desc("scan", "end_timestamp_seconds", "When the last scan finished (Unix time).")
	scanDuration  = desc("scan", "duration_seconds", "How long the last scan took.")
	assets        = desc("", "assets", "AI assets found by the last scan.", "provider", "deployment_type", "kind")
	unowned       = desc("", "unowned_assets", "AI assets of registrable kinds with no owner (owner field, or owner/team label or tag).", "provider", "deployment_type", "kind")
	shadow        = desc("", "shadow_assets", "AI assets of registrable kinds missing from the declared registry (--registry); absent without a registry.", "provider", "deployment_type", "kind")
	apiKeys       = desc("", "api_keys", "AI provider keys found, by age bucket (unknown when the source cannot tell the age).", "provider", "age")
	apiKeyMaxAge  = desc("", "api_key_max_age_seconds", "Age of the oldest AI provider key whose age is known.", "provider")
	catLevel      = desc("category", "maturity_level", "AISMM maturity level (0 not assessed, 1-5) per category.", "category", "domain")
	catPotential  = desc("category", "potential_level", "Level the category would have if every unknown control passed.", "category", "domain")
	catCoverage   = desc("category", "coverage_ratio", "Share of applicable controls with a definite result (0-1).", "category", "domain")
	catTarget     = desc("category", "target_level", "Target level set with --target or --fail-under.", "category", "domain")
	domLevel      = desc("domain", "maturity_level", "Lowest level among the domain's assessed categories (0 when none is assessed).", "domain")
	domPotential  = desc("domain", "potential_level", "Lowest potential level among the domain's assessed categories.", "domain")
	domCoverage   = desc("domain", "coverage_ratio", "Mean coverage of the domain's categories (0-1).", "domain")
	controlResult = desc("control", "result", "Control result as a state set: 1 for the current result.", "control", "category", "level", "result")

	// Per collector, always: a fixed number of series per collector.
	colSuccess  = desc("collector", "success", "1 when the collector ran and none of its scopes failed; 0 when a scope failed or the collector was skipped.", "collector")
	colScopes   = desc("collector", "scopes", "Scopes of the collector by run status (ok, partial, failed, skipped), zeros included.", "collector", "status")
	colErrors   = desc("collector", "scope_errors", "Scopes of the collector that failed or were partial, by error class, zeros included.", "collector", "class")
	colDuration = desc("collector", "duration_seconds", "Wall time from the start of the collector's first scope to the end of its last.", "collector")
	colCalls    = desc("collector", "api_calls", "API requests the collector sent in the last scan.", "collector")
	colAssets   = desc("collector", "assets", "Assets the collector found.", "collector")
	colFiles    = desc("collector", "files", "Files of the collector's file-tree scopes by outcome: scanned, skipped (and why), or not fully read (unreadable, unparsed, binary_text, too_large: these make the run partial).", "collector", "outcome")

	// Per scope, only for the scopes --metrics-scopes selects.
	scopeSuccess    = desc("scope", "success", "1 when the collector's run over the scope succeeded (ok or partial), 0 when it failed or was skipped (--metrics-scopes).", "collector", "scope")
	scopeDuration   = desc("scope", "duration_seconds", "How long the collector took for the scope (--metrics-scopes).", "collector", "scope")
	scopeCalls      = desc("scope", "api_calls", "API requests the collector sent for the scope (--metrics-scopes).", "collector", "scope")
	scopeAssets     = desc("scope", "assets", "Assets the collector found in the scope (--metrics-scopes).", "collector", "scope")
	scopeStatus     = desc("scope", "status", "Run status as a state set: 1 for the current status (--metrics-scopes).", "collector", "scope", "status")
	scopeErrorClass = desc("scope", "error_class", "Error class as a state set, none when the run had no error (--metrics-scopes).", "collector", "scope", "class")
	scopeFiles      = desc("scope", "files", "Files of a file-tree scope by outcome (--metrics-scopes).", "collector", "scope", "outcome")
)

// fileOutcomes maps the run counters of file-tree collectors to the
// outcome label of aisight_collector_files (a closed set), in the order
// they are rendered.
var fileOutcomes = []struct{ stat, outcome string }{
	{"files_scanned", "scanned"}, {"tracked_ignored_scanned", "scanned_tracked_ignored"},
	{"skipped_ignored", "skipped_ignored"}, {"skipped_binary", "skipped_binary"}, {"skipped_too_large", "skipped_too_large"},
	{"skipped_symlink", "skipped_symlink"}, {"skipped_special", "skipped_special"},
	{"unreadable", "unreadable"}, {"unparsed", "unparsed"}, {"binary_text", "binary_text"}, {"too_large", "too_large"},
}

var allDescs = []*prometheus.Desc{buildInfo, scanStart, scanEnd, scanDuration, assets, unowned, shadow, apiKeys, apiKeyMaxAge,
	catLevel, catPotential, catCoverage, catTarget, domLevel, domPotential, domCoverage, controlResult,
	colSuccess, colScopes, colErrors, colDuration, colCalls, colAssets, colFiles,
	scopeSuccess, scopeDuration, scopeCalls, scopeAssets, scopeStatus, scopeErrorClass, scopeFiles}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range allDescs {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(buildInfo, prometheus.GaugeValue, 1, c.version, runtime.Version())
	c.mu.RLock()
	s := c.snap
	c.mu.RUnlock()
	if s == nil {
		return
	}
	for _, m := range Render(s) {
		ch <- m
	}
}

// Render is the pure function from a snapshot to its metrics (build info aside).
func Render(s *Snapshot) []prometheus.Metric {
	var out []prometheus.Metric
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		out = append(out, prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...))
	}
	r := s.Report
	if !r.Scan.Started.IsZero() {
		gauge(scanStart, float64(r.Scan.Started.UnixMilli())/1000)
		gauge(scanEnd, float64(r.Scan.Finished.UnixMilli())/1000)
		gauge(scanDuration, r.Scan.Finished.Sub(r.Scan.Started).Seconds())
	}
	renderAssets(s, gauge)
	renderCollectors(r.Scan.CollectorRuns, gauge)
	if s.Scopes != nil {
		renderScopes(r.Scan.CollectorRuns, s.Scopes, gauge)
	}
	if r.Assessment != nil {
		renderAssessment(r.Assessment, s.Targets, gauge)
	}
	return out
}

type gaugeFunc func(d *prometheus.Desc, v float64, labels ...string)

func renderAssets(s *Snapshot, gauge gaugeFunc) {
	type key struct{ provider, dt, kind string }
	counts := map[key]int{}
	type akey struct{ provider, dt, kind string }
	unownedN, shadowN := map[akey]int{}, map[akey]int{}
	type kkey struct{ provider, age string }
	keys := map[kkey]int{}
	maxAge := map[string]int64{}
	for _, a := range s.Report.Assets {
		p, dt, k := provider(s.Providers, a.Provider), deploymentType(a.DeploymentType), kind(a.Kind)
		counts[key{p, dt, k}]++
		ak := akey{p, dt, k}
		if slices.Contains(model.RegistrableKinds, a.Kind) {
			unownedN[ak] += 0
			if !hasOwner(a) {
				unownedN[ak]++
			}
			if s.RegistryLoaded {
				shadowN[ak] += 0
				if f, ok := a.Fact("registry.registered"); !ok || f.Value != true {
					shadowN[ak]++
				}
			}
		}
		if a.Kind == model.KindAPIKey {
			kp := p
			if f, ok := a.Fact("key.provider"); ok {
				if v, ok := f.Value.(string); ok {
					kp = provider(s.Providers, v)
				}
			}
			age, known := int64(0), false
			if f, ok := a.Fact("key.age_days"); ok {
				age, known = f.Value.(int64)
			}
			keys[kkey{kp, ageBucket(age, known)}]++
			if known && age >= maxAge[kp] {
				maxAge[kp] = age
			}
		}
	}
	for k, n := range counts {
		gauge(assets, float64(n), k.provider, k.dt, k.kind)
	}
	for k, n := range unownedN {
		gauge(unowned, float64(n), k.provider, k.dt, k.kind)
	}
	for k, n := range shadowN {
		gauge(shadow, float64(n), k.provider, k.dt, k.kind)
	}
	for k, n := range keys {
		gauge(apiKeys, float64(n), k.provider, k.age)
	}
	for p, age := range maxAge {
		gauge(apiKeyMaxAge, float64(age)*86400, p)
	}
}

func hasOwner(a model.Asset) bool {
	return a.Owner != "" || a.Tags["owner"] != "" || a.Tags["team"] != ""
}

func ageBucket(days int64, known bool) string {
	switch {
	case !known:
		return "unknown"
	case days < 90:
		return "under_90d"
	case days < 365:
		return "90d_to_1y"
	}
	return "over_1y"
}

// renderCollectors gives each collector a fixed set of series, whatever
// the number of its scopes.
func renderCollectors(runs []model.CollectorRun, gauge gaugeFunc) {
	type agg struct {
		status        map[model.Status]int
		class         map[model.ErrorClass]int
		calls, assets int64
		start, end    int64 // Unix nanoseconds
		files         map[string]int64
		fileTree      bool
	}
	byCol := map[string]*agg{}
	var order []string
	for _, r := range runs {
		a := byCol[r.Collector]
		if a == nil {
			a = &agg{status: map[model.Status]int{}, class: map[model.ErrorClass]int{}, files: map[string]int64{}}
			byCol[r.Collector] = a
			order = append(order, r.Collector)
		}
		a.status[r.Status]++
		if r.Status == model.StatusFailed || r.Status == model.StatusPartial {
			a.class[r.ErrorClass]++
		}
		a.calls += r.APICalls
		a.assets += int64(r.Assets)
		if !r.Started.IsZero() {
			start := r.Started.UnixNano()
			end := start + int64(r.Duration)
			if a.start == 0 || start < a.start {
				a.start = start
			}
			a.end = max(a.end, end)
		}
		if _, files := r.Stats["files_scanned"]; files {
			a.fileTree = true
			for _, fo := range fileOutcomes {
				a.files[fo.outcome] += r.Stats[fo.stat]
			}
		}
	}
	slices.Sort(order)
	for _, col := range order {
		a := byCol[col]
		ran := a.status[model.StatusOK]+a.status[model.StatusPartial] > 0
		gauge(colSuccess, boolf(ran && a.status[model.StatusFailed] == 0), col)
		for _, st := range model.Statuses {
			gauge(colScopes, float64(a.status[st]), col, string(st))
		}
		for _, c := range model.ErrorClasses {
			gauge(colErrors, float64(a.class[c]), col, string(c))
		}
		gauge(colDuration, float64(a.end-a.start)/1e9, col)
		gauge(colCalls, float64(a.calls), col)
		gauge(colAssets, float64(a.assets), col)
		if a.fileTree {
			for _, fo := range fileOutcomes {
				gauge(colFiles, float64(a.files[fo.outcome]), col, fo.outcome)
			}
		}
	}
}

// renderScopes gives the scopes the filter selects their own series.
func renderScopes(runs []model.CollectorRun, keep func(collector, scope string) bool, gauge gaugeFunc) {
	for _, r := range runs {
		col, scope := r.Collector, r.Scope.ID
		if !keep(col, scope) {
			continue
		}
		ok := 0.0
		if r.Status == model.StatusOK || r.Status == model.StatusPartial {
			ok = 1
		}
		gauge(scopeSuccess, ok, col, scope)
		gauge(scopeDuration, seconds(r.Duration), col, scope)
		gauge(scopeCalls, float64(r.APICalls), col, scope)
		gauge(scopeAssets, float64(r.Assets), col, scope)
		for _, st := range model.Statuses {
			gauge(scopeStatus, boolf(r.Status == st), col, scope, string(st))
		}
		class := r.ErrorClass
		if r.Status == model.StatusSkipped {
			class = model.ErrNone // skipped is a decision, not an error
		}
		gauge(scopeErrorClass, boolf(class == model.ErrNone), col, scope, "none")
		for _, c := range model.ErrorClasses {
			gauge(scopeErrorClass, boolf(class == c), col, scope, string(c))
		}
		if _, files := r.Stats["files_scanned"]; files { // a file-tree scope: every outcome, zeros too
			for _, fo := range fileOutcomes {
				gauge(scopeFiles, float64(r.Stats[fo.stat]), col, scope, fo.outcome)
			}
		}
	}
}

func renderAssessment(a *model.Assessment, targets map[string]model.Level, gauge gaugeFunc) {
	type dom struct {
		level     model.Level
		potential model.Level
		assessed  bool
		coverage  float64
		n         int
	}
	doms := map[string]*dom{}
	var order []string
	results := []model.Result{model.Pass, model.Fail, model.Unknown, model.NotApplicable}
	for _, c := range a.Categories {
		gauge(catLevel, float64(c.Level), c.ID, c.Domain)
		gauge(catPotential, float64(c.PotentialLevel), c.ID, c.Domain)
		gauge(catCoverage, c.Coverage, c.ID, c.Domain)
		if t, ok := targets[c.ID]; ok {
			gauge(catTarget, float64(t), c.ID, c.Domain)
		}
		d := doms[c.Domain]
		if d == nil {
			d = &dom{}
			doms[c.Domain] = d
			order = append(order, c.Domain)
		}
		d.n++
		d.coverage += c.Coverage
		if c.Level > 0 {
			if !d.assessed || c.Level < d.level {
				d.level = c.Level
			}
			if !d.assessed || c.PotentialLevel < d.potential {
				d.potential = c.PotentialLevel
			}
			d.assessed = true
		}
		for _, cr := range c.Controls {
			for _, res := range results {
				gauge(controlResult, boolf(cr.Result == res), cr.ID, c.ID, strconv.Itoa(int(cr.Level)), string(res))
			}
		}
	}
	for _, name := range order {
		d := doms[name]
		gauge(domLevel, float64(d.level), name)
		gauge(domPotential, float64(d.potential), name)
		gauge(domCoverage, d.coverage/float64(d.n), name)
	}
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func seconds(d model.Duration) float64 { return float64(d) / 1e9 }

// provider is p when it is one of the known providers, else "other".
func provider(known []string, p string) string {
	if slices.Contains(known, p) {
		return p
	}
	return "other"
}

func deploymentType(d model.DeploymentType) string {
	if d.Valid() {
		return string(d)
	}
	return "other"
}

func kind(k model.Kind) string {
	if slices.Contains(model.Kinds, k) {
		return string(k)
	}
	return "other"
}
