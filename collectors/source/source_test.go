package source

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/testenv/treetest"
	"github.com/aisight/aisight/model"
)

func catalog(t testing.TB) *fingerprint.Catalog {
	t.Helper()
	c, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// scan runs the source collector through the real runner.
func scan(t testing.TB, o Options) model.Inventory {
	t.Helper()
	c := New(o, catalog(t))
	return collectors.NewRunner(collectors.Options{}).Run(context.Background(), []collectors.Plan{{Name: Name, Collector: c}})
}

func byID(inv model.Inventory) map[string]model.Asset {
	m := map[string]model.Asset{}
	for _, a := range inv.Assets {
		m[a.ID] = a
	}
	return m
}

func factValue(a model.Asset, key string) any {
	f, ok := a.Fact(key)
	if !ok {
		return nil
	}
	return f.Value
}

const fixture = "../../testdata/repos/acme-assistant"

// TestFixtureFindsEveryPlantedAsset is the ground truth of the fixture
// repository: every planted asset by kind, with the facts that matter, and
// nothing else.
func TestFixtureFindsEveryPlantedAsset(t *testing.T) {
	inv := scan(t, Options{Paths: []string{treetest.Export(t, fixture)}})
	if runs := inv.Scan.CollectorRuns; len(runs) != 1 || runs[0].Status != model.StatusOK {
		t.Fatalf("runs = %+v", runs)
	}
	got := byID(inv)
	f := "file://acme-assistant/"
	want := map[model.Kind]map[string]map[string]any{
		model.KindAPIKey: {
			f + ".env#key-":                {"key.kind": "openai_project_key", "key.env_var": "OPENAI_API_KEY", "key.file_class": "env_file"},
			f + "config/azure.env#key-":    {"key.kind": "azure_openai_key", "key.env_var": "AZURE_OPENAI_API_KEY"},
			f + "config/settings.py#key-1": {"key.kind": "anthropic_api_key"},
			f + "config/settings.py#key-2": {"key.kind": "google_api_key"},
			f + "config/settings.py#key-3": {"key.kind": "aws_bedrock_api_key"},
			f + "src/train.py#key-":        {"key.kind": "huggingface_token", "key.file_class": "code"},
		},
		model.KindSDKDependency: {
			f + "requirements.txt#pypi:openai":                                                               {"dependency.pinned": true, "dependency.version": "1.54.0", "dependency.locked": false},
			f + "requirements.txt#pypi:anthropic":                                                            {"dependency.pinned": false, "dependency.version_spec": ">=0.40,<1"},
			f + "requirements.txt#pypi:transformers":                                                         {"sdk.category": "local_inference"},
			f + "requirements.txt#pypi:langchain-openai":                                                     {"dependency.version": "0.2.9"},
			f + "services/rag/pyproject.toml#pypi:llama-index-core":                                          {"dependency.locked": true, "dependency.version": "0.12.5", "dependency.lockfile": "services/rag/uv.lock"},
			f + "services/rag/uv.lock#pypi:openai":                                                           {"dependency.direct": false, "dependency.version": "1.55.3"},
			f + "web/package.json#npm:openai":                                                                {"dependency.version_spec": "^4.77.0", "dependency.version": "4.77.3", "dependency.locked": true},
			f + "web/package.json#npm:@anthropic-ai/sdk":                                                     {"dependency.pinned": true},
			f + "web/package.json#npm:@modelcontextprotocol/sdk":                                             {"dependency.dev": true, "dependency.pinned": false},
			f + "tools/agent/go.mod#go:github.com/openai/openai-go":                                          {"dependency.locked": true, "dependency.version": "v1.2.0"},
			f + "tools/agent/go.mod#go:github.com/tmc/langchaingo":                                           {"dependency.direct": false},
			f + "java-svc/pom.xml#maven:dev.langchain4j:langchain4j-open-ai":                                 {"dependency.version": "1.0.0-beta3"},
			f + "kotlin-svc/build.gradle.kts#maven:org.springframework.ai:spring-ai-starter-model-anthropic": {"dependency.pinned": true},
			// imported by src/train.py; requirements.txt declares transformers, not huggingface-hub
			f + "src/train.py#import:pypi:huggingface-hub": {"dependency.evidence": "import", "dependency.declared": false, "dependency.pinned": false},
		},
		model.KindModelFile: {
			f + "models/classifier.safetensors": {"model.format": "safetensors", "model.serialization_safe": true},
			f + "models/legacy.pkl":             {"model.format": "pickle", "model.serialization_safe": false},
			f + "models/tiny.gguf":              {"model.format": "gguf", "model.serialization_safe": true},
		},
		model.KindModel: {
			f + "src/train.py#model:meta-llama/Llama-3.1-8B-Instruct":                                     {"model.revision_pinned": true, "model.reference": "from_pretrained"},
			f + "src/train.py#model:mistralai/Mistral-7B-v0.1":                                            {"model.revision_pinned": false},
			f + "deploy/k8s/vllm.yaml#model:meta-llama/Llama-3.1-8B-Instruct":                             {"model.revision_pinned": true, "model.reference": "cli_arg"},
			f + "deploy/k8s/kserve.yaml#model:distilbert/distilbert-base-uncased-finetuned-sst-2-english": {"model.reference": "hf_uri"},
			f + "charts/assistant/values.yaml#model:Qwen/Qwen2.5-1.5B-Instruct":                           {"model.source": "huggingface"},
			f + "Dockerfile#model:Qwen/Qwen2.5-7B-Instruct":                                               {"model.revision_pinned": false},
		},
		model.KindInferenceWorkload: {
			f + "deploy/k8s/vllm.yaml#deployment/ml-serving/llama-chat": {"runtime.name": "vllm", "image.pinned_digest": true, "gpu.requested": int64(1),
				"model.revision_pinned": true, "identity.default": false, "identity.automount_token": false, "env.credential_from_secret": true, "env.credential_literal": false},
			f + "deploy/k8s/ollama.yaml#statefulset/tools/ollama":              {"runtime.name": "ollama", "image.registry_public": false, "identity.service_account": "default"},
			f + "deploy/k8s/kserve.yaml#inferenceservice/ml-serving/sentiment": {"runtime.name": "kserve", "model.id": "distilbert/distilbert-base-uncased-finetuned-sst-2-english"},
			f + "deploy/k8s/train-job.yaml#job/research/finetune":              {"gpu.requested": int64(4), "workload.kind": "Job"},
			f + "docker-compose.yml#compose:gateway":                           {"runtime.name": "litellm", "runtime.category": "ai_gateway", "env.credential_literal": false},
			f + "docker-compose.yml#compose:vectors":                           {"runtime.name": "qdrant"},
			f + "Dockerfile#dockerfile":                                        {"runtime.name": "tgi", "model.id": "Qwen/Qwen2.5-7B-Instruct"},
			f + "charts/assistant/values.yaml#values:server":                   {"runtime.name": "vllm", "workload.kind": "helm_values"},
		},
		model.KindMCPServer: {
			f + ".cursor/mcp.json#mcp:github":     {"mcp.package": "@modelcontextprotocol/server-github", "mcp.package_pinned": false, "mcp.transport": "stdio"},
			f + ".cursor/mcp.json#mcp:filesystem": {"mcp.package_pinned": true},
			f + ".cursor/mcp.json#mcp:search":     {"mcp.remote": true, "mcp.url": "https://mcp.search.example.com/sse"},
		},
	}
	// Key asset IDs end in a fingerprint; match them by file and order.
	keyIDs := map[string][]string{}
	for id, a := range got {
		if a.Kind == model.KindAPIKey {
			file := id[:strings.Index(id, "#key-")+5]
			keyIDs[file] = append(keyIDs[file], id)
		}
	}
	resolve := func(wantID string) string {
		i := strings.Index(wantID, "#key-")
		if i < 0 {
			return wantID
		}
		file, n := wantID[:i+5], 0
		if rest := wantID[i+5:]; rest != "" {
			n = int(rest[0]-'0') - 1
		}
		ids := keyIDs[file]
		// order by line so the fixture's order decides
		sort.Slice(ids, func(a, b int) bool { return got[ids[a]].Location.Line < got[ids[b]].Location.Line })
		if n < len(ids) {
			return ids[n]
		}
		return wantID
	}
	total := 0
	for kind, assets := range want {
		t.Run(string(kind), func(t *testing.T) {
			for wantID, facts := range assets {
				total++
				a, ok := got[resolve(wantID)]
				if !ok {
					t.Errorf("missing %s %s", kind, wantID)
					continue
				}
				if a.Kind != kind {
					t.Errorf("%s: kind %s, want %s", a.ID, a.Kind, kind)
				}
				for k, v := range facts {
					if diff := cmp.Diff(v, factValue(a, k)); diff != "" {
						t.Errorf("%s fact %s (-want +got):\n%s", a.ID, k, diff)
					}
				}
			}
		})
	}
	if len(got) != total {
		var extra []string
		for id := range got {
			extra = append(extra, id)
		}
		sort.Strings(extra)
		t.Errorf("found %d assets, want exactly %d planted ones: %v", len(got), total, extra)
	}
}

// The negative repository holds confusables only; its one AI asset is the
// API model its client names (model = "gpt-4o"), which is OpenAI's hosted
// model, never a Hub or self-hosted one.
func TestNegativeFixtureFindsNothing(t *testing.T) {
	inv := scan(t, Options{Paths: []string{"../../testdata/repos/negative"}})
	hosted := 0
	for _, a := range inv.Assets {
		if a.Kind == model.KindModel && a.DeploymentType == model.APISaaS && a.Provider == "openai" && a.Name == "gpt-4o" {
			hosted++
			continue
		}
		t.Errorf("confusable reported as %s: %s", a.Kind, a.ID)
	}
	if hosted != 1 {
		t.Errorf("the client's API model gpt-4o reported %d times, want once (as api_saas)", hosted)
	}
}

func TestGitignoreAndNoIgnore(t *testing.T) {
	dir := treetest.Export(t, fixture)
	def := byID(scan(t, Options{Paths: []string{dir}}))
	all := byID(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	var extra []string
	for id := range all {
		if _, ok := def[id]; !ok {
			extra = append(extra, strings.SplitN(id, "#", 2)[0])
		}
	}
	sort.Strings(extra)
	want := []string{"file://acme-assistant/debug.log", "file://acme-assistant/ignored/leak.env"}
	if diff := cmp.Diff(want, extra); diff != "" {
		t.Errorf("--no-ignore adds (-want +got):\n%s", diff)
	}
}

func TestGitignoreRules(t *testing.T) {
	rules := parseGitignore("", []byte("# comment\n*.log\n!keep.log\nbuild/\n/root-only.txt\ndocs/**/*.tmp\n\\#hash\n"))
	sub := parseGitignore("pkg", []byte("local.txt\n"))
	set := (&ignoreSet{}).with(rules).with(sub)
	tests := []struct {
		path string
		dir  bool
		want bool
	}{
		{"a.log", false, true}, {"x/y/a.log", false, true}, {"keep.log", false, false},
		{"build", true, true}, {"build", false, false}, {"x/build", true, true},
		{"root-only.txt", false, true}, {"x/root-only.txt", false, false},
		{"docs/a/b/c.tmp", false, true}, {"docs/c.tmp", false, true}, {"other/c.tmp", false, false},
		{"#hash", false, true}, {"pkg/local.txt", false, true}, {"local.txt", false, false},
	}
	for _, tt := range tests {
		if got := set.ignored(tt.path, tt.dir); got != tt.want {
			t.Errorf("ignored(%q, dir=%v) = %v, want %v", tt.path, tt.dir, got, tt.want)
		}
	}
}

// TestHostileTree: symlink loops, links out of the tree, FIFOs, binary,
// huge and invalid UTF-8 files are counted skips, never a crash or a hang.
func TestHostileTree(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := "hf_jSI6bWHtP3fS2qHx6kwXoIIXGvOoNZYW2m" // a planted synthetic token
	os.WriteFile(filepath.Join(outside, "secret.env"), []byte("HF="+secret+"\n"), 0o644)
	write("ok.env", []byte("HF="+secret+"\n"))
	write("bin.dat", append([]byte{0, 1, 2}, []byte(secret)...))
	write("big.txt", append([]byte(secret+"\n"), make([]byte, 3<<20)...))
	write("latin1.txt", []byte("caf\xe9 "+secret))
	os.Symlink(".", filepath.Join(dir, "loop"))
	os.Symlink(outside, filepath.Join(dir, "escape"))
	os.Symlink(filepath.Join(outside, "secret.env"), filepath.Join(dir, "linked.env"))
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, ".git"), 0o755)
	write(".git/config", []byte("HF="+secret))

	inv := scan(t, Options{Paths: []string{dir}, MaxFileSize: 1 << 20})
	run := inv.Scan.CollectorRuns[0]
	// big.txt, a text file over --max-file-size, was not read: partial, named.
	if run.Status != model.StatusPartial || run.ErrorClass != model.ErrUnparsed || !strings.Contains(run.Error, "big.txt") {
		t.Fatalf("run %+v", run)
	}
	// The key is found in the binary file's raw bytes and in the Latin-1
	// file; nothing outside the root or in .git is read.
	var paths []string
	for _, a := range inv.Assets {
		paths = append(paths, a.Location.Path)
	}
	sort.Strings(paths)
	if diff := cmp.Diff([]string{"bin.dat", "latin1.txt", "ok.env"}, paths); diff != "" {
		t.Errorf("keys found in (-want +got):\n%s", diff)
	}
	want := map[string]int64{"skipped_binary": 1, "skipped_too_large": 1, "decoded_invalid_utf8": 1, "skipped_symlink": 3, "skipped_special": 1, "files_scanned": 2}
	for k, v := range want {
		if run.Stats[k] != v {
			t.Errorf("stat %s = %d, want %d (all: %v)", k, run.Stats[k], v, run.Stats)
		}
	}
}

func TestModelFileHashCap(t *testing.T) {
	dir := t.TempDir()
	gguf := append([]byte("GGUF\x03\x00\x00\x00"), make([]byte, 1000)...)
	os.WriteFile(filepath.Join(dir, "m.gguf"), gguf, 0o644)
	for _, tc := range []struct {
		max    int64
		hashed bool
	}{{0, true}, {100, false}, {-1, false}} {
		inv := scan(t, Options{Paths: []string{dir}, MaxHashSize: tc.max})
		if len(inv.Assets) != 1 {
			t.Fatalf("assets %+v", inv.Assets)
		}
		a := inv.Assets[0]
		_, hashed := a.Fact("file.sha256")
		if hashed != tc.hashed || (a.Model.Digest != "") != tc.hashed {
			t.Errorf("max-hash-size %d: hashed=%v digest=%q", tc.max, hashed, a.Model.Digest)
		}
	}
}

func TestScopesRejectsBadPaths(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	for _, p := range []string{"/does/not/exist", file} {
		_, err := New(Options{Paths: []string{p}}, catalog(t)).Scopes(context.Background())
		if collectors.Classify(err, nil) != model.ErrInvalidConfig {
			t.Errorf("%s: err %v", p, err)
		}
	}
}

// A file that does not parse is named, with why, in the run's notes and
// error; the run is partial (class unparsed) and the other files'
// findings still count.
func TestUnparsableFilesAreNamed(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"pyproject.toml":        "[project\nname = \"x\"\ndependencies = [\"openai\"]\n",
		"ui/package.json":       `{"dependencies": {"openai": "^4"`,
		"requirements.txt":      "anthropic==0.40.0\n",
		"deploy/broken.yaml":    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x\n  image: vllm/vllm-openai\n",
		".cursor/mcp.json":      `{"mcpServers": {`,
		"deploy/good/vllm.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: v}\nspec:\n  containers: [{name: v, image: vllm/vllm-openai:v0.8.4}]\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	inv := scan(t, Options{Paths: []string{dir}})
	r := inv.Scan.CollectorRuns[0]
	if r.Status != model.StatusPartial || r.ErrorClass != model.ErrUnparsed || r.Stats["parse_errors"] != 4 || r.Stats["unparsed"] != 4 {
		t.Errorf("run %s/%s, parse_errors %d", r.Status, r.ErrorClass, r.Stats["parse_errors"])
	}
	if want := "not parsed (keys and lines still searched): 4 files: .cursor/mcp.json, deploy/broken.yaml, pyproject.toml, ui/package.json"; r.Error != want {
		t.Errorf("error %q, want %q", r.Error, want)
	}
	for _, f := range []string{"pyproject.toml not parsed", "ui/package.json not parsed", "deploy/broken.yaml not parsed", ".cursor/mcp.json not parsed"} {
		if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.HasPrefix(n, f) }) {
			t.Errorf("notes %q do not name %s", r.Notes, f)
		}
	}
	if len(inv.Assets) < 2 {
		t.Errorf("the parsable files' findings are gone: %d assets", len(inv.Assets))
	}
}
