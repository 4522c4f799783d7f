package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/aisight/aisight/internal/metrics"
	"github.com/aisight/aisight/internal/pipeline"
	"github.com/aisight/aisight/internal/redact"
)

func newServeCmd(stderr io.Writer, scrub *redact.Scrubber) *cobra.Command {
	o := newScanOptions()
	o.scrub = scrub
	listen, interval := "127.0.0.1:9812", time.Hour
	var apiDetail bool
	var tokenFile string
	cmd := &cobra.Command{
		Use:   "serve [flags] [PATH...]",
		Short: "Scan on an interval and serve the results as Prometheus metrics",
		Long: `Serve scans now and then every --interval (a scan never overlaps the
previous one; a scan that takes longer than the interval delays the next),
and serves:

  /metrics             the metrics of the last completed scan (docs/metrics.md)
  /healthz             200 while the process runs
  /readyz              200 once the first scan has completed, 503 before
  /api/v1/assessment   the last completed scan's assessment and asset list;
                       with --api-detail the whole report (as scan -o json:
                       facts, evidence, file paths, key fingerprints)

It listens on loopback unless --listen says otherwise (the Kubernetes
overlay sets :9812), bounds every connection (header, read, write and idle
timeouts, header size, a connection cap below the file-descriptor limit),
stays reachable when clients hold connections open (idle keep-alive
connections are closed first when slots run low, one client may hold a
quarter of them, and at most 8 API answers are in flight: /healthz and
/metrics are never behind them), and with --api-token-file requires "Authorization: Bearer <token>" on the
API (metrics and health stay open for Prometheus and probes).

It takes the same collection and scoring flags as scan. SIGTERM or SIGINT
stops it: the scan in progress is cancelled and open HTTP requests finish.`,
		Example: `  aisight serve --source=off --interval 30m --listen :9812
  aisight serve --config /etc/aisight/config.yaml`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.load(cmd, args, os.Getenv); err != nil {
				return err
			}
			if interval < time.Second {
				return usagef("--interval must be at least 1s")
			}
			if o.shard != "" {
				return usagef("--shard is for scan (the pods of an Indexed Job, joined by aisight merge), not serve")
			}
			api, err := newAPIAuth(apiDetail, tokenFile)
			if err != nil {
				return err
			}
			// main's context ends on SIGTERM or SIGINT.
			return runServe(cmd.Context(), o, listen, interval, api, stderr)
		},
	}
	f := cmd.Flags()
	o.addCollectFlags(f)
	groupedHelp(cmd, o.specs)
	f.StringVar(&listen, "listen", listen, "address to serve HTTP on (loopback by default; :9812 for every interface)")
	f.BoolVar(&apiDetail, "api-detail", false, "serve the whole report on /api/v1/assessment (facts, evidence, paths, key fingerprints), not only levels and asset identities")
	f.StringVar(&tokenFile, "api-token-file", "", "require this bearer token (a file, e.g. a mounted Secret) on /api/v1/assessment")
	f.DurationVar(&interval, "interval", interval, "time between the starts of two scans")
	return cmd
}

// daemon is the state serve shares between its scan loop and HTTP handlers.
type daemon struct {
	api   apiAuth
	p     *pipeline.Pipeline
	col   *metrics.Collector
	scans *prometheus.CounterVec
	ready atomic.Bool
	mu    sync.RWMutex
	last  []byte // JSON report of the last completed scan
	brief []byte // the same without facts, evidence, locations and fingerprints
}

func runServe(ctx context.Context, o *scanOptions, listen string, interval time.Duration, api apiAuth, stderr io.Writer) error {
	p, err := o.newPipeline(stderr, o.processEnv())
	if err != nil {
		return err
	}
	d := &daemon{p: p, col: metrics.New(version), scans: prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "aisight", Subsystem: "serve", Name: "scans_total", Help: "Scans run by serve, by result (ok or error).",
	}, []string{"result"})}
	reg := metrics.Registry(d.col)
	// Beside the Go collector's defaults, the live heap after the last GC
	// (go_gc_heap_live_bytes): what a daemon keeps between scans, the
	// figure a leak raises (heap in use swings with the scan under way).
	reg.MustRegister(d.scans, collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(
		collectors.GoRuntimeMetricsRule{Matcher: regexp.MustCompile(`^/gc/heap/live:bytes$`)})),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	gatherer := metrics.Scrubbed(reg, o.scrub.String)
	d.api = api
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return usagef("--listen: %v", err)
	}
	guard := newConnGuard(ln, maxConnections())
	srv := &http.Server{Handler: d.routes(gatherer), ConnState: guard.ConnState,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second, WriteTimeout: 30 * time.Second,
		IdleTimeout: 30 * time.Second, MaxHeaderBytes: 16 << 10}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(guard) }()
	fmt.Fprintf(stderr, "aisight: serving on %s\n", ln.Addr())

	for {
		started := time.Now()
		d.scanOnce(ctx)
		wait := time.Until(started.Add(interval))
		select {
		case <-ctx.Done():
		case err := <-served:
			return fmt.Errorf("http server: %w", err)
		case <-time.After(wait):
			continue
		}
		break
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return fmt.Errorf("http shutdown: %w", err)
	}
	fmt.Fprintln(stderr, "aisight: stopped")
	return nil
}

// scanOnce runs one scan and publishes it; a cancelled scan publishes nothing.
func (d *daemon) scanOnce(ctx context.Context) {
	report, err := d.p.Run(ctx, nil)
	if ctx.Err() != nil {
		return // stopping: an interrupted scan is not published
	}
	if err != nil {
		d.scans.WithLabelValues("error").Inc()
		d.p.Logger().Error("scan failed", "err", err)
		return
	}
	b, err := json.MarshalIndent(report, "", "  ")
	if err != nil {
		d.scans.WithLabelValues("error").Inc()
		d.p.Logger().Error("encode report", "err", err)
		return
	}
	b = d.p.Scrub().Bytes(b)
	brief, err := json.MarshalIndent(briefReport(report), "", "  ")
	if err != nil {
		d.scans.WithLabelValues("error").Inc()
		d.p.Logger().Error("encode report", "err", err)
		return
	}
	brief = d.p.Scrub().Bytes(brief)
	d.col.Set(d.p.Snapshot(report))
	d.mu.Lock()
	d.last, d.brief = b, brief
	d.mu.Unlock()
	d.ready.Store(true)
	d.scans.WithLabelValues("ok").Inc()
	d.p.Logger().Info("scan done", "assets", len(report.Assets), "duration", report.Scan.Finished.Sub(report.Scan.Started).String())
}

// apiInFlight bounds the assessment API's answers in flight (the largest
// answers): more are refused with 503 at once, and /healthz and /metrics
// are never behind them.
const apiInFlight = 8

func (d *daemon) routes(reg prometheus.Gatherer) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		if !d.ready.Load() {
			http.Error(w, "first scan not completed", http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ok\n")
	})
	mux.Handle("GET /api/v1/assessment", limitInFlight(apiInFlight, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !d.api.allowed(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="aisight"`)
			http.Error(w, "a bearer token is required (--api-token-file)", http.StatusUnauthorized)
			return
		}
		d.mu.RLock()
		b := d.brief
		if d.api.detail {
			b = d.last
		}
		d.mu.RUnlock()
		if b == nil {
			http.Error(w, "first scan not completed", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	})))
	return http.MaxBytesHandler(mux, 1<<10) // requests carry no body worth more
}
