package main

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/testenv/e2etest"
	"github.com/aisight/aisight/model"
)

// demoRuns runs aisight demo with args and returns its report, checking
// that every collector of the build reports assets from the demo estate
// with no failed or partial scope: a collector added without a demo estate
// fails here.
func demoRuns(t *testing.T, wantKube bool, args ...string) model.Report {
	t.Helper()
	r := runCLI(t, append([]string{"demo", "-q", "-o", "json"}, args...)...)
	if r.code != exitOK {
		t.Fatalf("demo %v: exit %d: %s", args, r.code, r.stderr)
	}
	var rep model.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	assets, ok := map[string]int{}, map[string]int{}
	for _, run := range rep.Scan.CollectorRuns {
		switch run.Status {
		case model.StatusFailed, model.StatusPartial:
			t.Errorf("%s %s: %s %s", run.Collector, run.Scope.ID, run.Status, run.Error)
		case model.StatusOK:
			ok[run.Collector]++
			assets[run.Collector] += run.Assets
		}
	}
	for _, s := range collectorSpecs() {
		name := s.Name()
		if name == "kubernetes" && !wantKube {
			continue // its manifests are scanned as files
		}
		if ok[name] == 0 || assets[name] == 0 {
			t.Errorf("collector %s: %d ok scopes, %d assets in the demo: give it a demo estate (internal/sim/demo)", name, ok[name], assets[name])
		}
	}
	return rep
}

func TestDemoScansEveryCollectorsEstate(t *testing.T) {
	before := os.Getenv("AWS_ENDPOINT_URL")
	rep := demoRuns(t, false)
	if got := os.Getenv("AWS_ENDPOINT_URL"); got != before {
		t.Errorf("demo left AWS_ENDPOINT_URL=%q behind", got)
	}
	var keysLinked, workloads int
	for _, a := range rep.Assets {
		if f, ok := a.Fact("key.matches_live_key"); ok && f.Value == true {
			keysLinked++
		}
		if a.Kind == model.KindInferenceWorkload {
			workloads++
		}
	}
	if keysLinked == 0 || workloads < 4 {
		t.Errorf("the demo's story: %d keys in code linked to live keys, %d workloads from the GitOps repository", keysLinked, workloads)
	}
	out := filepath.Join(t.TempDir(), "report.html")
	if r := runCLI(t, "demo", "-q", "-o", "html", "--out", out); r.code != exitOK {
		t.Fatalf("demo -o html: exit %d %s", r.code, r.stderr)
	}
	if b, err := os.ReadFile(out); err != nil || !strings.Contains(string(b), "<html") {
		t.Fatalf("demo -o html wrote no report: %v", err)
	}
	demoHTMLInChromium(t, out)
}

var screenshotDemo = flag.String("screenshot-demo", "", "write a screenshot of the demo's HTML report (its next steps) to this PNG file (docs/images/html-report-demo.png)")

// demoHTMLInChromium opens the demo's HTML report in headless Chromium: no
// error logged, the shadow card unknown (the demo gives no registry), the
// next steps failing first with where each fails, one page of assets.
func demoHTMLInChromium(t *testing.T, file string) {
	ctx := e2etest.Browser(t)
	var problems []string
	var mu sync.Mutex
	chromedp.ListenTarget(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			problems = append(problems, e.ExceptionDetails.Text)
			mu.Unlock()
		}
	})
	var card string
	var whereItems, stepRows, shownRows int
	var firstWhy string
	err := chromedp.Run(ctx, runtime.Enable(),
		chromedp.Navigate("file://"+file),
		chromedp.WaitVisible("#assets", chromedp.ByID),
		chromedp.Evaluate(`document.querySelectorAll('.card')[1].textContent`, &card),
		chromedp.Evaluate(`document.querySelectorAll('table.steps tbody tr').length`, &stepRows),
		chromedp.Evaluate(`document.querySelectorAll('table.steps ul.where li').length`, &whereItems),
		chromedp.Evaluate(`document.querySelector('table.steps tbody tr td:nth-child(4)').textContent`, &firstWhy),
		chromedp.Evaluate(`Array.from(document.querySelectorAll('#assets tbody tr:not(.group)')).filter(r => !r.classList.contains('hidden')).length`, &shownRows),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(card, "unknown") {
		t.Errorf("shadow card %q, want unknown (no registry given)", card)
	}
	if stepRows == 0 || whereItems == 0 || !strings.HasPrefix(firstWhy, "failing on") {
		t.Errorf("next steps: %d rows, %d located subjects, first why %q", stepRows, whereItems, firstWhy)
	}
	if shownRows == 0 || shownRows > 100 {
		t.Errorf("%d asset rows shown, want one page", shownRows)
	}
	if *screenshotDemo != "" {
		var png []byte
		if err := chromedp.Run(ctx, chromedp.ScrollIntoView("table.steps", chromedp.ByQuery), chromedp.CaptureScreenshot(&png)); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(*screenshotDemo, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the demo report threw: %q", problems)
	}
}

// With --kube-apiserver the demo applies its manifests to a real
// kube-apiserver and the Kubernetes collector finds them.
func TestDemoWithKubeAPIServer(t *testing.T) {
	if _, err := apiserver.APIServerPath(); err != nil {
		if errors.Is(err, apiserver.ErrMissing) {
			e2etest.Missing(t, "kube-apiserver", err)
		}
		t.Fatal(err)
	}
	rep := demoRuns(t, true, "--kube-apiserver")
	n := 0
	for _, a := range rep.Assets {
		if a.Kind == model.KindInferenceWorkload && strings.HasPrefix(a.Scope, "kubernetes:") {
			n++
		}
	}
	if n < 3 {
		t.Errorf("%d AI workloads in the demo cluster, want the vLLM, Ollama and KServe ones", n)
	}
}
