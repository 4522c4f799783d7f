package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
		t.Errorf("demo -o html wrote no report: %v", err)
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
