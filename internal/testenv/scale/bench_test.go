package scale_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/sim/demo"
	"github.com/aisight/aisight/internal/testenv/benchtest"
	"github.com/aisight/aisight/internal/testenv/scale"
	"github.com/aisight/aisight/model"
)

// regions17 and locations10 are the default scenario's.
var (
	regions17 = []string{"us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1", "eu-west-2", "eu-west-3",
		"eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "sa-east-1", "me-central-1"}
	locations10 = []string{"us-central1", "us-east1", "us-east4", "us-west1", "europe-west1", "europe-west4", "europe-west9", "asia-northeast1", "asia-southeast1", "australia-southeast1"}
)

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// scan runs the aisight binary over the estate es serves with every cloud
// and SaaS collector, and returns its report and what it cost.
func scan(b *testing.B, bin string, es demo.Estates, extra ...string) (model.Report, benchtest.Stats, *demo.Estate) {
	b.Helper()
	e, err := demo.StartWith(b.TempDir(), es)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	var env []string
	for k, v := range e.Env {
		env = append(env, k+"="+v)
	}
	out := filepath.Join(b.TempDir(), "scan.json")
	args := append([]string{"scan", "-q", "-o", "json", "--out", out, "--source=off", "--kube=off",
		"--aws=on", "--gcp=on", "--azure=on", "--openai=on", "--anthropic=on"}, e.Args...)
	st := benchtest.Measure(b, env, bin, append(args, extra...)...)
	return benchtest.Report(b, out), st, e
}

// BenchmarkEstateScale scans an organisation-scale estate (the demo's
// sample grown: AWS accounts x 17 regions, GCP projects x 10 locations,
// Azure subscriptions, OpenAI and Anthropic keys) through the emulators,
// every answer taking the latency and every account, region and service
// (project, location and service; subscription and provider; organisation)
// limited to the rate, with the aisight binary at its defaults, and
// reports the wall time against the lower bound: the busiest key's calls /
// rate over all emulators (a scan cannot be faster), or the longest chain
// of dependent calls (5) x latency. Every asset the copies hold must be
// found, and nothing else (each copy's are its original's, renamed: the
// sample is scanned first, without limits), and no scope may fail. Environment:
// AISIGHT_BENCH_AWS_ACCOUNTS (200), AISIGHT_BENCH_GCP_PROJECTS (50),
// AISIGHT_BENCH_AWS_REGION_COPIES (8: each account's resources in 9 of its
// 17 regions), AISIGHT_BENCH_AZURE_SUBSCRIPTIONS (100),
// AISIGHT_BENCH_SAAS_KEYS (5000), AISIGHT_BENCH_HF_ORGS (20),
// AISIGHT_BENCH_COPILOT_ORGS (20),
// AISIGHT_BENCH_LATENCY (30ms), AISIGHT_BENCH_RATE (10 per second),
// AISIGHT_BENCH_SCAN_FLAGS (extra scan flags, space-separated), and
// AISIGHT_BENCH_PROFILE_DIR (the scan's CPU and allocation profiles).
func BenchmarkEstateScale(b *testing.B) {
	size := scale.Size{
		AWSAccounts: envInt("AISIGHT_BENCH_AWS_ACCOUNTS", 200), AWSRegions: regions17, AWSRegionCopies: envInt("AISIGHT_BENCH_AWS_REGION_COPIES", 8),
		GCPProjects: envInt("AISIGHT_BENCH_GCP_PROJECTS", 50), GCPLocations: locations10,
		AzureSubscriptions: envInt("AISIGHT_BENCH_AZURE_SUBSCRIPTIONS", 100),
		SaaSKeys:           envInt("AISIGHT_BENCH_SAAS_KEYS", 5000),
		HFOrgs:             envInt("AISIGHT_BENCH_HF_ORGS", 20),
		CopilotOrgs:        envInt("AISIGHT_BENCH_COPILOT_ORGS", 20),
	}
	latency, rate := 30*time.Millisecond, 10.0
	if v, err := time.ParseDuration(os.Getenv("AISIGHT_BENCH_LATENCY")); err == nil && v >= 0 {
		latency = v
	}
	if v, err := strconv.ParseFloat(os.Getenv("AISIGHT_BENCH_RATE"), 64); err == nil && v > 0 {
		rate = v
	}
	var extra []string
	if v := os.Getenv("AISIGHT_BENCH_SCAN_FLAGS"); v != "" {
		extra = append(extra, strings.Fields(v)...)
	}
	if dir := os.Getenv("AISIGHT_BENCH_PROFILE_DIR"); dir != "" {
		extra = append(extra, "--cpu-profile", filepath.Join(dir, "scale-cpu.pprof"), "--mem-profile", filepath.Join(dir, "scale-mem.pprof"))
	}
	bin := benchtest.Binary(b, "../../..")
	base, err := demo.SampleEstates()
	if err != nil {
		b.Fatal(err)
	}
	// The sample with the scenario's regions and locations: what each copy
	// is a renamed copy of.
	unit, _, err := scale.Grow(base, size.Sample())
	if err != nil {
		b.Fatal(err)
	}
	sample, _, _ := scan(b, bin, unit)
	grown, copies, err := scale.Grow(base, size)
	if err != nil {
		b.Fatal(err)
	}
	want := scale.Expected(sample.Assets, copies)
	ms := int(latency / time.Millisecond)
	grown.AWS.Faults.SlowMillis, grown.AWS.Faults.RatePerSecond = ms, rate
	// STS answers far more than the scanned services: its request quota is
	// in the hundreds per second per account.
	grown.AWS.Faults.RatePerService = map[string]float64{"sts": 600}
	grown.GCP.Faults.DelayMillis, grown.GCP.Faults.RatePerSecond = ms, rate
	grown.Azure.Faults.DelayMillis, grown.Azure.Faults.RatePerSecond = ms, rate
	grown.SaaS.Faults.DelayMillis, grown.SaaS.Faults.RatePerSecond = ms, rate
	grown.SaaS.Faults.PageSize = 100

	b.ResetTimer()
	for range b.N {
		// The emulators run in this process: its CPU time over the scan is
		// theirs (and the harness's, which is idle meanwhile).
		before := cpuSeconds(b)
		rep, st, e := scan(b, bin, grown, extra...)
		emulators := cpuSeconds(b) - before
		lost, unexpected := 0, 0
		got := map[string]bool{}
		for _, a := range rep.Assets {
			got[a.ID] = true
			if !want[a.ID] {
				unexpected++
			}
		}
		for id := range want {
			if !got[id] {
				lost++
			}
		}
		var failed []string
		for _, r := range rep.Scan.CollectorRuns {
			if r.Status != model.StatusOK && r.Status != model.StatusSkipped {
				failed = append(failed, r.Scope.ID+": "+r.Error)
			}
		}
		if lost > 0 || unexpected > 0 || len(failed) > 0 {
			b.Fatalf("%d of %d expected assets lost, %d unexpected; %d scopes not ok: %q", lost, len(want), unexpected, len(failed), failed[:min(5, len(failed))])
		}
		// Each collector's last scope's end, against its emulator's bound.
		done := map[string]float64{}
		for _, r := range rep.Scan.CollectorRuns {
			end := r.Started.Add(time.Duration(r.Duration)).Sub(rep.Scan.Started).Seconds()
			done[r.Collector] = max(done[r.Collector], end)
		}
		chain := (5 * latency).Seconds()
		bound := chain
		var calls, throttled int
		for _, c := range []struct {
			name       string
			collectors []string
			bound      func() (string, float64)
		}{{"aws", []string{"aws"}, e.AWS.LowerBound}, {"gcp", []string{"gcp"}, e.GCP.LowerBound},
			{"azure", []string{"azure"}, e.Azure.LowerBound}, {"saas", []string{"openai", "anthropic", "huggingface", "copilot"}, e.SaaS.LowerBound}} {
			key, secs := c.bound()
			secs = max(secs, chain)
			end := 0.0
			for _, n := range c.collectors {
				end = max(end, done[n])
			}
			b.Logf("%s: done in %.1f s; bound %.1f s (busiest %s at %.0f/s): %.2fx", c.name, end, secs, key, rate, end/secs)
			benchtest.Metric(b, end, c.name+"-s")
			if c.name == "saas" {
				benchtest.Metric(b, end/secs, "saas-x-bound") // a target: named as targets.yaml names it
			} else {
				benchtest.Metric(b, end/secs, c.name+"-x-bound")
			}
			bound = max(bound, secs)
		}
		// The SaaS collectors pace themselves to the budget the providers'
		// rate-limit headers tell: none of their calls should be refused.
		benchtest.Metric(b, float64(e.SaaS.Throttled()), "saas-throttled")
		shown := 0
		for _, r := range e.SaaS.Requests() {
			if r.Status == 429 && shown < 5 {
				b.Logf("answered 429: %s %s", r.Provider, r.Path)
				shown++
			}
		}
		calls = len(e.AWS.Calls()) + e.GCP.Calls() + e.Azure.Calls() + len(e.SaaS.Requests())
		throttled = e.AWS.Throttled() + e.GCP.Throttled() + e.Azure.Throttled() + e.SaaS.Throttled()
		benchtest.Metric(b, st.Wall, "wall-s")
		benchtest.Metric(b, bound, "lower-bound-s")
		benchtest.Metric(b, st.Wall/bound, "x-lower-bound")
		benchtest.Metric(b, st.CPU, "scanner-cpu-s")
		benchtest.Metric(b, emulators, "emulators-cpu-s")
		// On one machine the scan and the emulators share its CPUs: it cannot
		// end before their CPU time is spent.
		benchtest.Metric(b, (st.CPU+emulators)/float64(runtime.NumCPU()), "cpu-bound-s")
		benchtest.Metric(b, st.PeakRSSMB, "peak-RSS-MB")
		benchtest.Metric(b, float64(len(rep.Assets)), "assets")
		benchtest.Metric(b, float64(len(rep.Scan.CollectorRuns)), "scopes")
		benchtest.Metric(b, float64(calls), "api-calls")
		benchtest.Metric(b, float64(throttled), "throttled")
		benchtest.Metric(b, float64(len(rep.Assets))/st.Wall, "assets/s")
	}
}

// cpuSeconds is this process's user and system CPU time so far.
func cpuSeconds(b *testing.B) float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}
