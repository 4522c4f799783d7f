package metrics

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/internal/testenv/promtest"
	"github.com/aisight/aisight/model"
)

var update = goldentest.Flag()

func fixtureSnapshot() *Snapshot {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	owner := model.Asset{ID: "k8s://prod/llm/deployment/vllm", Provider: "kubernetes", Scope: "kubernetes:prod", Kind: model.KindInferenceWorkload, DeploymentType: model.SelfHosted, Owner: "ml"}
	owner.SetFact(model.Bool("registry.registered", true, model.Observed, "registry r.yaml"))
	shadow := model.Asset{ID: "k8s://prod/chat/deployment/ollama", Provider: "kubernetes", Scope: "kubernetes:prod", Kind: model.KindInferenceWorkload, DeploymentType: model.SelfHosted}
	shadow.SetFact(model.Bool("registry.registered", false, model.Observed, "registry r.yaml"))
	key := model.Asset{ID: "file://repo/.env#key-1", Provider: "openai", Scope: "source:repo", Kind: model.KindAPIKey, DeploymentType: model.APISaaS}
	oldKey := model.Asset{ID: "arn:aws:iam::1:user/ci#key", Provider: "aws", Scope: "aws:1", Kind: model.KindAPIKey, DeploymentType: model.PaaS,
		Facts: []model.Fact{model.Int("key.age_days", 400, model.Observed, "iam")}}
	odd := model.Asset{ID: "x://1", Provider: "some-new-saas", Scope: "saas:x", Kind: "widget", DeploymentType: model.APISaaS}
	return &Snapshot{
		RegistryLoaded: true,
		Providers:      []string{"aws", "kubernetes", "openai", "source"},
		Scopes:         func(_, scope string) bool { return scope == "kubernetes:stale" },
		Targets:        map[string]model.Level{"ORG": 3},
		Report: model.Report{
			Scan: model.Scan{Started: t0, Finished: t0.Add(90 * time.Second), CollectorRuns: []model.CollectorRun{
				{Collector: "kubernetes", Scope: model.Scope{ID: "kubernetes:prod"}, Status: model.StatusOK, Duration: model.Duration(2 * time.Second), APICalls: 40, Assets: 2},
				{Collector: "kubernetes", Scope: model.Scope{ID: "kubernetes:stale"}, Status: model.StatusFailed, ErrorClass: model.ErrDenied},
				{Collector: "aws", Scope: model.Scope{ID: "aws"}, Status: model.StatusSkipped, Reason: "no credentials"},
			}},
			Assets: []model.Asset{owner, shadow, key, oldKey, odd},
			Assessment: &model.Assessment{Categories: []model.Category{
				{ID: "ORG", Domain: "Foundational", Level: 2, PotentialLevel: 3, Coverage: 0.5, Controls: []model.ControlResult{
					{ID: "ORG.2.owner-tags", Level: 2, Result: model.Pass}, {ID: "ORG.3.registered", Level: 3, Result: model.Fail}}},
				{ID: "IAM", Domain: "Foundational", Level: 1, PotentialLevel: 3, Coverage: 0.25, Controls: []model.ControlResult{
					{ID: "IAM.3.no-cluster-admin", Level: 3, Result: model.Unknown}}},
				{ID: "GOV", Domain: "Foundational", Level: 0, Coverage: 0},
				{ID: "DEV", Domain: "Procedural", Level: 0, Coverage: 0},
			}},
		},
	}
}

func exposition(t *testing.T, s *Snapshot) []byte {
	t.Helper()
	c := New("v1.2.3")
	c.Set(s)
	var buf bytes.Buffer
	mfs, err := Registry(c).Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if err := writeText(&buf, mf); err != nil {
			t.Fatal(err)
		}
	}
	// The Go version in build info differs between machines.
	return []byte(goVersion.ReplaceAllString(buf.String(), `goversion="GO"`))
}

func TestExpositionGolden(t *testing.T) {
	got := exposition(t, fixtureSnapshot())
	goldentest.Compare(t, "testdata/metrics.golden.prom", got, update)
	for _, want := range []string{
		`aisight_shadow_assets{deployment_type="self_hosted",kind="inference_workload",provider="kubernetes"} 1`,
		`aisight_unowned_assets{deployment_type="self_hosted",kind="inference_workload",provider="kubernetes"} 1`,
		`aisight_assets{deployment_type="api_saas",kind="other",provider="other"} 1`,
		`aisight_api_keys{age="over_1y",provider="aws"} 1`,
		`aisight_api_keys{age="unknown",provider="openai"} 1`,
		`aisight_collector_success{collector="kubernetes"} 0`,
		`aisight_collector_success{collector="aws"} 0`,
		`aisight_collector_scopes{collector="kubernetes",status="failed"} 1`,
		`aisight_collector_scopes{collector="kubernetes",status="ok"} 1`,
		`aisight_collector_scope_errors{class="denied",collector="kubernetes"} 1`,
		`aisight_collector_api_calls{collector="kubernetes"} 40`,
		`aisight_scope_success{collector="kubernetes",scope="kubernetes:stale"} 0`,
		`aisight_scope_error_class{class="denied",collector="kubernetes",scope="kubernetes:stale"} 1`,
		`aisight_control_result{category="IAM",control="IAM.3.no-cluster-admin",level="3",result="unknown"} 1`,
		`aisight_domain_maturity_level{domain="Foundational"} 1`,
		`aisight_domain_maturity_level{domain="Procedural"} 0`,
		`aisight_category_target_level{category="ORG",domain="Foundational"} 3`,
	} {
		if !strings.Contains(string(got), want+"\n") {
			t.Errorf("exposition lacks %s", want)
		}
	}
}

func TestPromtoolCheckMetrics(t *testing.T) {
	promtool := promtest.Binary(t, "promtool")
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = bytes.NewReader(exposition(t, fixtureSnapshot()))
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestNoRegistryMeansNoShadowSeries(t *testing.T) {
	s := fixtureSnapshot()
	s.RegistryLoaded = false
	if strings.Contains(string(exposition(t, s)), "aisight_shadow_assets{") {
		t.Error("shadow assets reported without a registry: they are unknown, not zero")
	}
}

func TestBuildInfoWithoutScan(t *testing.T) {
	c := New("v9")
	if n := testutil.CollectAndCount(c); n != 1 {
		t.Errorf("before the first scan: %d series, want only build info", n)
	}
}

// Every metric the exposition has is documented in docs/metrics.md.
func TestEveryMetricIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(exposition(t, fixtureSnapshot())), "\n") {
		if name, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name = strings.Fields(name)[0]
			if !strings.Contains(string(doc), "`"+name+"`") {
				t.Errorf("%s is not documented in docs/metrics.md", name)
			}
		}
	}
}

// A file-tree scope's files are counted by outcome, so a dashboard can
// alert on what a scan could not read; other collectors have no files.
func TestCollectorFilesByOutcome(t *testing.T) {
	c := New("test")
	c.Set(&Snapshot{Report: model.Report{Scan: model.Scan{CollectorRuns: []model.CollectorRun{
		{Collector: "source", Scope: model.Scope{ID: "source:."}, Status: model.StatusPartial, ErrorClass: model.ErrUnparsed,
			Stats: map[string]int64{"files_scanned": 40, "skipped_ignored": 3, "unparsed": 2, "binary_text": 1, "tracked_ignored_scanned": 1}},
		{Collector: "source", Scope: model.Scope{ID: "source:../other"}, Status: model.StatusOK, Stats: map[string]int64{"files_scanned": 2}},
		{Collector: "aws", Scope: model.Scope{ID: "aws:1:us-east-1"}, Status: model.StatusOK},
	}}}})
	want := `# HELP aisight_collector_files Files of the collector's file-tree scopes by outcome: scanned, skipped (and why), or not fully read (unreadable, unparsed, binary_text, too_large: these make the run partial).
# TYPE aisight_collector_files gauge
aisight_collector_files{collector="source",outcome="binary_text"} 1
aisight_collector_files{collector="source",outcome="scanned"} 42
aisight_collector_files{collector="source",outcome="scanned_tracked_ignored"} 1
aisight_collector_files{collector="source",outcome="skipped_binary"} 0
aisight_collector_files{collector="source",outcome="skipped_ignored"} 3
aisight_collector_files{collector="source",outcome="skipped_special"} 0
aisight_collector_files{collector="source",outcome="skipped_symlink"} 0
aisight_collector_files{collector="source",outcome="skipped_too_large"} 0
aisight_collector_files{collector="source",outcome="too_large"} 0
aisight_collector_files{collector="source",outcome="unparsed"} 2
aisight_collector_files{collector="source",outcome="unreadable"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want), "aisight_collector_files"); err != nil {
		t.Error(err)
	}
	if strings.Contains(string(exposition(t, &Snapshot{Report: model.Report{Scan: model.Scan{CollectorRuns: []model.CollectorRun{
		{Collector: "source", Scope: model.Scope{ID: "source:."}, Stats: map[string]int64{"files_scanned": 1}}}}}})), "aisight_scope_") {
		t.Error("per-scope series without --metrics-scopes")
	}
}

func TestScopeSelector(t *testing.T) {
	sel, err := ScopeSelector("aws:111122223333:.*|kubernetes:.*", "kubernetes:dev")
	if err != nil {
		t.Fatal(err)
	}
	for scope, want := range map[string]bool{
		"aws:111122223333:eu-west-1": true, "aws:111122223333": false, "aws:999:aws:111122223333:x": false,
		"kubernetes:prod": true, "kubernetes:dev": false, "kubernetes:dev2": true,
	} {
		if got := sel("", scope); got != want {
			t.Errorf("%s: %v, want %v", scope, got, want)
		}
	}
	if sel, err := ScopeSelector("", ""); sel != nil || err != nil {
		t.Errorf("no --metrics-scopes: a selector (%v)", err)
	}
	for _, bad := range [][2]string{{"(", ""}, {".*", "["}, {"", "x"}} {
		if _, err := ScopeSelector(bad[0], bad[1]); err == nil {
			t.Errorf("%q %q: no error", bad[0], bad[1])
		}
	}
}
