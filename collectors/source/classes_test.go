package source

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aisight/aisight/model"
)

// Ground truth per detection class (issue 13's classes): each directory
// under testdata/classes is a tree built from the shapes real projects use,
// positives beside negatives, with a truth.txt listing every finding a
// person reading the tree would want reported, one per line:
//
//	api_key  PATH:LINE[@CELL]  KEY_KIND  CONTEXT
//	model    PATH:LINE[@CELL]  MODEL_ID  CONTEXT
//	hosted_model PATH:LINE[@CELL] PROVIDER MODEL CONTEXT
//	inference_workload PATH:LINE NAME [RUNTIME] [MODEL] [GPUS]
//	mcp_server PATH:LINE NAME TRANSPORT PACKAGE_OR_URL
//	sdk_dependency PATH:LINE PACKAGE
//	unparsed PATH
//
// Every negative is a line the tree holds and truth.txt does not. The
// test reports recall and precision per class and requires both to be 1:
// a finding missed or a finding invented fails it, with the line named.
func TestDetectionClassesGroundTruth(t *testing.T) {
	dirs, err := filepath.Glob("testdata/classes/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no class fixtures: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			want := readTruth(t, filepath.Join(dir, "truth.txt"))
			inv := scan(t, Options{Paths: []string{dir}, NoIgnore: true})
			got := project(inv)
			var hit int
			for _, w := range want {
				if slices.Contains(got, w) {
					hit++
				} else {
					t.Errorf("missed: %s", w)
				}
			}
			for _, g := range got {
				if !slices.Contains(want, g) {
					t.Errorf("not in the truth: %s", g)
				}
			}
			if b, err := os.ReadFile(filepath.Join(dir, "forbidden.txt")); err == nil {
				js, _ := json.Marshal(inv)
				for _, f := range strings.Fields(string(b)) {
					if strings.Contains(string(js), f) {
						t.Errorf("%q (a secret or an env value of the tree) is in the inventory", f)
					}
				}
			}
			recall := float64(hit) / float64(max(1, len(want)))
			precision := float64(hit) / float64(max(1, len(got)))
			t.Logf("%s: %d expected, %d reported, recall %.2f, precision %.2f", filepath.Base(dir), len(want), len(got), recall, precision)
		})
	}
}

func readTruth(t *testing.T, p string) []string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return out
}

// project reduces an inventory to truth.txt lines.
func project(inv model.Inventory) []string {
	var out []string
	for _, a := range inv.Assets {
		out = append(out, projectAsset(a, true))
	}
	for _, r := range inv.Scan.CollectorRuns {
		for _, n := range r.Notes {
			if p, _, ok := strings.Cut(n, " not parsed: "); ok {
				out = append(out, "unparsed "+p)
			}
		}
	}
	slices.Sort(out)
	return out
}

// projectAsset is one asset's truth line: the classes' form (with the
// source context and the runtime name) or, without them, the corpus form.
func projectAsset(a model.Asset, classes bool) string {
	where := "-"
	if a.Location != nil {
		where = fmt.Sprintf("%s:%d", a.Location.Path, a.Location.Line)
		if classes && a.Location.Cell > 0 {
			where += fmt.Sprintf("@%d", a.Location.Cell)
		}
	}
	str := func(k string) string {
		if v, ok := factValue(a, k).(string); ok && v != "" {
			return v
		}
		return "-"
	}
	ctx := func(fields ...string) string {
		if classes {
			fields = append(fields, str("source.context"))
		}
		return strings.Join(fields, " ")
	}
	switch a.Kind {
	case model.KindAPIKey:
		return ctx("api_key", where, str("key.kind"))
	case model.KindModel:
		if a.DeploymentType == model.APISaaS {
			return ctx("hosted_model", where, a.Provider, a.Name)
		}
		return ctx("model", where, a.Name)
	case model.KindInferenceWorkload:
		gpus := "-"
		if v, ok := factValue(a, "gpu.requested").(int64); ok && v > 0 {
			gpus = fmt.Sprintf("gpus=%d", v)
		}
		if classes {
			return strings.Join([]string{"inference_workload", where, a.Name, str("runtime.name"), str("model.id"), gpus}, " ")
		}
		return strings.Join([]string{"inference_workload", where, a.Name, str("model.id"), gpus}, " ")
	case model.KindMCPServer:
		pkg := str("mcp.url")
		if pkg == "-" {
			pkg = str("mcp.package")
		}
		return strings.Join([]string{"mcp_server", where, a.Name, str("mcp.transport"), pkg}, " ")
	case model.KindModelFile, model.KindSerializedData:
		return strings.Join([]string{string(a.Kind), a.Location.Path, str("model.format"), fmt.Sprintf("safe=%v", factValue(a, "model.serialization_safe"))}, " ")
	case model.KindSDKDependency:
		return strings.Join([]string{"sdk_dependency", where, str("dependency.package")}, " ")
	}
	return strings.Join([]string{string(a.Kind), where, a.Name}, " ")
}

// An AWS access key id with its secret in the same file is a working
// credential; the fact says so (and the scorer never sees a test key).
func TestAWSKeyPairs(t *testing.T) {
	inv := scan(t, Options{Paths: []string{"testdata/classes/keys"}, NoIgnore: true})
	pairs := 0
	for _, a := range inv.Assets {
		if k, _ := factValue(a, "key.kind").(string); strings.HasPrefix(k, "aws_") && strings.HasSuffix(k, "access_key_id") {
			if v, _ := factValue(a, "key.secret_in_same_file").(bool); !v {
				t.Errorf("%s: key.secret_in_same_file is not true", a.Name)
			}
			pairs++
		}
	}
	if pairs != 2 {
		t.Errorf("%d AWS key ids, want 2", pairs)
	}
}

// A remote server reached through a local bridge (npx mcp-remote URL) is
// remote, with its URL stripped of the query and its bridge package pinned
// or not; each server names the client whose configuration holds it.
func TestMCPBridgeAndClient(t *testing.T) {
	inv := scan(t, Options{Paths: []string{"testdata/classes/mcp-configs"}, NoIgnore: true})
	want := map[string]map[string]any{
		"atlassian":      {"mcp.remote": true, "mcp.package": "mcp-remote@0.1.13", "mcp.package_pinned": true, "mcp.client": "vscode", "mcp.url": "https://mcp.atlassian.com/v1/sse"},
		"linear":         {"mcp.client": "codex", "mcp.env_literal_values": int64(1), "mcp.package_pinned": true},
		"mcp-server-git": {"mcp.client": "zed", "mcp.command": "uvx"},
		"slack":          {"mcp.client": "claude_code", "mcp.env_vars": []string{"SLACK_BOT_TOKEN"}},
		"SQLite":         {"mcp.client": "continue", "mcp.package_pinned": false},
	}
	for _, a := range inv.Assets {
		for k, v := range want[a.Name] {
			if got := factValue(a, k); fmt.Sprint(got) != fmt.Sprint(v) {
				t.Errorf("%s %s = %v, want %v", a.Name, k, got, v)
			}
		}
		delete(want, a.Name)
	}
	for name := range want {
		t.Errorf("server %s not reported", name)
	}
}

// A workspace member's manifest is resolved by the lockfile at the
// workspace root: the member crate's async-openai is locked at 0.24.1 by
// rust/Cargo.lock, and that lock entry is not a separate asset.
func TestWorkspaceLockfileResolvesMembers(t *testing.T) {
	inv := scan(t, Options{Paths: []string{"testdata/classes/manifests"}, NoIgnore: true})
	var member bool
	for _, a := range inv.Assets {
		if a.Kind != model.KindSDKDependency || a.Location.Path != "rust/crates/agent/Cargo.toml" || a.Name != "async-openai" {
			continue
		}
		member = true
		if factValue(a, "dependency.locked") != true || factValue(a, "dependency.version") != "0.24.1" || factValue(a, "dependency.lockfile") != "rust/Cargo.lock" {
			t.Errorf("member async-openai: locked %v version %v lockfile %v", factValue(a, "dependency.locked"), factValue(a, "dependency.version"), factValue(a, "dependency.lockfile"))
		}
	}
	if !member {
		t.Error("the member crate's async-openai is not reported")
	}
}
