package output

import (
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/aisight/aisight/model"
)

var (
	//go:embed html/report.html.tmpl
	htmlTemplate string
	//go:embed html/report.css
	htmlCSS string
	//go:embed html/report.js
	htmlJS string

	reportTmpl = template.Must(template.New("report").Parse(htmlTemplate))
)

// HTML writes a self-contained report for a security leader: maturity per
// category against the targets, next steps, assets by deployment type and
// provider, shadow assets, every control with its evidence, a filterable
// and sortable asset table and the collector runs. It loads nothing: its
// style and script are inline and allowed by hash in a Content-Security-
// Policy that forbids every other source, and html/template escapes every
// name, tag and path.
func HTML(w io.Writer, r model.Report, o Options) error {
	return reportTmpl.Execute(w, htmlData(r, o))
}

func cspHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}

type htmlCategory struct {
	ID, Name, Coverage, Counts string
	Level, Potential, Target   int
	HasTarget, Short, Open     bool
	Controls                   []htmlControl
}

type htmlControl struct {
	ID, Title, Reason string
	Result            model.Result
	Level             int
	Evidence          []string
}

// htmlPageSize is how many asset rows a page of the asset table shows (the
// rest are in the page, hidden, so filters and sorting see every asset).
const htmlPageSize = 100

type htmlAsset struct {
	Kind, Name, Provider, DeploymentType, Owner, Where, ID, Tags string
	State                                                        string // IaC drift rows: live-but-undeclared or declared-but-not-live
}

type htmlRun struct {
	Collector, Scope, Status, Class, Detail string
	Assets                                  int
}

type chartRow struct {
	ID, Label, Coverage         string
	Level, Potential, Target    int
	Y, H, TextY, LevelW, PotW   int
	HasTarget                   bool
	TargetX, TargetY1, TargetY2 int
}

type chart struct {
	Width, Height, Left, Bottom int
	Grid                        []struct{ X, Level int }
	Rows                        []chartRow
}

func htmlData(r model.Report, o Options) map[string]any {
	d := map[string]any{
		"CSP":       template.HTMLAttr(""),
		"Generated": r.Scan.Started.UTC().Format(time.RFC3339),
		"Tool":      o.toolVersion(),
		"Schema":    r.SchemaVersion,
		"CSS":       template.CSS(htmlCSS),
		"JS":        template.JS(htmlJS),
	}
	d["CSP"] = "default-src 'none'; style-src " + cspHash(htmlCSS) + "; script-src " + cspHash(htmlJS) + "; img-src data:; base-uri 'none'; form-action 'none'"

	var cats []htmlCategory
	failing := 0
	type step struct {
		Category, Control, Title, Remediation, Why string
		Level                                      int
		Failing                                    bool
		Where                                      []string
	}
	var steps []step
	if a := r.Assessment; a != nil {
		d["Catalog"] = a.CatalogVersion
		for _, c := range a.Categories {
			hc := htmlCategory{ID: c.ID, Name: c.Name, Level: int(c.Level), Potential: int(c.PotentialLevel),
				Coverage: fmt.Sprintf("%.0f%%", c.Coverage*100)}
			if t, ok := o.Targets[c.ID]; ok {
				hc.HasTarget, hc.Target, hc.Short = true, int(t), c.Level < t
			}
			counts := map[model.Result]int{}
			for _, ctl := range c.Controls {
				counts[ctl.Result]++
				if ctl.Result == model.Fail {
					failing++
					hc.Open = true
				}
				hctl := htmlControl{ID: ctl.ID, Title: ctl.Title, Reason: ctl.Reason, Result: ctl.Result, Level: int(ctl.Level)}
				for i, e := range ctl.Evidence {
					if i == 5 {
						hctl.Evidence = append(hctl.Evidence, fmt.Sprintf("… and %d more", len(ctl.Evidence)-5))
						break
					}
					hctl.Evidence = append(hctl.Evidence, e.Subject+": "+e.Key+" = "+valueString(e.Value))
				}
				hc.Controls = append(hc.Controls, hctl)
			}
			hc.Counts = fmt.Sprintf("%d pass, %d fail, %d unknown, %d n/a", counts[model.Pass], counts[model.Fail], counts[model.Unknown], counts[model.NotApplicable])
			cats = append(cats, hc)
		}
		// The same steps in the same order as the terminal: failing first.
		where := Locator(r.Assets)
		for _, s := range NextSteps(a) {
			hs := step{Category: s.Category, Control: s.Control, Title: s.Title, Remediation: s.Remediation, Level: int(s.Level),
				Why: s.Why(), Failing: s.Failing()}
			at, more := s.Where(where)
			hs.Where = at
			if more > 0 {
				hs.Where = append(hs.Where, fmt.Sprintf("… %d more (aisight controls explain %s --report REPORT.json)", more, s.Control))
			}
			steps = append(steps, hs)
		}
	}
	if len(steps) > 12 {
		steps = steps[:12]
	}
	d["Categories"], d["NextSteps"], d["Failing"] = cats, steps, failing
	d["HasTargets"] = len(o.Targets) > 0
	d["Chart"] = maturityChart(cats)

	// Assets, counts by provider and deployment type, shadow assets.
	var assets []htmlAsset
	var shadow []htmlAsset
	kinds, providers := map[string]bool{}, map[string]bool{}
	byProvider := map[string]map[model.DeploymentType]int{}
	registryKnown := false
	for i := range r.Assets {
		a := &r.Assets[i]
		var tags []string
		for _, k := range sortedKeys(a.Tags) {
			tags = append(tags, k+"="+a.Tags[k])
		}
		ha := htmlAsset{Kind: string(a.Kind), Name: a.Name, Provider: a.Provider, DeploymentType: string(a.DeploymentType),
			Owner: a.Owner, Where: firstNonEmpty(location(a), a.Region, a.Scope), ID: a.ID, Tags: strings.Join(tags, " ")}
		assets = append(assets, ha)
		kinds[ha.Kind], providers[ha.Provider] = true, true
		if byProvider[a.Provider] == nil {
			byProvider[a.Provider] = map[model.DeploymentType]int{}
		}
		byProvider[a.Provider][a.DeploymentType]++
		if reg, ok := factBool(a, "registry.registered"); ok {
			registryKnown = true
			if !reg {
				shadow = append(shadow, ha)
			}
		}
	}
	type provRow struct {
		Provider string
		Counts   []int
		Total    int
	}
	var rows []provRow
	for _, p := range sortedKeys(byProvider) {
		row := provRow{Provider: p}
		for _, dt := range model.DeploymentTypes {
			row.Counts = append(row.Counts, byProvider[p][dt])
			row.Total += byProvider[p][dt]
		}
		rows = append(rows, row)
	}
	d["Assets"], d["AssetCount"], d["Shadow"], d["ByProvider"] = assets, len(assets), shadow, rows
	// Columns nobody fills are left out (an estate without owner tags has
	// no Owner column taking the width the ids need).
	hasOwner := false
	for _, a := range assets {
		hasOwner = hasOwner || a.Owner != ""
	}
	d["HasOwner"], d["PageSize"] = hasOwner, htmlPageSize
	notInCode, notLive := iacDrift(r.Assets)
	var drift []htmlAsset
	for _, a := range notInCode {
		drift = append(drift, htmlAsset{Kind: string(a.Kind), Name: a.Name, Provider: a.Provider, Where: firstNonEmpty(a.Region, a.Scope), ID: a.ID,
			State: "live, declared in no scanned code"})
	}
	for _, a := range notLive {
		drift = append(drift, htmlAsset{Kind: string(a.Kind), Name: a.Name, Provider: factString(a, "iac.cloud"), Where: location(a), ID: a.ID,
			State: "declared, not live"})
	}
	d["IaCDrift"] = drift
	d["DeploymentTypes"] = model.DeploymentTypes
	d["Kinds"], d["Providers"] = sortedKeys(kinds), sortedKeys(providers)
	d["ShadowKnown"] = registryKnown
	if registryKnown {
		d["ShadowNote"] = "Every asset is in the registry."
	} else {
		d["ShadowNote"] = "No registry was given (--registry): which assets are shadow AI is unknown."
	}

	var runs []htmlRun
	failed := 0
	for _, run := range r.Scan.CollectorRuns {
		hr := htmlRun{Collector: run.Collector, Scope: run.Scope.ID, Status: string(run.Status), Class: string(run.ErrorClass),
			Assets: run.Assets, Detail: firstNonEmpty(run.Error, run.Reason)}
		if run.Status == model.StatusFailed || run.Status == model.StatusPartial {
			failed++
		}
		runs = append(runs, hr)
	}
	d["Runs"], d["FailedRuns"] = runs, failed
	return d
}

// maturityChart lays out the level, potential and target bars per category.
func maturityChart(cats []htmlCategory) chart {
	const left, unit, rowH, barH, top = 300, 70, 26, 16, 4
	c := chart{Left: left, Width: left + 5*unit + 20}
	for i, cat := range cats {
		y := top + i*rowH
		label := cat.ID + " " + cat.Name
		if r := []rune(label); len(r) > 40 {
			label = string(r[:39]) + "…"
		}
		row := chartRow{ID: cat.ID, Label: label, Coverage: cat.Coverage, Level: cat.Level, Potential: cat.Potential,
			Y: y, H: barH, TextY: y + barH - 3, LevelW: cat.Level * unit, PotW: cat.Potential * unit, HasTarget: cat.HasTarget, Target: cat.Target}
		if cat.HasTarget {
			row.TargetX, row.TargetY1, row.TargetY2 = left+cat.Target*unit, y-2, y+barH+2
		}
		c.Rows = append(c.Rows, row)
	}
	c.Bottom = top + len(cats)*rowH
	c.Height = c.Bottom + 16
	for l := 0; l <= 5; l++ {
		c.Grid = append(c.Grid, struct{ X, Level int }{left + l*unit, l})
	}
	return c
}
