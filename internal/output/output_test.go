package output

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

var update = goldentest.Flag()

func sampleReport() model.Report {
	t0 := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	inv := model.Inventory{
		Scan: model.Scan{Started: t0, Finished: t0.Add(1500 * time.Millisecond), CollectorRuns: []model.CollectorRun{
			{Collector: "source", Scope: model.Scope{ID: "source:repo", Provider: "source", Kind: "directory", Name: "repo"}, Status: model.StatusOK, Started: t0,
				Duration: model.Duration(time.Second), Assets: 3, Stats: map[string]int64{"files_scanned": 120, "skipped_binary": 2, "skipped_ignored": 5, "parse_errors": 1}},
			{Collector: "aws", Scope: model.Scope{ID: "aws:111122223333:eu-west-1", Provider: "aws", Kind: "account_region"}, Status: model.StatusFailed,
				ErrorClass: model.ErrDenied, Error: "list custom models: AccessDenied", Started: t0},
			{Collector: "kubernetes", Scope: model.Scope{ID: "kubernetes", Provider: "kubernetes", Kind: "collector"}, Status: model.StatusSkipped, Reason: "no kubeconfig", Started: t0},
		}},
		Assets: []model.Asset{
			{ID: "file://repo/.env#key-0123456789ab", Provider: "openai", Kind: model.KindAPIKey, DeploymentType: model.APISaaS, Name: "k",
				Secret: &model.Fingerprint{Kind: "openai_project_key", Prefix: "sk-p", SHA256: "0123456789ab", Location: ".env:2"}},
			{ID: "file://repo/requirements.txt#pypi:openai", Provider: "openai", Kind: model.KindSDKDependency, DeploymentType: model.APISaaS, Name: "openai",
				Facts: []model.Fact{model.Bool("dependency.pinned", true, model.Observed, "file:requirements.txt")}},
			{ID: "file://repo/deploy/vllm.yaml#deployment/ml/chat", Provider: "source", Kind: model.KindInferenceWorkload, DeploymentType: model.SelfHosted, Name: "chat",
				Facts: []model.Fact{model.Int("gpu.requested", 1, model.Declared, "")}},
		},
	}
	return model.NewReport(inv, nil)
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldentest.Compare(t, filepath.Join("testdata", name), got, update)
}

func TestTableGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, "table", sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.table.golden", b.Bytes())
}

func TestJSONGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, "json", sampleReport()); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json.golden", b.Bytes())
	var back model.Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sampleReport(), back); diff != "" {
		t.Errorf("JSON does not round-trip (-want +got):\n%s", diff)
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	if err := Render(&bytes.Buffer{}, "xml", sampleReport()); err == nil {
		t.Error("unknown format accepted")
	}
}

func TestWriteFileAtomicKeepsOldFileOnError(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out.json")
	os.WriteFile(p, []byte("previous"), 0o644)
	err := WriteFileAtomic(p, func(w io.Writer) error {
		w.Write([]byte("half"))
		return os.ErrClosed
	})
	if err == nil {
		t.Fatal("error swallowed")
	}
	if b, _ := os.ReadFile(p); string(b) != "previous" {
		t.Errorf("file = %q, want the previous content kept", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary file left: %v", entries)
	}
}

// The table lists keys written in files and unsafe model files at their
// file:line, production findings first, never the secret.
func TestTableFindings(t *testing.T) {
	key := func(path string, line int, ctx string) model.Asset {
		return model.Asset{ID: "k" + path, Kind: model.KindAPIKey, Scope: "source:repo", Location: &model.Location{Path: path, Line: line},
			Secret: &model.Fingerprint{Kind: "openai_project_key", Prefix: "sk-p", Suffix: "N5KX"},
			Facts: []model.Fact{model.Bool("key.literal_in_source", true, model.Observed, "f"), model.String("key.kind", "openai_project_key", model.Inferred, "f"),
				model.String("source.context", ctx, model.Inferred, "f")}}
	}
	r := model.Report{Assets: []model.Asset{
		key("tests/test_a.py", 3, "test"), key("app/main.py", 7, "production"),
		{ID: "m", Kind: model.KindModelFile, Scope: "source:repo", Location: &model.Location{Path: "models/m.safetensors"},
			Facts: []model.Fact{model.Bool("model.serialization_safe", true, model.Observed, "f")}},
		{ID: "p", Kind: model.KindSerializedData, Scope: "source:repo", Location: &model.Location{Path: "data/x.pkl"},
			Facts: []model.Fact{model.Bool("model.serialization_safe", false, model.Observed, "f"), model.String("model.format", "pickle", model.Observed, "f")}},
	}}
	var b strings.Builder
	if err := Table(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	i, j, k := strings.Index(out, "repo/app/main.py:7"), strings.Index(out, "repo/tests/test_a.py:3"), strings.Index(out, "repo/data/x.pkl")
	if i < 0 || j < 0 || k < 0 || j < i || strings.Contains(out, "m.safetensors") {
		t.Errorf("findings:\n%s", out)
	}
}

// TestTableNamesWhereControlsFail: under a failing next step the table
// names the first failing subjects where they are (a file and line, the
// pod env holding a key, a resource id) and how many more; a literal key in
// a pod's environment is a FINDING like one in a file; failing steps come
// before those without evidence.
func TestTableNamesWhereControlsFail(t *testing.T) {
	lit := model.Bool("key.literal_in_source", true, model.Observed, "f")
	r := model.Report{
		Assets: []model.Asset{
			{ID: "file://repo/app/main.py#key-1", Kind: model.KindAPIKey, Scope: "source:.", Location: &model.Location{Path: "app/main.py", Line: 7},
				Secret: &model.Fingerprint{Prefix: "sk-p", Suffix: "AAAA"}, Facts: []model.Fact{lit}},
			{ID: "k8s://prod/ml/deployment/vllm#key-2", Kind: model.KindAPIKey, Scope: "kube:prod",
				Secret: &model.Fingerprint{Prefix: "sk-a", Suffix: "BBBB", Location: "k8s:ml/deployment/vllm env OPENAI_API_KEY"}, Facts: []model.Fact{lit}},
		},
		Assessment: &model.Assessment{Categories: []model.Category{
			{ID: "ORG", Name: "Governance", Controls: []model.ControlResult{{ID: "ORG.2.owner-tags", Mode: "automated", Result: model.Unknown}},
				NextSteps: []model.NextStep{{Control: "ORG.2.owner-tags", Level: 2, Remediation: "tag them"}}},
			{ID: "IAM", Name: "Identity", Controls: []model.ControlResult{{ID: "IAM.2.no-literal-keys", Mode: "automated", Result: model.Fail,
				Applicable: 6, Failing: []string{"file://repo/app/main.py#key-1", "k8s://prod/ml/deployment/vllm#key-2", "arn:aws:sagemaker:eu-west-1:1:endpoint/x", "gone-1"}}},
				NextSteps: []model.NextStep{{Control: "IAM.2.no-literal-keys", Level: 2, Remediation: "move keys to a secret store"}}},
		}},
	}
	var b strings.Builder
	if err := Table(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	steps := out[strings.Index(out, "NEXT STEPS"):]
	for _, want := range []string{"failing on 6 of 6", "at app/main.py:7", "at k8s:ml/deployment/vllm env OPENAI_API_KEY",
		"at arn:aws:sagemaker:eu-west-1:1:endpoint/x", "... 3 more: aisight controls explain IAM.2.no-literal-keys --report REPORT.json"} {
		if !strings.Contains(steps, want) {
			t.Errorf("next steps lack %q:\n%s", want, steps)
		}
	}
	if strings.Contains(steps, "gone-1") || strings.Index(steps, "IAM.2.no-literal-keys") > strings.Index(steps, "ORG.2.owner-tags") {
		t.Errorf("next steps: a fourth subject shown, or the failing step not first:\n%s", steps)
	}
	findings := out[strings.Index(out, "FINDINGS"):strings.Index(out, "CATEGORY")]
	if !strings.Contains(findings, "k8s:ml/deployment/vllm env OPENAI_API_KEY") || !strings.Contains(findings, "app/main.py:7") {
		t.Errorf("FINDINGS does not list both literal keys:\n%s", findings)
	}
}

// TestJSONStreamsAsEncodingJSONWould: the report's JSON, written an asset
// at a time, is byte for byte what one encoding/json Encode of the whole
// report gives, whatever the assets: none (null), an empty list, the
// golden estates' (<, >, & in names and paths kept as they are).
func TestJSONStreamsAsEncodingJSONWould(t *testing.T) {
	reports := map[string]model.Report{"nil assets": {SchemaVersion: model.SchemaVersion}, "empty assets": {SchemaVersion: model.SchemaVersion, Assets: []model.Asset{}}}
	for _, estate := range estates {
		reports[estate] = estateReport(t, estate)
	}
	odd := estateReport(t, "well-run")
	odd.Assets = append(odd.Assets, model.Asset{ID: "x<&>\u2028", Name: "  \"assets\": null", Kind: model.KindModel})
	reports["odd names"] = odd
	for name, r := range reports {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		if err := JSON(&got, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("%s: streamed JSON differs from encoding/json's (%d vs %d bytes)", name, got.Len(), want.Len())
		}
	}
}

// A name or path from a scanned file cannot drive the terminal: control
// and bidi characters are shown escaped in the table.
func TestTableEscapesControlCharacters(t *testing.T) {
	r := model.Report{Assets: []model.Asset{{ID: "file://r/x", Kind: model.KindAPIKey, Provider: "openai", Name: "key in \x1b]0;owned\x07\x1b[2J\rfake\nROW\u202e.py",
		Location: &model.Location{Path: "\x1b]0;owned\x07\u202eyp.py", Line: 1}, Secret: &model.Fingerprint{Kind: "openai_api_key", Prefix: "sk-p", Suffix: "abcd", SHA256: "0123"},
		Facts: []model.Fact{model.Bool("key.literal_in_source", true, model.Observed, "t")}}}}
	r.Scan.CollectorRuns = []model.CollectorRun{{Collector: "source", Scope: model.Scope{ID: "source:\x1b[2Jrepo\r"}, Status: model.StatusOK}}
	var b strings.Builder
	if err := Table(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `\x1b]0;owned`) {
		t.Errorf("the escaped name is not shown:\n%s", b.String())
	}
	for _, bad := range []string{"\x1b", "\r", "\u202e", "\x07"} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("table holds %q raw:\n%s", bad, b.String())
		}
	}
}

// A service's long error (GCP's SERVICE_DISABLED runs to hundreds of
// characters) is cut in the table's DETAIL column, saying where it is whole.
func TestTableDetailIsBounded(t *testing.T) {
	long := "Vertex AI API has not been used in project 123 before or it is disabled. Enable it by visiting " + strings.Repeat("https://console.developers.google.com/apis/api/aiplatform.googleapis.com/overview?project=123 ", 4)
	r := model.Report{Scan: model.Scan{CollectorRuns: []model.CollectorRun{{Collector: "gcp", Scope: model.Scope{ID: "gcp:p"},
		Status: model.StatusFailed, ErrorClass: model.ErrNotEnabled, Error: long}}}}
	var b strings.Builder
	if err := Table(&b, r); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\n") {
		if strings.HasPrefix(line, "gcp") {
			if n := len([]rune(line)); n > 220 || !strings.HasSuffix(line, "… (-o json)") {
				t.Errorf("a %d-character line: %q", n, line)
			}
		}
	}
}
