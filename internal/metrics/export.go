package metrics

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/aisight/aisight/internal/output"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// Registry returns a registry holding c (and nothing else: pushed and
// textfile metrics describe the scan, not the short-lived process).
func Registry(c *Collector) *prometheus.Registry {
	r := prometheus.NewRegistry()
	r.MustRegister(c)
	return r
}

// ScopeSetKey names the set of scopes a scan covered: a 12-hex hash of the
// sorted scope IDs. Jobs that scan different scope sets (shards) push to
// different groups, so they never overwrite each other; a rerun of the same
// shard replaces its own group.
func ScopeSetKey(r model.Report) string {
	ids := make([]string, 0, len(r.Scan.CollectorRuns))
	for _, run := range r.Scan.CollectorRuns {
		ids = append(ids, run.Collector+"|"+run.Scope.ID)
	}
	sort.Strings(ids)
	sum := sha256.Sum256([]byte(strings.Join(ids, "\n")))
	return hex.EncodeToString(sum[:6])
}

// maxErrorBody bounds how much of a Pushgateway's answer is read: an error
// body is quoted in the error message, and a hostile peer could send
// gigabytes.
const maxErrorBody = 4 << 10

// limitedBodies caps every response body its transport returns.
type limitedBodies struct{ next http.RoundTripper }

func (l limitedBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := l.next.RoundTrip(r)
	if resp != nil && resp.Body != nil {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, maxErrorBody), resp.Body}
	}
	return resp, err
}

// Push replaces the metrics of one Pushgateway group (HTTP PUT) with the
// registry's. grouping is the grouping key beside the job. The whole push
// (connecting, sending, the answer) must finish within timeout, and at most
// 4 KiB of the answer is read.
func Push(ctx context.Context, url, job string, grouping map[string]string, g prometheus.Gatherer, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil // a push goes where it is told
	tr.ResponseHeaderTimeout = timeout
	p := push.New(url, job).Gatherer(g).Client(&http.Client{Transport: limitedBodies{tr}, Timeout: timeout, CheckRedirect: redact.CheckRedirect})
	keys := make([]string, 0, len(grouping))
	for k := range grouping {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p = p.Grouping(k, grouping[k])
	}
	if err := p.PushContext(ctx); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("push to %s (job %s): no answer within %s: %w", redact.URL(url), job, timeout, err)
		}
		return fmt.Errorf("push to %s (job %s): %w", redact.URL(url), job, err)
	}
	return nil
}

// WriteTextfile writes the exposition for node_exporter's textfile
// collector, atomically (a temporary file renamed into place).
func WriteTextfile(path string, g prometheus.Gatherer) error {
	mfs, err := g.Gather()
	if err != nil {
		return fmt.Errorf("gather metrics: %w", err)
	}
	err = output.WriteFileAtomic(path, func(w io.Writer) error {
		for _, mf := range mfs {
			if _, err := expfmt.MetricFamilyToText(w, mf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("write metrics file %s: %w", path, err)
	}
	return nil
}

// Scrubbed is g with every label value passed through scrub (the output
// wall of internal/redact): whatever the metrics are served, pushed or
// written through, no credential reaches them.
func Scrubbed(g prometheus.Gatherer, scrub func(string) string) prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		mfs, err := g.Gather()
		for _, mf := range mfs {
			for _, m := range mf.Metric {
				for _, l := range m.Label {
					if l.Value != nil {
						v := scrub(*l.Value)
						l.Value = &v
					}
				}
			}
		}
		return mfs, err
	})
}

// ScopeSelector reads --metrics-scopes and --metrics-scopes-deny: regular
// expressions, anchored at both ends, over scope IDs
// ("aws:111122223333:eu-west-1", "gcp:my-project"). A scope gets per-scope
// series when it matches allow and not deny; an empty allow selects none
// (nil), ".*" every scope. As kube-state-metrics does with its allow and
// deny lists, the operator chooses what grows with the estate.
func ScopeSelector(allow, deny string) (func(collector, scope string) bool, error) {
	if allow == "" {
		if deny != "" {
			return nil, fmt.Errorf("--metrics-scopes-deny needs --metrics-scopes (no scope has per-scope series without it)")
		}
		return nil, nil
	}
	a, err := regexp.Compile("^(?:" + allow + ")$")
	if err != nil {
		return nil, fmt.Errorf("--metrics-scopes: %w", err)
	}
	var d *regexp.Regexp
	if deny != "" {
		if d, err = regexp.Compile("^(?:" + deny + ")$"); err != nil {
			return nil, fmt.Errorf("--metrics-scopes-deny: %w", err)
		}
	}
	return func(_, scope string) bool {
		return a.MatchString(scope) && (d == nil || !d.MatchString(scope))
	}, nil
}
