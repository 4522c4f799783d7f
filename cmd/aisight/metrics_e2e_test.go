package main

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/dashboard"
	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/testenv/promtest"
)

// copyTree copies a fixture tree so a test can change it.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// End to end with a real Pushgateway and Prometheus: scan, push, scrape;
// every dashboard query returns data, every alert rule evaluates cleanly on
// the real series, and a second scan with one asset removed (and an
// attestation withdrawn) moves the series and fires the regression alert.
func TestMetricsEndToEnd(t *testing.T) {
	rules, err := filepath.Abs("../../deploy/prometheus/aisight-rules.yaml")
	if err != nil {
		t.Fatal(err)
	}
	stack := promtest.Start(t, rules)
	ctx := context.Background()
	dir := t.TempDir()
	tree := filepath.Join(dir, "acme-assistant")
	copyTree(t, fixture, tree)
	reg := filepath.Join(dir, "registry.yaml")
	os.WriteFile(reg, []byte("assets:\n  - id: \"file://acme-assistant/deploy/k8s/vllm.yaml#*\"\n"), 0o644)
	att := filepath.Join(dir, "attest.yaml")
	os.WriteFile(att, []byte("attestations:\n  - {control: GOV.2.ai-policy, status: pass, attester: ciso@acme.example, date: 2026-01-01, expires: 2099-01-01}\n"), 0o644)
	// A cluster that cannot be reached: the kubernetes collector fails its scope.
	kc := filepath.Join(dir, "kubeconfig")
	if err := (&apiserver.Server{URL: "https://127.0.0.1:1"}).WriteKubeconfig(kc, map[string]string{"unreachable": "x"}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AISIGHT_KUBE", "on")
	scan := func(extra ...string) {
		t.Helper()
		args := append([]string{"scan", "-q", "-o", "json", "--out", filepath.Join(dir, "out.json"),
			"--push-gateway", stack.PushgatewayURL, "--registry", reg, "--target", "ORG=3,IAM=3,DEV=3",
			"--kubeconfig", kc, "--scope-timeout", "5s"}, extra...)
		// The unreachable cluster makes the scan incomplete (exit 4); the
		// metrics are pushed all the same, the failure among them.
		if r := runCLI(t, append(args, tree)...); r.code != exitIncomplete || !strings.Contains(r.stderr, "kubernetes:unreachable failed") {
			t.Fatalf("scan: exit %d: %s", r.code, r.stderr)
		}
	}
	scan("--attestations", att)
	value := func(q string) float64 {
		t.Helper()
		res, err := stack.Query(ctx, q)
		if err != nil || len(res) != 1 {
			t.Fatalf("%s: %v %v", q, res, err)
		}
		return res[0].Float()
	}
	if _, err := stack.WaitFor(ctx, `sum(aisight_assets)`, 30*time.Second, func(r []promtest.Sample) bool { return len(r) == 1 && r[0].Float() == 40 }); err != nil {
		t.Fatal(err)
	}

	// Every query of the committed dashboard returns data.
	b, err := os.ReadFile("../../deploy/grafana/aisight-dashboard.json")
	if err != nil {
		t.Fatal(err)
	}
	exprs, err := dashboard.QueriesOf(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range exprs {
		res, err := stack.Query(ctx, q)
		if err != nil {
			t.Errorf("dashboard query %s: %v", q, err)
		} else if len(res) == 0 {
			t.Errorf("dashboard query %s returned no data", q)
		}
	}

	// Every alert rule is loaded, evaluates without error, and every metric
	// it reads has series; the collector and shadow-asset alerts fire.
	metricName := regexp.MustCompile(`aisight_[a-z_]+`)
	waitAlerts := func(want ...string) []promtest.Rule {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			rs, err := stack.Rules(ctx)
			if err != nil {
				t.Fatal(err)
			}
			firing := 0
			for _, r := range rs {
				if slices.Contains(want, r.Name) && r.State == "firing" {
					firing++
				}
			}
			if firing == len(want) && len(rs) == 4 {
				return rs
			}
			if time.Now().After(deadline) {
				t.Fatalf("alerts %v not all firing: %+v", want, rs)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}
	for _, r := range waitAlerts("AisightCollectorFailing", "AisightUnregisteredAIAsset") {
		if r.Health != "ok" || r.LastError != "" {
			t.Errorf("rule %s: health %s %s", r.Name, r.Health, r.LastError)
		}
		for _, m := range metricName.FindAllString(r.Query, -1) {
			if res, err := stack.Query(ctx, m); err != nil || len(res) == 0 {
				t.Errorf("rule %s reads %s, which has no data (%v)", r.Name, m, err)
			}
		}
	}
	if got := value(`sum(aisight_shadow_assets)`); got != 12 {
		t.Errorf("shadow assets = %v, want 12 (8 workloads and 6 models, 2 of them registered by the vllm.yaml pattern)", got)
	}
	if got := value(`aisight_category_maturity_level{category="GOV"}`); got != 2 {
		t.Errorf("GOV level with the attestation = %v, want 2", got)
	}

	// Second scan: one workload file removed, the attestation withdrawn.
	if err := os.Remove(filepath.Join(tree, "deploy/k8s/train-job.yaml")); err != nil {
		t.Fatal(err)
	}
	scan()
	if _, err := stack.WaitFor(ctx, `sum(aisight_assets{kind="inference_workload"})`, 30*time.Second, func(r []promtest.Sample) bool { return len(r) == 1 && r[0].Float() == 7 }); err != nil {
		t.Fatal(err)
	}
	if got := value(`sum(aisight_assets)`); got != 39 {
		t.Errorf("assets after removing one = %v, want 39", got)
	}
	if got := value(`aisight_category_maturity_level{category="GOV"}`); got != 1 {
		t.Errorf("GOV level without the attestation = %v, want 1", got)
	}
	waitAlerts("AisightMaturityRegressed")
	// One push group: the second scan replaced the first (same scope set).
	if res, err := stack.Query(ctx, `count(aisight_scan_end_timestamp_seconds)`); err != nil || len(res) != 1 || res[0].Float() != 1 {
		t.Errorf("push groups: %v %v, want 1", res, err)
	}
	if res, _ := stack.Query(ctx, `aisight_scan_end_timestamp_seconds`); len(res) != 1 || !regexp.MustCompile(`^[0-9a-f]{12}$`).MatchString(res[0].Metric["scopeset"]) || res[0].Metric["job"] != "aisight" {
		t.Errorf("push grouping labels: %v", res)
	}
}

// A push that cannot reach the gateway is a non-zero exit with a clear line,
// after the report was still written.
func TestFailedPushExitsNonZero(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r.json")
	r := runCLI(t, "scan", "-q", "-o", "json", "--out", out, "--push-gateway", "http://127.0.0.1:1", negative)
	if r.code != exitInternal || !strings.Contains(r.stderr, "metrics not pushed: push to http://127.0.0.1:1 (job aisight)") {
		t.Errorf("exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(out); err != nil {
		t.Errorf("report not written before the failed push: %v", err)
	}
	for _, bad := range [][]string{
		{"--push-gateway", "pushgateway:9091"},
		{"--push-gateway", "http://x", "--push-grouping", "job=a"},
		{"--push-grouping", "shard=1"},
	} {
		if r := runCLI(t, append(append([]string{"scan"}, bad...), negative)...); r.code != exitUsage {
			t.Errorf("%v: exit %d (%s), want 2", bad, r.code, r.stderr)
		}
	}
}

func TestMetricsFileIsWrittenAtomically(t *testing.T) {
	f := filepath.Join(t.TempDir(), "aisight.prom")
	if r := runCLI(t, "scan", "-q", "--metrics-file", f, fixture); r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"aisight_build_info{", "aisight_assets{", "aisight_category_maturity_level{", "aisight_collector_success{collector=\"source\""} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics file lacks %s", want)
		}
	}
	promtool := promtest.Binary(t, "promtool")
	if out, err := execWithStdin(promtool, b, "check", "metrics"); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	if entries, _ := os.ReadDir(filepath.Dir(f)); len(entries) != 1 {
		t.Errorf("temporary files left beside the metrics file: %v", entries)
	}
}

func execWithStdin(bin string, stdin []byte, args ...string) ([]byte, error) {
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	return cmd.CombinedOutput()
}
