package scale_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/sim/demo"
	"github.com/aisight/aisight/internal/testenv/benchtest"
)

// soakSample is the serve process as its /metrics shows it after a scan.
type soakSample struct {
	scan       int
	goroutines float64
	heapMB     float64 // go_gc_heap_live_bytes: live after the last GC
	rssMB      float64 // process_resident_memory_bytes
}

// BenchmarkServeSoak runs `aisight serve` over the demo estate (every cloud
// and SaaS emulator, the estate's repositories) for
// AISIGHT_BENCH_SOAK_SCANS consecutive scans (500) at --interval 1s and
// reads its /metrics after each: goroutines, the heap live after the last
// GC and resident memory. A process that keeps something of every scan grows; the
// benchmark compares scans 10-20% of the way in (after
// warm-up) with the last 10% (the least of each window: see below),
// reports the growth of each and the peak resident memory, logs the
// samples every tenth of the run, and fails when one misses its target
// (targets.yaml).
func BenchmarkServeSoak(b *testing.B) {
	scans := envInt("AISIGHT_BENCH_SOAK_SCANS", 500)
	bin := benchtest.Binary(b, "../../..")
	for range b.N {
		samples := soak(b, bin, scans)
		first := window(samples, scans/10, scans/5)
		last := window(samples, scans-scans/10, scans)
		for i, s := range samples {
			if i%max(1, scans/10) == 0 || i == len(samples)-1 {
				b.Logf("scan %4d: %3.0f goroutines, heap %6.1f MB, RSS %6.1f MB", s.scan, s.goroutines, s.heapMB, s.rssMB)
			}
		}
		// A sample is taken as a scan completes, when the next one (the
		// interval is shorter than a scan) has just begun: how many of the
		// next scan's goroutines it sees varies, so windows are compared
		// by their medians (a leak of one goroutine a scan adds hundreds
		// over the run). The heap figure is the live heap after the last
		// GC, and the least of a window is its floor: a leak raises it.
		heap := func(s soakSample) float64 { return s.heapMB }
		gor := func(s soakSample) float64 { return s.goroutines }
		rss := func(s soakSample) float64 { return s.rssMB }
		benchtest.Metric(b, float64(len(samples)), "scans")
		benchtest.Metric(b, least(last, heap)/least(first, heap), "soak-heap-growth")
		benchtest.Metric(b, mid(last, gor)-mid(first, gor), "soak-goroutine-growth")
		benchtest.Metric(b, least(last, rss)/least(first, rss), "soak-rss-growth")
		benchtest.Metric(b, slices.MaxFunc(samples, func(a, b soakSample) int { return int(a.rssMB - b.rssMB) }).rssMB, "soak-peak-rss-MB")
	}
}

// soak starts the demo estate and serve, and samples /metrics after each
// of the first scans completed.
func soak(b *testing.B, bin string, scans int) []soakSample {
	b.Helper()
	dir := b.TempDir()
	e, err := demo.Start(dir)
	if err != nil {
		b.Fatal(err)
	}
	defer e.Close()
	env := []string{"HOME=" + dir, "AZURE_CONFIG_DIR=" + dir, "CLOUDSDK_CONFIG=" + dir}
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k == "PATH" || k == "TMPDIR" {
			env = append(env, kv)
		}
	}
	for k, v := range e.Env {
		env = append(env, k+"="+v)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	args := append([]string{"serve", "--listen", "127.0.0.1:0", "--interval", "1s", "--kube=off", "--log-level", "error"}, e.Args...)
	cmd := exec.CommandContext(ctx, bin, append(args, e.Paths...)...)
	cmd.Env = env
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "aisight: serving on "); ok {
				addr <- a
			}
		}
	}()
	var base string
	select {
	case a := <-addr:
		base = "http://" + a
	case <-time.After(30 * time.Second):
		b.Fatal("serve did not say where it listens within 30 s")
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var out []soakSample
	deadline := time.Now().Add(time.Duration(scans) * 30 * time.Second)
	for len(out) < scans {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d scans after %s", len(out), scans, time.Duration(scans)*30*time.Second)
		}
		m := scrape(b, client, base+"/metrics")
		if m["error"] > 0 {
			b.Fatalf("scan %d failed (aisight_serve_scans_total{result=\"error\"} %v)", len(out)+1, m["error"])
		}
		if n := int(m["ok"]); n > len(out) {
			out = append(out, soakSample{scan: n, goroutines: m["go_goroutines"], heapMB: m["go_gc_heap_live_bytes"] / (1 << 20), rssMB: m["process_resident_memory_bytes"] / (1 << 20)})
			continue
		}
		time.Sleep(10 * time.Millisecond) // soon after a scan ends: early in the next
	}
	return out
}

// scrape reads the figures the soak follows from a Prometheus text page.
func scrape(b *testing.B, c *http.Client, url string) map[string]float64 {
	b.Helper()
	resp, err := c.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		b.Fatal(err)
	}
	m := map[string]float64{}
	for _, line := range strings.Split(string(body), "\n") {
		name, value, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch name {
		case "go_goroutines", "go_gc_heap_live_bytes", "process_resident_memory_bytes":
			m[name] = v
		case `aisight_serve_scans_total{result="ok"}`:
			m["ok"] = v
		case `aisight_serve_scans_total{result="error"}`:
			m["error"] = v
		}
	}
	return m
}

func window(s []soakSample, from, to int) []soakSample {
	from, to = max(0, min(from, len(s)-1)), max(1, min(to, len(s)))
	return s[from:max(from+1, to)]
}

// mid is the median of f over s.
func mid(s []soakSample, f func(soakSample) float64) float64 {
	v := make([]float64, len(s))
	for i, x := range s {
		v[i] = f(x)
	}
	slices.Sort(v)
	return v[len(v)/2]
}

// least is the smallest of f over s.
func least(s []soakSample, f func(soakSample) float64) float64 {
	v := f(s[0])
	for _, x := range s[1:] {
		v = min(v, f(x))
	}
	return v
}
