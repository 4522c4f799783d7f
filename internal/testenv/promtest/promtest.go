// Package promtest starts a real Prometheus and Pushgateway (Debian's
// prometheus and prometheus-pushgateway packages, installed by make test) on
// loopback for tests, and queries Prometheus' HTTP API. Tests only.
package promtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/testenv/e2etest"
)

// Binary finds a program; when it is missing the test is skipped, except
// under AISIGHT_E2E=1 (CI), where it fails.
func Binary(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		e2etest.Missing(t, name, err)
	}
	return p
}

// Stack is a running Pushgateway scraped by a running Prometheus.
type Stack struct {
	PushgatewayURL, PrometheusURL string
}

// Start runs a Pushgateway and a Prometheus that scrapes it every second
// (honor_labels, so pushed job and grouping labels are kept) and loads the
// given rule files. Both stop when the test ends.
func Start(t testing.TB, ruleFiles ...string) *Stack {
	t.Helper()
	pg, prom := Binary(t, "prometheus-pushgateway"), Binary(t, "prometheus")
	dir := t.TempDir()
	ports := freePorts(t, 2)
	s := &Stack{
		PushgatewayURL: "http://127.0.0.1:" + strconv.Itoa(ports[0]),
		PrometheusURL:  "http://127.0.0.1:" + strconv.Itoa(ports[1]),
	}
	// Private state: Debian's Pushgateway persists to a machine-wide file by
	// default and would reload whatever anything pushed there before.
	start(t, dir, "pushgateway", pg, "--web.listen-address=127.0.0.1:"+strconv.Itoa(ports[0]),
		"--persistence.file="+filepath.Join(dir, "pushgateway.data"))
	cfg := fmt.Sprintf(`global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: %s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs: [{targets: ["127.0.0.1:%d"]}]
`, quoteList(ruleFiles), ports[0])
	cfgPath := filepath.Join(dir, "prometheus.yml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	start(t, dir, "prometheus", prom, "--config.file="+cfgPath, "--storage.tsdb.path="+filepath.Join(dir, "tsdb"),
		"--web.listen-address=127.0.0.1:"+strconv.Itoa(ports[1]))
	waitOK(t, s.PushgatewayURL+"/-/ready")
	waitOK(t, s.PrometheusURL+"/-/ready")
	return s
}

func quoteList(l []string) string {
	b, _ := json.Marshal(l)
	if len(l) == 0 {
		return "[]"
	}
	return string(b)
}

func start(t testing.TB, dir, name, bin string, args ...string) {
	t.Helper()
	logf, err := os.Create(filepath.Join(dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		logf.Close()
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			if len(b) > 3000 {
				b = b[len(b)-3000:]
			}
			t.Logf("%s log tail:\n%s", name, b)
		}
	})
}

func waitOK(t testing.TB, u string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(u); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not ready after 30s", u)
}

func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var out []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return out
}

// Sample is one series of an instant query result.
type Sample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// Float is the sample's value.
func (s Sample) Float() float64 {
	str, _ := s.Value[1].(string)
	f, _ := strconv.ParseFloat(str, 64)
	return f
}

// Query evaluates PromQL now through the HTTP API. A query Prometheus
// rejects is an error.
func (s *Stack) Query(ctx context.Context, q string) ([]Sample, error) {
	var body struct {
		Status    string `json:"status"`
		Error     string `json:"error"`
		ErrorType string `json:"errorType"`
		Data      struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	if err := s.getJSON(ctx, "/api/v1/query?query="+url.QueryEscape(q), &body); err != nil {
		return nil, err
	}
	if body.Status != "success" {
		return nil, fmt.Errorf("query %q: %s: %s", q, body.ErrorType, body.Error)
	}
	if body.Data.ResultType == "scalar" {
		var v [2]any
		if err := json.Unmarshal(body.Data.Result, &v); err != nil {
			return nil, err
		}
		return []Sample{{Value: v}}, nil
	}
	var out []Sample
	if err := json.Unmarshal(body.Data.Result, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// WaitFor polls a query until cond holds or the timeout passes.
func (s *Stack) WaitFor(ctx context.Context, q string, timeout time.Duration, cond func([]Sample) bool) ([]Sample, error) {
	deadline := time.Now().Add(timeout)
	for {
		res, err := s.Query(ctx, q)
		if err == nil && cond(res) {
			return res, nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("condition not met; last result %v", res)
			}
			return res, fmt.Errorf("waiting for %q: %w", q, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// Rules returns each loaded rule's name, health and evaluation error.
func (s *Stack) Rules(ctx context.Context) ([]Rule, error) {
	var body struct {
		Data struct {
			Groups []struct {
				Rules []Rule `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	if err := s.getJSON(ctx, "/api/v1/rules", &body); err != nil {
		return nil, err
	}
	var out []Rule
	for _, g := range body.Data.Groups {
		out = append(out, g.Rules...)
	}
	return out, nil
}

// Rule is a loaded recording or alerting rule.
type Rule struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Health    string `json:"health"`
	LastError string `json:"lastError"`
	Type      string `json:"type"`
	State     string `json:"state"`
}

// getJSON decodes the JSON answer of a GET to Prometheus' API.
func (s *Stack) getJSON(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.PrometheusURL+path, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	return json.NewDecoder(resp.Body).Decode(v)
}
