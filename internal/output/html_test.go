package output

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/aisight/aisight/internal/testenv/benchtest"
	"github.com/aisight/aisight/internal/testenv/e2etest"
	"github.com/aisight/aisight/model"
)

var (
	screenshot      = flag.String("screenshot", "", "write a screenshot of the HTML report to this PNG file (docs/images/html-report.png)")
	screenshotScale = flag.String("screenshot-scale", "", "write a screenshot of the 30,000-asset HTML report's asset table to this PNG file (docs/images/html-report-30k.png)")
)

const xss = `<img src=x onerror=alert(1)>`

// browser starts headless Chromium (e2etest.Browser).
func browser(t testing.TB) context.Context { return e2etest.Browser(t) }

// The HTML report in a real headless browser: it loads nothing but
// itself, logs no error, renders a hostile tag as text, and its asset table
// filters and sorts.
func TestHTMLReportInChromium(t *testing.T) {
	r := estateReport(t, "shadow-ai")
	// A hostile name, tag and path from a scanned tree.
	r.Assets = append(r.Assets, model.Asset{ID: "file://app/evil.py#" + xss, Provider: "source", Kind: model.KindModel, DeploymentType: model.SelfHosted,
		Name: `<script>alert(2)</script>`, Tags: map[string]string{"team": xss}, Location: &model.Location{Path: `"><svg onload=alert(3)>.py`, Line: 1}})
	dir := t.TempDir()
	file := filepath.Join(dir, "report.html")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := HTML(f, r, Options{ToolVersion: "test", Targets: map[string]model.Level{"ORG": 3, "IAM": 3, "DEV": 2}}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	ctx := browser(t)

	var mu sync.Mutex
	var problems, requests []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeWarning {
				problems = append(problems, fmt.Sprintf("console %s: %v", e.Type, e.Args))
			}
		case *runtime.EventExceptionThrown:
			problems = append(problems, "exception: "+e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.LevelError || e.Entry.Level == log.LevelWarning {
				problems = append(problems, "log: "+e.Entry.Text)
			}
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *page.EventJavascriptDialogOpening:
			problems = append(problems, "a dialog opened: "+e.Message)
			go chromedp.Run(ctx, page.HandleJavaScriptDialog(false))
		}
	})
	var imgs, svgsInTable int
	var canaryShown, nameShown bool
	var total, models, oneID, allRows int
	var sortedAsc, sortedDesc bool
	kindModels := 0
	for _, a := range r.Assets {
		if a.Kind == model.KindModel {
			kindModels++
		}
	}
	count := `document.getElementById('shown').textContent * 1`
	sorted := `(() => { const v = Array.from(document.querySelectorAll('#assets tbody tr')).map(r => r.cells[1].textContent);
		for (let i = 1; i < v.length; i++) { const c = v[i-1].localeCompare(v[i], undefined, {numeric: true, sensitivity: 'base'}); if (%s) return false; } return true; })()`
	err = chromedp.Run(ctx,
		log.Enable(), network.Enable(), runtime.Enable(),
		chromedp.Navigate("file://"+file),
		chromedp.WaitVisible("#assets", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll('img').length`, &imgs),
		chromedp.Evaluate(`document.querySelectorAll('#assets svg').length`, &svgsInTable),
		chromedp.Evaluate(`document.body.innerText.includes(`+jsString(xss)+`)`, &canaryShown),
		chromedp.Evaluate(`document.body.innerText.includes('<script>alert(2)</script>')`, &nameShown),
		chromedp.Evaluate(count, &total),
		chromedp.Evaluate(choose("filter-kind", "model", "change"), nil),
		chromedp.Evaluate(count, &models),
		chromedp.Evaluate(choose("filter-kind", "", "change"), nil),
		chromedp.SendKeys("#filter-text", "sales-bot", chromedp.ByID),
		chromedp.Evaluate(count, &oneID),
		chromedp.Evaluate(choose("filter-text", "", "input"), nil),
		chromedp.Evaluate(count, &allRows),
		chromedp.Click(`#assets thead th:nth-child(2)`, chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(sorted, "c > 0"), &sortedAsc),
		chromedp.Click(`#assets thead th:nth-child(2)`, chromedp.ByQuery),
		chromedp.Evaluate(fmt.Sprintf(sorted, "c < 0"), &sortedDesc),
	)
	if err != nil {
		t.Fatal(err)
	}
	if *screenshot != "" { // the README's picture: the top of the well-run estate's report
		shot := filepath.Join(dir, "well-run.html")
		f, err := os.Create(shot)
		if err != nil {
			t.Fatal(err)
		}
		if err := HTML(f, estateReport(t, "well-run"), Options{ToolVersion: "dev", Targets: map[string]model.Level{"ORG": 4, "IAM": 4, "MON": 3, "DEV": 4}}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		var png []byte
		if err := chromedp.Run(ctx, chromedp.Navigate("file://"+shot), chromedp.WaitVisible("#assets", chromedp.ByID), chromedp.CaptureScreenshot(&png)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshot, png, 0o644); err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		requests = nil
		mu.Unlock()
	}
	time.Sleep(200 * time.Millisecond) // late console events
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the page logged problems: %q", problems)
	}
	for _, u := range requests {
		if u != "file://"+file {
			t.Errorf("the page requested %s", u)
		}
	}
	if imgs != 0 || svgsInTable != 0 || !canaryShown || !nameShown {
		t.Errorf("hostile text was not rendered as text: %d img, %d svg in the table, canary shown %v, name shown %v", imgs, svgsInTable, canaryShown, nameShown)
	}
	if total != len(r.Assets) || models != kindModels || oneID != 1 || allRows != total {
		t.Errorf("filtering: %d rows of %d assets; kind=model shows %d of %d; 'sales-bot' shows %d; cleared shows %d", total, len(r.Assets), models, kindModels, oneID, allRows)
	}
	if !sortedAsc || !sortedDesc {
		t.Errorf("sorting by name: ascending %v, descending %v", sortedAsc, sortedDesc)
	}
}

// choose sets a form control's value and fires the event a person's
// change would.
func choose(id, value, event string) string {
	return `(() => { const el = document.getElementById(` + jsString(id) + `); el.value = ` + jsString(value) +
		`; el.dispatchEvent(new Event(` + jsString(event) + `)); return el.value; })()`
}

func jsString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// scaleReport is a report of n assets: the well-run estate's assets (every
// kind, provider and deployment type it has) copied under new ids and names
// until there are n, as a 30,000-asset estate scan gives.
func scaleReport(t testing.TB, n int) model.Report {
	t.Helper()
	r := estateReport(t, "well-run")
	base := r.Assets
	r.Assets = make([]model.Asset, 0, n)
	for i := 0; len(r.Assets) < n; i++ {
		for _, a := range base {
			if len(r.Assets) == n {
				break
			}
			c := a
			c.ID = fmt.Sprintf("%s-copy-%05d", a.ID, i)
			c.Name = fmt.Sprintf("%s-%05d", a.Name, i)
			r.Assets = append(r.Assets, c)
		}
	}
	return r
}

// The asset table of a 30,000-asset report in headless Chromium at 1,400
// pixels: one page of 100 rows shown, paging, filtering across every page,
// grouping with a header per group, and an ID column wide enough not to
// wrap into a column of characters. (How long the page takes to load is
// measured by BenchmarkHTMLReportLoad, not here.)
func TestHTMLReportAtScaleInChromium(t *testing.T) {
	const n = 30000
	r := scaleReport(t, n)
	file := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := HTML(f, r, Options{ToolVersion: "test"}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	awsCount := 0
	for _, a := range r.Assets {
		if a.Provider == "aws" {
			awsCount++
		}
	}
	ctx := browser(t)
	visible := `Array.from(document.querySelectorAll('#assets tbody tr:not(.group)')).filter(r => !r.classList.contains('hidden')).length`
	firstName := `Array.from(document.querySelectorAll('#assets tbody tr:not(.group)')).find(r => !r.classList.contains('hidden')).cells[1].textContent`
	var rows1, rows2, rowsAWS, groups, idWidth int
	var info1, info2, name1, name2, shownAWS string
	var groupsProviderOnly bool
	err = chromedp.Run(ctx,
		chromedp.EmulateViewport(1400, 900),
		chromedp.Navigate("file://"+file),
		chromedp.WaitVisible("#assets", chromedp.ByID),
		chromedp.Evaluate(visible, &rows1),
		chromedp.Evaluate(`document.getElementById('page-info').textContent`, &info1),
		chromedp.Evaluate(firstName, &name1),
		chromedp.Evaluate(`Math.round(document.querySelector('#assets tbody tr:not(.hidden):not(.group) td.id').getBoundingClientRect().width)`, &idWidth),
		chromedp.Click("#page-next", chromedp.ByID),
		chromedp.Evaluate(visible, &rows2),
		chromedp.Evaluate(`document.getElementById('page-info').textContent`, &info2),
		chromedp.Evaluate(firstName, &name2),
		chromedp.Evaluate(choose("filter-provider", "aws", "change"), nil),
		chromedp.Evaluate(`document.getElementById('shown').textContent`, &shownAWS),
		chromedp.Evaluate(visible, &rowsAWS),
		chromedp.Evaluate(choose("filter-provider", "", "change"), nil),
		chromedp.Evaluate(choose("group-by", "provider", "change"), nil),
		chromedp.Evaluate(`document.querySelectorAll('#assets tbody tr.group').length`, &groups),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#assets tbody tr.group')).every(g => / · \d+$/.test(g.textContent))`, &groupsProviderOnly),
	)
	if err != nil {
		t.Fatal(err)
	}
	if rows1 != htmlPageSize || !strings.Contains(info1, "page 1 of 300") {
		t.Errorf("first page: %d rows shown, %q; want %d and page 1 of 300", rows1, info1, htmlPageSize)
	}
	if rows2 != htmlPageSize || !strings.Contains(info2, "page 2 of 300") || name2 == name1 {
		t.Errorf("next page: %d rows, %q, first row %q (was %q)", rows2, info2, name2, name1)
	}
	if shownAWS != fmt.Sprint(awsCount) || rowsAWS != min(awsCount, htmlPageSize) {
		t.Errorf("provider aws: %s match, %d shown; want %d and %d", shownAWS, rowsAWS, awsCount, min(awsCount, htmlPageSize))
	}
	if groups == 0 || !groupsProviderOnly {
		t.Errorf("group by provider: %d group rows (labels with counts %v)", groups, groupsProviderOnly)
	}
	if idWidth < 200 {
		t.Errorf("the ID column is %d px wide at 1,400 px; ids wrap into columns of characters", idWidth)
	}
	if *screenshotScale != "" {
		var png []byte
		if err := chromedp.Run(ctx, chromedp.Evaluate(choose("group-by", "", "change"), nil),
			chromedp.Evaluate(`document.getElementById('shown').closest('h2').scrollIntoView()`, nil), chromedp.CaptureScreenshot(&png)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshotScale, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkHTMLReportLoad opens the 30,000-asset report in headless
// Chromium at 1,400 pixels and measures the time from navigation until the
// asset table's script has shown its first page (the page is usable).
func BenchmarkHTMLReportLoad(b *testing.B) {
	r := scaleReport(b, 30000)
	file := filepath.Join(b.TempDir(), "report.html")
	f, err := os.Create(file)
	if err != nil {
		b.Fatal(err)
	}
	if err := HTML(f, r, Options{ToolVersion: "bench"}); err != nil {
		b.Fatal(err)
	}
	f.Close()
	fi, _ := os.Stat(file)
	ctx := browser(b)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(1400, 900)); err != nil {
		b.Fatal(err)
	}
	var secs []float64
	for b.Loop() {
		start := time.Now()
		var info string
		if err := chromedp.Run(ctx, chromedp.Navigate("file://"+file), chromedp.WaitVisible("#assets", chromedp.ByID),
			chromedp.Evaluate(`document.getElementById('page-info').textContent`, &info)); err != nil {
			b.Fatal(err)
		}
		secs = append(secs, time.Since(start).Seconds())
		if !strings.Contains(info, "page 1 of 300") {
			b.Fatalf("the page is not ready: %q", info)
		}
	}
	slices.Sort(secs)
	benchtest.Metric(b, secs[len(secs)/2], "load-s")
	b.ReportMetric(float64(fi.Size())/1e6, "html-MB")
}
