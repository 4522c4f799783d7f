package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aisight/aisight/model"
)

// Every report format through the CLI on the example repository: each is
// written atomically with --out and holds what the scan found.
func TestReportFormatsThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	for format, want := range map[string][2]string{
		"cyclonedx": {`"specVersion": "1.7"`, "meta-llama"}, "spdx": {`"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"`, "meta-llama"},
		"sarif": {`"version": "2.1.0"`, `"uri": "src/train.py"`}, "html": {`<meta http-equiv="Content-Security-Policy"`, "meta-llama"},
	} {
		out := filepath.Join(dir, "report."+format)
		if r := runCLI(t, "scan", "-o", format, "--out", out, "--fail-under", "ORG=1", fixture); r.code != exitOK {
			t.Fatalf("-o %s: exit %d %s", format, r.code, r.stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), want[0]) || !strings.Contains(string(b), want[1]) {
			t.Errorf("-o %s lacks %q or %q", format, want[0], want[1])
		}
	}
	r := runCLI(t, "scan", "-o", "cyclonedx", "--cyclonedx-version", "1.6", fixture)
	if r.code != exitOK || !strings.Contains(r.stdout, `"specVersion": "1.6"`) {
		t.Errorf("--cyclonedx-version 1.6: exit %d", r.code)
	}
	if r := runCLI(t, "scan", "-o", "cyclonedx", "--cyclonedx-version", "1.5", fixture); r.code != exitUsage {
		t.Errorf("--cyclonedx-version 1.5: exit %d, want %d", r.code, exitUsage)
	}
}

// diff on two scans of a repository, before and after a key and an
// unregistered workload were committed: the gates trip, and markdown
// renders for a pull request.
func TestDiffThroughTheCLI(t *testing.T) {
	dir := t.TempDir()
	repo := filepath.Join(dir, "repo")
	if out, err := exec.Command("cp", "-r", fixture, repo).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	reg := filepath.Join(dir, "registry.yaml")
	os.WriteFile(reg, []byte("assets:\n  - id: \"file://repo/*\"\n"), 0o600)
	old := filepath.Join(dir, "old.json")
	if r := runCLI(t, "scan", "-o", "json", "--out", old, "--registry", reg, repo); r.code != exitOK {
		t.Fatalf("first scan: exit %d %s", r.code, r.stderr)
	}
	os.WriteFile(filepath.Join(repo, "leak.py"), []byte("import anthropic\nclient = anthropic.Anthropic(api_key=\"sk-ant-api03-1MULwJodFX1GOZrhrztAQpiN0k8s0Rc3VgTg9VaZEoBFUhIiJyqGNSOvQmIQbgSc7I8gzNHj_crZ_YxzGtoBgNOOgu1lNAA\")\n"), 0o600)
	new := filepath.Join(dir, "new.json")
	if r := runCLI(t, "scan", "-o", "json", "--out", new, "--registry", reg, repo); r.code != exitOK {
		t.Fatalf("second scan: exit %d %s", r.code, r.stderr)
	}
	if r := runCLI(t, "diff", old, old, "--fail-on", "new-shadow,new-key,regression"); r.code != exitOK || !strings.Contains(r.stdout, "No changes") {
		t.Errorf("a report against itself: exit %d %s %s", r.code, r.stdout, r.stderr)
	}
	r := runCLI(t, "diff", old, new, "--fail-on", "new-key")
	if r.code != exitShort || !strings.Contains(r.stderr, "new-key") || !strings.Contains(r.stderr, "leak.py:2") {
		t.Errorf("a new key: exit %d, stderr %s", r.code, r.stderr)
	}
	md := runCLI(t, "diff", old, new, "-o", "markdown")
	if md.code != exitOK || !strings.Contains(md.stdout, "### aisight:") || !strings.Contains(md.stdout, "leak.py") {
		t.Errorf("markdown: exit %d\n%s", md.code, md.stdout)
	}
	if strings.Contains(md.stdout, "Zq8Zq8Zq8") {
		t.Error("the diff shows a key value")
	}
	js := runCLI(t, "diff", old, new, "-o", "json")
	var res struct {
		Added []struct{ ID string } `json:"added"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &res); err != nil || len(res.Added) == 0 {
		t.Errorf("json: %v %s", err, js.stdout)
	}
	if r := runCLI(t, "diff", old, filepath.Join(dir, "missing.json")); r.code != exitUsage {
		t.Errorf("a missing report: exit %d", r.code)
	}
	if r := runCLI(t, "diff", old, new, "--fail-on", "everything"); r.code != exitUsage {
		t.Errorf("an unknown gate: exit %d", r.code)
	}
}

// An approved-model list gives MOD.3.approved-models evidence: the
// example's pinned Llama is approved, the unpinned Mistral is not, so the
// control fails instead of staying unknown; the stale entry is reported.
func TestApprovedModelsThroughTheCLI(t *testing.T) {
	reg := filepath.Join(t.TempDir(), "registry.yaml")
	os.WriteFile(reg, []byte(`approved_models:
  - id: meta-llama/Llama-3.1-8B-Instruct
  - id: google/gemma-*   # not used
`), 0o600)
	r := runCLI(t, "scan", "-o", "json", "--registry", reg, fixture)
	if r.code != exitOK {
		t.Fatalf("exit %d %s", r.code, r.stderr)
	}
	var rep model.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	approved := map[bool]int{}
	for _, a := range rep.Assets {
		if f, ok := a.Fact("model.approved"); ok {
			approved[f.Value == true]++
		}
	}
	if approved[true] == 0 || approved[false] == 0 {
		t.Errorf("model.approved: %v", approved)
	}
	for _, c := range rep.Assessment.Categories {
		for _, ctl := range c.Controls {
			if ctl.ID == "MOD.3.approved-models" && ctl.Result != model.Fail {
				t.Errorf("MOD.3.approved-models is %s (%s), want fail", ctl.Result, ctl.Reason)
			}
		}
	}
	if rep.Registry == nil || len(rep.Registry.StaleModels) != 1 || !strings.Contains(r.stderr, "stale") {
		t.Errorf("stale approved model not reported: %+v %s", rep.Registry, r.stderr)
	}
}
