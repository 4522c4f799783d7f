// Package dashboard builds aisight's Grafana dashboard as code with the
// Grafana Foundation SDK. `make generate` writes it to
// deploy/grafana/aisight-dashboard.json; a test fails when the committed JSON
// is stale, and the metrics end-to-end test evaluates every query in it
// against a real Prometheus.
package dashboard

//lint:file-ignore SA1019 the classic (v1) dashboard JSON imports into every Grafana from 9 on; the v2 schema needs Grafana 12.

import (
	"encoding/json"

	"github.com/grafana/grafana-foundation-sdk/go/bargauge"
	"github.com/grafana/grafana-foundation-sdk/go/cog"
	"github.com/grafana/grafana-foundation-sdk/go/common"
	"github.com/grafana/grafana-foundation-sdk/go/dashboard"
	"github.com/grafana/grafana-foundation-sdk/go/prometheus"
	"github.com/grafana/grafana-foundation-sdk/go/stat"
	"github.com/grafana/grafana-foundation-sdk/go/table"
	"github.com/grafana/grafana-foundation-sdk/go/timeseries"
)

// UID is the dashboard's stable identifier.
const UID = "aisight-maturity"

func ds() common.DataSourceRef {
	return common.DataSourceRef{Type: cog.ToPtr("prometheus"), Uid: cog.ToPtr("${datasource}")}
}

func query(expr, legend string) *prometheus.DataqueryBuilder {
	return prometheus.NewDataqueryBuilder().Expr(expr).LegendFormat(legend)
}

func series(title, desc, unit string, h, w uint32, queries ...*prometheus.DataqueryBuilder) *timeseries.PanelBuilder {
	p := timeseries.NewPanelBuilder().Title(title).Description(desc).Datasource(ds()).Height(h).Span(w).
		Legend(common.NewVizLegendOptionsBuilder().ShowLegend(true).DisplayMode(common.LegendDisplayModeList).Placement(common.LegendPlacementBottom)).
		Tooltip(common.NewVizTooltipOptionsBuilder().Mode(common.TooltipDisplayModeMulti).Sort(common.SortOrderDescending))
	if unit != "" {
		p.Unit(unit)
	}
	for _, q := range queries {
		p.WithTarget(q)
	}
	return p
}

func bigValue(title, desc, unit string, h, w uint32, q *prometheus.DataqueryBuilder) *stat.PanelBuilder {
	p := stat.NewPanelBuilder().Title(title).Description(desc).Datasource(ds()).Height(h).Span(w).WithTarget(q.Instant())
	if unit != "" {
		p.Unit(unit)
	}
	return p
}

// Build returns the dashboard.
func Build() (dashboard.Dashboard, error) {
	b := dashboard.NewDashboardBuilder("aisight: AI security maturity").
		Uid(UID).
		Description("AI assets and AISMM maturity from aisight scans (github.com/aisight/aisight). Metrics: docs/metrics.md.").
		Tags([]string{"aisight", "ai-security", "aismm"}).
		Refresh("5m").
		Time("now-30d", "now").
		Timezone(common.TimeZoneBrowser).
		WithVariable(dashboard.NewDatasourceVariableBuilder("datasource").Label("Prometheus").Type("prometheus")).
		WithRow(dashboard.NewRowBuilder("Maturity")).
		WithPanel(series("Maturity level per category", "AISMM level (0 not assessed, 1-5) of each category over time.", "", 9, 12,
			query(`max by (category) (aisight_category_maturity_level)`, "{{category}}")).Min(0).Max(5)).
		WithPanel(bargauge.NewPanelBuilder().Title("Current level vs target").
			Description("Each category's level, the level it would have if every unknown control passed, and the target (--target/--fail-under).").
			Datasource(ds()).Height(9).Span(12).Min(0).Max(5).
			WithTarget(query(`max by (category) (aisight_category_maturity_level)`, "{{category}} level").Instant()).
			WithTarget(query(`max by (category) (aisight_category_potential_level)`, "{{category}} potential").Instant()).
			WithTarget(query(`max by (category) (aisight_category_target_level)`, "{{category}} target").Instant())).
		WithPanel(series("Coverage per category", "Share of applicable controls with a definite result: low coverage means the level rests on little evidence.", "percentunit", 8, 12,
			query(`max by (category) (aisight_category_coverage_ratio)`, "{{category}}")).Min(0).Max(1)).
		WithPanel(bigValue("Domain levels", "Lowest level among each domain's assessed categories.", "", 8, 6,
			query(`max by (domain) (aisight_domain_maturity_level)`, "{{domain}}"))).
		WithPanel(table.NewPanelBuilder().Title("Failing and unknown controls").
			Description("Controls that fail, and controls whose evidence could not be gathered (unknown is never pass).").
			Datasource(ds()).Height(8).Span(6).
			WithTarget(query(`sum by (category, result) (aisight_control_result{result=~"fail|unknown"})`, "{{category}} {{result}}").Instant())).
		WithRow(dashboard.NewRowBuilder("Inventory")).
		WithPanel(series("AI assets by deployment type", "Self-hosted, PaaS and API/SaaS assets found.", "", 8, 8,
			query(`sum by (deployment_type) (aisight_assets)`, "{{deployment_type}}"))).
		WithPanel(series("AI assets by provider", "Assets per provider (aws, gcp, azure, kubernetes, source, openai, ...).", "", 8, 8,
			query(`sum by (provider) (aisight_assets)`, "{{provider}}"))).
		WithPanel(series("Shadow and unowned AI assets", "Shadow: not in the declared registry (--registry). Unowned: no owner label or tag.", "", 8, 8,
			query(`sum(aisight_shadow_assets)`, "shadow (unregistered)"),
			query(`sum(aisight_unowned_assets)`, "unowned"))).
		WithPanel(bigValue("AI provider keys by age", "Keys found, by age; unknown where the source cannot tell (keys in code).", "", 6, 12,
			query(`sum by (age) (aisight_api_keys)`, "{{age}}"))).
		WithPanel(bigValue("Assets found in the last scan", "All AI assets of the last scan.", "", 6, 12,
			query(`sum(aisight_assets)`, "assets"))).
		WithRow(dashboard.NewRowBuilder("Collector health")).
		WithPanel(table.NewPanelBuilder().Title("Collector scopes by status").
			Description("Scopes of each collector by the status of their last run (ok, partial, failed, skipped); --metrics-scopes or the JSON report names them.").
			Datasource(ds()).Height(8).Span(12).
			WithTarget(query(`sum by (collector, status) (aisight_collector_scopes > 0)`, "{{collector}} {{status}}").Instant())).
		WithPanel(series("Collector duration", "Wall seconds per collector.", "s", 8, 6,
			query(`max by (collector) (aisight_collector_duration_seconds)`, "{{collector}}"))).
		WithPanel(series("Collector API calls", "API requests per collector in the last scan.", "", 8, 6,
			query(`sum by (collector) (aisight_collector_api_calls)`, "{{collector}}"))).
		WithPanel(bigValue("Time since the last scan", "A CronJob that stopped running shows here first.", "s", 6, 12,
			query(`time() - max(aisight_scan_end_timestamp_seconds)`, "since last scan"))).
		WithPanel(bigValue("Scan duration", "Wall time of the last scan.", "s", 6, 12,
			query(`max(aisight_scan_duration_seconds)`, "duration")))
	d, err := b.Build()
	if err != nil {
		return d, err
	}
	// Stable, unique panel ids (Grafana links and alerts refer to them).
	for i := range d.Panels {
		id := uint32(i + 1)
		if p := d.Panels[i].Panel; p != nil {
			p.Id = &id
		}
		if r := d.Panels[i].RowPanel; r != nil {
			r.Id = id
		}
	}
	return d, nil
}

// JSON is the dashboard as Grafana imports it, indented, with a final newline.
func JSON() ([]byte, error) {
	d, err := Build()
	if err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
