package reliability

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/collectors"
	awscol "github.com/aisight/aisight/collectors/aws"
	"github.com/aisight/aisight/collectors/kube"
	"github.com/aisight/aisight/collectors/source"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/enrich"
	"github.com/aisight/aisight/internal/sim/apiserver"
	sim "github.com/aisight/aisight/internal/sim/aws"
	"github.com/aisight/aisight/internal/testenv/benchtest"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	harness "github.com/aisight/aisight/internal/testenv/kubeharness"
	"github.com/aisight/aisight/internal/testenv/treetest"
	"github.com/aisight/aisight/model"
	"github.com/aisight/aisight/scoring"
)

var update = goldentest.Flag()

const (
	repo    = "../../testdata/repos/acme-assistant"
	docPath = "../../docs/reliability.md"
)

// row is one line of docs/reliability.md. Measured (what this run took)
// is written by -update and left out of the staleness comparison.
type row struct {
	Fault, Effect, Lost, Outcome, Bound, Measured string
}

// faultRun is what one faulted scan gave, beside its fault-free baseline.
type faultRun struct {
	base, got model.Inventory
	faulted   []string // scope IDs the fault hits
}

// lostOutside lists the baseline assets, outside the faulted scopes, that
// the faulted scan lacks: the number that must be zero.
func (f faultRun) lostOutside() []string {
	have := map[string]bool{}
	for _, a := range f.got.Assets {
		have[a.ID] = true
	}
	var lost []string
	for _, a := range f.base.Assets {
		if !slices.Contains(f.faulted, a.Scope) && !have[a.ID] {
			lost = append(lost, a.ID)
		}
	}
	return lost
}

// outcome says how the faulted scopes ended (or that every scope is ok).
func (f faultRun) outcome() string {
	var parts []string
	bad := 0
	for _, r := range f.got.Scan.CollectorRuns {
		if r.Status != model.StatusOK && r.Status != model.StatusSkipped {
			bad++
		}
		if slices.Contains(f.faulted, r.Scope.ID) {
			parts = append(parts, fmt.Sprintf("`%s` %s/%s", r.Scope.ID, r.Status, r.ErrorClass))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 && bad == 0 {
		return fmt.Sprintf("all %d scopes ok", len(f.got.Scan.CollectorRuns))
	}
	return strings.Join(parts, ", ")
}

// unknownNotPass fails t when a control fed by a collector that failed or
// was partial somewhere is a pass: unknown is never pass.
func unknownNotPass(t *testing.T, inv model.Inventory) {
	t.Helper()
	cat, err := scoring.Load("")
	if err != nil {
		t.Fatal(err)
	}
	gaps := map[string]bool{}
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status == model.StatusFailed || r.Status == model.StatusPartial {
			gaps[r.Collector] = true
		}
	}
	a := scoring.Assess(inv, cat, nil)
	for _, c := range a.Categories {
		for _, r := range c.Controls {
			ctl, _ := cat.Control(r.ID)
			for _, from := range ctl.EvidenceFrom {
				if gaps[from] && r.Result == model.Pass {
					t.Errorf("%s passes although %s failed for a scope it needs", r.ID, from)
				}
			}
		}
	}
}

func sourceCollector(t *testing.T) collectors.Plan {
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	// A copy outside aisight's own work tree, as the binary's scans see it
	// (in place, git's rule scans the fixture's tracked ignored files).
	dst := treetest.Export(t, repo)
	return collectors.Plan{Name: source.Name, Collector: source.New(source.Options{Paths: []string{dst}}, cat)}
}

func run(plans []collectors.Plan, o collectors.Options) model.Inventory {
	if o.ScopeTimeout == 0 {
		o.ScopeTimeout = time.Minute
	}
	o.RetryBackoff = 10 * time.Millisecond
	inv := collectors.NewRunner(o).Run(context.Background(), plans)
	enrich.Apply(&inv, enrich.Options{})
	return inv
}

// awsEnv points the SDK at an emulator with the given faults.
func awsEnv(t *testing.T, f sim.Faults) {
	t.Helper()
	estate, err := sim.LoadEstate("../../collectors/aws/testdata/org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	estate.Faults = f
	srv := sim.Start(estate)
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": sim.AccessKeyID("111111111111"), "AWS_SECRET_ACCESS_KEY": "emulated",
		"AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "AWS_SESSION_TOKEN": "", "AWS_PROFILE": "",
		"AWS_CONFIG_FILE": filepath.Join(dir, "config"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
	} {
		t.Setenv(k, v)
	}
}

func awsPlans(t *testing.T, f sim.Faults) []collectors.Plan {
	t.Helper()
	awsEnv(t, f)
	c, err := awscol.New(context.Background(), awscol.Options{Org: true, RoleName: "aisight-readonly", Regions: []string{"us-east-1", "eu-west-1"},
		MaxAttempts: 12, MaxBackoff: 20 * time.Millisecond, RatePerAccount: 2000, RetryMode: os.Getenv("AWS_RETRY_MODE")})
	if err != nil {
		t.Fatal(err)
	}
	return []collectors.Plan{sourceCollector(t), {Name: awscol.Name, Collector: c}}
}

func TestReliability(t *testing.T) {
	var rows []row
	record := func(t *testing.T, fault, effect, bound string, f faultRun) {
		t.Helper()
		lost := f.lostOutside()
		if len(lost) != 0 {
			t.Errorf("%d assets lost outside the faulted scope: %v", len(lost), lost)
		}
		unknownNotPass(t, f.got)
		rows = append(rows, row{fault, effect, fmt.Sprint(len(lost)), f.outcome(), bound, ""})
	}

	t.Run("aws", func(t *testing.T) {
		base := run(awsPlans(t, sim.Faults{}), collectors.Options{})
		if len(base.Assets) < 40 {
			t.Fatalf("baseline has %d assets", len(base.Assets))
		}
		t.Run("throttling storm", func(t *testing.T) {
			// Standard retry: adaptive mode (the default) would pace this
			// storm down to half a request per second, correct against
			// AWS, where throttling follows the rate, but minutes long
			// against an emulator that throttles half of every call.
			t.Setenv("AWS_RETRY_MODE", "standard")
			got := run(awsPlans(t, sim.Faults{ThrottleRate: 0.5, Seed: 7}), collectors.Options{})
			f := faultRun{base: base, got: got}
			if o := f.outcome(); !strings.HasPrefix(o, "all ") {
				t.Errorf("throttling is retried, yet: %s", o)
			}
			record(t, "AWS: 50% of calls throttled (standard retry mode)", "none (each call retried by the SDK)", "", f)
		})
		t.Run("5xx bursts", func(t *testing.T) {
			got := run(awsPlans(t, sim.Faults{ServerErrorRate: 0.3, Seed: 3}), collectors.Options{})
			f := faultRun{base: base, got: got}
			if o := f.outcome(); !strings.HasPrefix(o, "all ") {
				t.Errorf("5xx is retried, yet: %s", o)
			}
			record(t, "AWS: 30% of calls answered 500/503", "none (retried)", "", f)
		})
		t.Run("connection resets", func(t *testing.T) {
			got := run(awsPlans(t, sim.Faults{ResetRate: 0.2, Seed: 5}), collectors.Options{})
			f := faultRun{base: base, got: got}
			if o := f.outcome(); !strings.HasPrefix(o, "all ") {
				t.Errorf("resets are retried, yet: %s", o)
			}
			record(t, "AWS: 20% of connections reset before an answer", "none (retried)", "", f)
		})
		t.Run("slower than the scope timeout", func(t *testing.T) {
			start := time.Now()
			got := run(awsPlans(t, sim.Faults{Slow: []sim.SlowWhere{{Where: sim.Where{Account: "222222222222", Region: "eu-west-1"}, Millis: 5000}}}),
				collectors.Options{ScopeTimeout: 700 * time.Millisecond, Retries: -1})
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %s", d)
			}
			f := faultRun{base: base, got: got, faulted: []string{"aws:222222222222:eu-west-1"}}
			if r := runOf(t, got, "aws:222222222222:eu-west-1"); r.Status != model.StatusFailed || r.ErrorClass != model.ErrUnavailable {
				t.Errorf("slow scope: %s/%s", r.Status, r.ErrorClass)
			}
			record(t, "AWS: one account-region answers after 5s, scope timeout 0.7s", "that scope", "the scope fails within its timeout", f)
		})
		t.Run("denied account", func(t *testing.T) {
			got := run(awsPlans(t, sim.Faults{Denied: []sim.Where{{Account: "333333333333", Region: "*"}}}), collectors.Options{})
			f := faultRun{base: base, got: got, faulted: []string{"aws:333333333333", "aws:333333333333:us-east-1", "aws:333333333333:eu-west-1"}}
			for _, id := range f.faulted {
				if r := runOf(t, got, id); r.Status != model.StatusFailed || r.ErrorClass != model.ErrDenied {
					t.Errorf("%s: %s/%s", id, r.Status, r.ErrorClass)
				}
			}
			record(t, "AWS: every call of one member account denied", "that account's scopes", "", f)
		})
	})

	t.Run("kubernetes", func(t *testing.T) {
		s := harness.Private(t)
		ctx := context.Background()
		estate := kubeEstate(t, s)
		good, err := s.ServiceAccountToken(ctx, "aisight", "reader")
		if err != nil {
			t.Fatal(err)
		}
		nobody, err := s.ServiceAccountToken(ctx, "aisight", "nobody")
		if err != nil {
			t.Fatal(err)
		}
		plans := func(t *testing.T, tokens map[string]string, qps float32) []collectors.Plan {
			kc := filepath.Join(t.TempDir(), "kubeconfig")
			if err := s.WriteKubeconfig(kc, tokens); err != nil {
				t.Fatal(err)
			}
			cat, _ := fingerprint.Load()
			c, err := kube.New(kube.Options{Kubeconfig: kc, PageSize: 2, QPS: qps, Burst: 1, RequestTimeout: 5 * time.Second}, cat)
			if err != nil {
				t.Fatal(err)
			}
			return []collectors.Plan{sourceCollector(t), {Name: kube.Name, Collector: c}}
		}
		base := run(plans(t, map[string]string{"good": good}, 0), collectors.Options{})
		if n := countPrefix(base, "k8s://good/"); n != estate {
			t.Fatalf("baseline found %d AI workloads, the estate has %d", n, estate)
		}
		t.Run("denied cluster", func(t *testing.T) {
			got := run(plans(t, map[string]string{"good": good, "denied": nobody}, 0), collectors.Options{})
			f := faultRun{base: base, got: got, faulted: []string{"kubernetes:denied"}}
			if r := runOf(t, got, "kubernetes:denied"); r.Status != model.StatusFailed || r.ErrorClass != model.ErrDenied {
				t.Errorf("denied cluster: %s/%s %s", r.Status, r.ErrorClass, r.Error)
			}
			record(t, "Kubernetes: a context whose account may read nothing", "that cluster", "", f)
		})
		t.Run("apiserver restarted mid-scan", func(t *testing.T) {
			restarted := make(chan error, 1)
			go func() {
				time.Sleep(700 * time.Millisecond)
				restarted <- s.RestartAPIServer(ctx)
			}()
			start := time.Now()
			got := run(plans(t, map[string]string{"good": good}, 8), collectors.Options{ScopeTimeout: 2 * time.Minute})
			if err := <-restarted; err != nil {
				t.Fatal(err)
			}
			t.Logf("scan with a restart took %s", time.Since(start).Round(time.Millisecond))
			f := faultRun{base: base, got: got, faulted: []string{"kubernetes:good"}}
			r := runOf(t, got, "kubernetes:good")
			if r.Status == model.StatusOK && countPrefix(got, "k8s://good/") != estate {
				t.Errorf("an ok run lost workloads: %d of %d", countPrefix(got, "k8s://good/"), estate)
			}
			// Just after a restart the apiserver's RBAC cache is empty and
			// it answers some lists 403 for a moment: denied is as honest
			// as unavailable here; what may never happen is a silent loss.
			if r.Status != model.StatusOK && r.ErrorClass != model.ErrUnavailable && r.ErrorClass != model.ErrDenied {
				t.Errorf("restart: %s/%s %s", r.Status, r.ErrorClass, r.Error)
			}
			// The restart's effect depends on timing: the row states the
			// guarantee (ok with everything, or unavailable), not one run.
			record(t, "Kubernetes: the API server killed and restarted during a scan", "that cluster", "", f)
			rows[len(rows)-1].Outcome = "`kubernetes:good` ok with every workload, or partial/failed as unavailable (or denied, while the restarted server's RBAC cache refills): never a silent loss"
		})
	})

	bin := benchtest.Binary(t, "../..")
	t.Run("hostile input", func(t *testing.T) {
		var ids []string
		for _, a := range run([]collectors.Plan{sourceCollector(t)}, collectors.Options{}).Assets {
			ids = append(ids, a.ID)
		}
		testHostile(t, bin, ids, func(r row) { rows = append(rows, r) })
		t.Run("serve under siege", func(t *testing.T) { rows = append(rows, testServeUnderSiege(t, bin)) })
	})

	t.Run("pushgateway never answers", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		go func() { // accept and hold every connection, answering nothing
			var conns []net.Conn
			for {
				c, err := ln.Accept()
				if err != nil {
					for _, c := range conns {
						c.Close()
					}
					return
				}
				conns = append(conns, c)
			}
		}()
		out := filepath.Join(t.TempDir(), "report.json")
		cmd := exec.Command(bin, "scan", "-q", "--kube=off", "--aws=off", "-o", "json", "--out", out,
			"--push-gateway", "http://"+ln.Addr().String(), "--push-timeout", "1s", repo)
		start := time.Now()
		msg, err := cmd.CombinedOutput()
		took := time.Since(start)
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(msg), "no answer within 1s") || took > 15*time.Second {
			t.Errorf("exit %v after %s: %s", err, took, msg)
		}
		base := run([]collectors.Plan{sourceCollector(t)}, collectors.Options{})
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatalf("no report: %v", err)
		}
		var lost []string
		for _, a := range base.Assets {
			if !strings.Contains(string(b), `"id": "`+a.ID+`"`) {
				lost = append(lost, a.ID)
			}
		}
		if len(lost) != 0 {
			t.Errorf("the report lacks %v", lost)
		}
		rows = append(rows, row{"Pushgateway: accepts the connection and never answers", "the push", fmt.Sprint(len(lost)),
			"report written, push fails as \"no answer within --push-timeout\", exit 1", "`--push-timeout` (1s in the test)", fmt.Sprintf("%.1f s", took.Seconds())})
	})

	writeOrCompare(t, rows)
}

func runOf(t *testing.T, inv model.Inventory, scope string) model.CollectorRun {
	t.Helper()
	for _, r := range inv.Scan.CollectorRuns {
		if r.Scope.ID == scope {
			return r
		}
	}
	t.Fatalf("no run for %s", scope)
	return model.CollectorRun{}
}

func countPrefix(inv model.Inventory, p string) int {
	n := 0
	for _, a := range inv.Assets {
		if strings.HasPrefix(a.ID, p) {
			n++
		}
	}
	return n
}

// kubeEstate applies a small cluster (AI workloads, a reader and an
// account with no rights) and returns how many AI workloads it holds.
func kubeEstate(t *testing.T, s *apiserver.Server) int {
	t.Helper()
	ctx := context.Background()
	role, err := os.ReadFile("../../deploy/kubernetes/base/clusterrole.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := string(role) + "\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: llm}\n"
	const workloads = 6
	for i := range workloads {
		m += fmt.Sprintf(`---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm-%d, namespace: llm}
spec:
  selector: {matchLabels: {app: vllm-%d}}
  template:
    metadata: {labels: {app: vllm-%d}}
    spec:
      containers: [{name: vllm, image: "vllm/vllm-openai:v0.8.4", args: [--model, meta-llama/Llama-3.1-8B-Instruct]}]
`, i, i, i)
	}
	m += "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: reader}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: aisight-reader}\nsubjects: [{kind: ServiceAccount, name: reader, namespace: aisight}]\n"
	if _, err := s.ServiceAccountToken(ctx, "aisight", "reader"); err != nil { // creates the namespace and account
		t.Fatal(err)
	}
	if err := s.Apply(ctx, []byte(m)); err != nil {
		t.Fatal(err)
	}
	return workloads
}

// writeOrCompare renders the rows as docs/reliability.md's table: with
// -update it rewrites the file, otherwise the file must hold this table.
func writeOrCompare(t *testing.T, rows []row) {
	t.Helper()
	var b strings.Builder
	b.WriteString("| fault | scope of effect | assets lost outside it | outcome | bound | measured (last -update) |\n|---|---|---|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.Fault, r.Effect, r.Lost, r.Outcome, r.Bound, r.Measured)
	}
	writeGenerated(t, "<!-- reliability table: generated -->\n", "<!-- end of generated table -->\n", b.String(), true)
}

// writeGenerated puts a table between two markers of docs/reliability.md
// with -update; without it the file must hold that table (its last
// column left out of the comparison when measured is set).
func writeGenerated(t *testing.T, begin, end, table string, measured bool) {
	t.Helper()
	doc, err := os.ReadFile(docPath)
	if err != nil && !update.Matches(docPath) {
		t.Fatal(err)
	}
	i, j := strings.Index(string(doc), begin), strings.Index(string(doc), end)
	if update.Matches(docPath) {
		if i < 0 || j < i {
			t.Fatalf("%s lacks the generated-table markers", docPath)
		}
		out := string(doc[:i+len(begin)]) + table + string(doc[j:])
		if err := os.WriteFile(docPath, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if i < 0 || j < i {
		t.Fatalf("%s lacks the generated-table markers", docPath)
	}
	have := string(doc[i+len(begin) : j])
	if measured {
		have, table = withoutMeasured(have), withoutMeasured(table)
	}
	if d := cmp.Diff(have, table); d != "" {
		t.Errorf("%s is stale; run go test ./internal/reliability -update (-doc +results):\n%s", docPath, d)
	}
}

// withoutMeasured drops each table row's last cell (the measured figures).
func withoutMeasured(table string) string {
	var out []string
	for _, l := range strings.Split(table, "\n") {
		l = strings.TrimSuffix(l, " |")
		if i := strings.LastIndex(l, " | "); i >= 0 {
			l = l[:i]
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
