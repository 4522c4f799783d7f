package main

import (
	"fmt"
	"testing"

	"github.com/aisight/aisight/internal/metrics"
	"github.com/aisight/aisight/internal/pipeline"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

var updateDocs = goldentest.Flag()

// grow copies the cloud and SaaS scopes of r, with their assets, until it
// has scopes scopes: the shape of the scale benchmark's estate (4,243
// scopes), whose metrics must not grow with it.
func grow(r model.Report, scopes int) model.Report {
	out := r
	out.Scan.CollectorRuns = append([]model.CollectorRun{}, r.Scan.CollectorRuns...)
	out.Assets = append([]model.Asset{}, r.Assets...)
	var cloud []model.CollectorRun
	for _, run := range r.Scan.CollectorRuns {
		if run.Collector != "source" {
			cloud = append(cloud, run)
		}
	}
	byScope := map[string][]model.Asset{}
	for _, a := range r.Assets {
		byScope[a.Scope] = append(byScope[a.Scope], a)
	}
	for i := 0; len(out.Scan.CollectorRuns) < scopes; i++ {
		run := cloud[i%len(cloud)]
		suffix := fmt.Sprintf("-copy%d", i/len(cloud))
		id := run.Scope.ID
		run.Scope.ID += suffix
		out.Scan.CollectorRuns = append(out.Scan.CollectorRuns, run)
		for _, a := range byScope[id] {
			a.ID += suffix
			a.Scope = run.Scope.ID
			out.Assets = append(out.Assets, a)
		}
	}
	return out
}

// The number of metric series per scenario, by default and with every
// scope's own series: docs/metrics.md states it (generated), and the
// default does not grow with the number of scopes.
func TestMetricSeriesPerScenario(t *testing.T) {
	demo := demoRuns(t, false)
	big := grow(demo, 4243)
	count := func(r model.Report, all bool) int {
		cfg := pipeline.Config{Specs: collectorSpecs()}
		if all {
			cfg.MetricsScopes, _ = metrics.ScopeSelector(".*", "")
		}
		p, err := pipeline.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		return len(metrics.Render(p.Snapshot(r))) + 1 // and build info
	}
	demoDefault, demoAll := count(demo, false), count(demo, true)
	bigDefault, bigAll := count(big, false), count(big, true)
	if bigDefault != demoDefault {
		t.Errorf("default series grew with the scopes: %d for %d scopes, %d for %d", demoDefault, len(demo.Scan.CollectorRuns), bigDefault, len(big.Scan.CollectorRuns))
	}
	if bigDefault > 2000 {
		t.Errorf("%d series by default for the 4,243-scope estate; the bound is 2,000", bigDefault)
	}
	if bigAll < bigDefault+16*4243 { // 17 series a scope, 11 more for a file tree
		t.Errorf("--metrics-scopes '.*' gave %d series for 4,243 scopes: per-scope series missing", bigAll)
	}
	table := fmt.Sprintf(`
| scenario | scopes | assets | series by default | with --metrics-scopes '.*' |
|---|---|---|---|---|
| the demo (aisight demo) | %d | %d | %d | %d |
| the scale benchmark's estate (grown from the demo) | %d | %d | %d | %d |
`, len(demo.Scan.CollectorRuns), len(demo.Assets), demoDefault, demoAll, len(big.Scan.CollectorRuns), len(big.Assets), bigDefault, bigAll)
	goldentest.Section(t, "../../docs/metrics.md", "<!-- series table: generated -->", "<!-- end series table -->", table, updateDocs)
}
