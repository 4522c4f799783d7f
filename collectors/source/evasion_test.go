package source

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/testenv/treetest"
	"github.com/aisight/aisight/model"
)

// evasionKey is a synthetic OpenAI project key planted by these tests.
const evasionKey = "sk-proj-PtYgjmUhBel31iEl2hpChYgCfrL1spNxnyVmihA-T3BlbkFJ2O76UMFxFkM-R5Kjp1vRt_1fjORS-6ilI8ihN5KX"

func keyPaths(inv model.Inventory) []string {
	var out []string
	for _, a := range inv.Assets {
		if a.Kind == model.KindAPIKey {
			out = append(out, a.Location.Path)
		}
	}
	sort.Strings(out)
	return out
}

func scopeFact(inv model.Inventory, key string) string {
	for _, sf := range inv.ScopeFacts {
		for _, f := range sf.Facts {
			if f.Key == key {
				s, _ := f.Value.(string)
				return s
			}
		}
	}
	return ""
}

// Git's rule: ignore patterns apply to untracked files only. A file that
// .gitignore names but that was committed (git add -f) is scanned; an
// untracked ignored file is skipped, as before.
func TestTrackedFilesAreScannedWhateverGitignoreSays(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed to build the repository under test")
	}
	dir := t.TempDir()
	treetest.Write(t, dir, map[string][]byte{
		".gitignore":            []byte("config.py\nsecrets/\n*.log\n"),
		"config.py":             []byte("OPENAI_API_KEY = \"" + evasionKey + "\"\n"),
		"secrets/prod.env":      []byte("OPENAI_API_KEY=" + evasionKey + "\n"),
		"secrets/untracked.env": []byte("OPENAI_API_KEY=" + evasionKey + "\n"),
		"app/debug.log":         []byte("key " + evasionKey + "\n"),
		"app/main.py":           []byte("import openai\n"),
	})
	treetest.Git(t, dir, "init", "-q")
	treetest.Git(t, dir, "add", ".gitignore", "app/main.py")
	treetest.Git(t, dir, "add", "-f", "config.py", "secrets/prod.env")
	treetest.Git(t, dir, "commit", "-q", "-m", "x")

	inv := scan(t, Options{Paths: []string{dir}})
	if diff := cmp.Diff([]string{"config.py", "secrets/prod.env"}, keyPaths(inv)); diff != "" {
		t.Errorf("keys found (-want +got):\n%s", diff)
	}
	run := inv.Scan.CollectorRuns[0]
	if run.Stats["tracked_ignored_scanned"] != 2 || run.Stats["skipped_ignored"] != 2 {
		t.Errorf("stats %v: want 2 tracked ignored files scanned, 2 untracked skipped", run.Stats)
	}
	if got := scopeFact(inv, "source.ignore_rule"); got != "git_index" {
		t.Errorf("source.ignore_rule = %q, want git_index", got)
	}

	// A subdirectory of the work tree: the index's paths are below it. The
	// .gitignore files above the scan root are not read, so its untracked
	// files are scanned too (more, never less).
	sub := scan(t, Options{Paths: []string{filepath.Join(dir, "secrets")}})
	if diff := cmp.Diff([]string{"prod.env", "untracked.env"}, keyPaths(sub)); diff != "" {
		t.Errorf("scan of a subdirectory: keys (-want +got):\n%s", diff)
	}

	// An index that cannot be read: no ignore rule is trusted.
	if err := os.WriteFile(filepath.Join(dir, ".git", "index"), []byte("DIRC garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := scan(t, Options{Paths: []string{dir}})
	if diff := cmp.Diff([]string{"app/debug.log", "config.py", "secrets/prod.env", "secrets/untracked.env"}, keyPaths(broken)); diff != "" {
		t.Errorf("unreadable index: keys (-want +got):\n%s", diff)
	}
	if got := scopeFact(broken, "source.ignore_rule"); got != "none" {
		t.Errorf("unreadable index: source.ignore_rule = %q, want none", got)
	}
	if r := broken.Scan.CollectorRuns[0]; !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "index not read") }) {
		t.Errorf("notes %q do not say the index was not read", r.Notes)
	}

	// Outside a work tree .gitignore still skips.
	out := treetest.Export(t, dir)
	if err := os.RemoveAll(filepath.Join(out, ".git")); err != nil {
		t.Fatal(err)
	}
	plain := scan(t, Options{Paths: []string{out}})
	if got := scopeFact(plain, "source.ignore_rule"); got != "gitignore" || len(keyPaths(plain)) != 0 {
		t.Errorf("outside git: rule %q, keys %v; want gitignore and none", got, keyPaths(plain))
	}
}

func utf16Bytes(s string, bigEndian, bom bool) []byte {
	var order binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		order = binary.BigEndian
	}
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	out := make([]byte, 2*len(units))
	for i, u := range units {
		order.PutUint16(out[2*i:], u)
	}
	return out
}

func utf32Bytes(s string, bigEndian bool) []byte {
	var order binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		order = binary.BigEndian
	}
	rs := append([]rune{0xFEFF}, []rune(s)...)
	out := make([]byte, 4*len(rs))
	for i, r := range rs {
		order.PutUint32(out[4*i:], uint32(r))
	}
	return out
}

// No encoding hides a key: UTF-16 and UTF-32 (with or without a
// byte-order mark) are decoded, invalid UTF-8 is read with the bad bytes
// replaced, and binary data under a text name is searched raw and named.
func TestEncodingsDoNotHideKeys(t *testing.T) {
	text := "# caf\u00e9\nOPENAI_API_KEY=" + evasionKey + "\n"
	dir := t.TempDir()
	treetest.Write(t, dir, map[string][]byte{
		"latin1.py":    []byte("# caf\xe9\nOPENAI_API_KEY = \"" + evasionKey + "\"\n"),
		"utf16le.env":  utf16Bytes(text, false, true),
		"utf16be.env":  utf16Bytes(text, true, true),
		"nobom16.env":  utf16Bytes(text, false, false),
		"utf32le.env":  utf32Bytes(text, false),
		"utf32be.env":  utf32Bytes(text, true),
		"binary.py":    append([]byte{0, 1, 2, 0, 0, 7}, []byte("\nOPENAI_API_KEY="+evasionKey+"\n")...),
		"image.png":    append([]byte{0x89, 'P', 'N', 'G', 0, 0}, []byte(" "+evasionKey+" ")...),
		"bom-utf8.env": append([]byte{0xEF, 0xBB, 0xBF}, []byte(text)...),
	})
	inv := scan(t, Options{Paths: []string{dir}})
	want := []string{"binary.py", "bom-utf8.env", "image.png", "latin1.py", "nobom16.env", "utf16be.env", "utf16le.env", "utf32be.env", "utf32le.env"}
	if diff := cmp.Diff(want, keyPaths(inv)); diff != "" {
		t.Errorf("keys found (-want +got):\n%s", diff)
	}
	for _, a := range inv.Assets {
		if a.Location.Path == "utf16le.env" && a.Location.Line != 2 {
			t.Errorf("utf16le.env key at line %d, want 2", a.Location.Line)
		}
	}
	run := inv.Scan.CollectorRuns[0]
	if run.Status != model.StatusPartial || run.ErrorClass != model.ErrUnparsed || !strings.Contains(run.Error, "binary.py") {
		t.Errorf("run %s/%s %q: binary data under a text name must make it partial and name the file", run.Status, run.ErrorClass, run.Error)
	}
	if strings.Contains(run.Error, "image.png") {
		t.Errorf("an image is not a gap: %q", run.Error)
	}
	if run.Stats["decoded_utf16_32"] != 5 || run.Stats["decoded_invalid_utf8"] != 1 {
		t.Errorf("stats %v", run.Stats)
	}
}

// Nested YAML aliases no longer make workloads vanish (yaml.v3 gave up on
// about 640 bytes nested three deep); past the expansion budget the file
// is named, the scope partial, and its lines still read.
func TestYAMLAliasesCannotHideWorkloads(t *testing.T) {
	nested := `x-a: &a {image: vllm/vllm-openai:v0.8.4, environment: {A: "1", B: "2", C: "3", D: "4"}}
x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
services:
  llm:
    <<: *a
    command: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
    x-pad: *d
`
	deploy := `apiVersion: apps/v1
kind: Deployment
metadata: {name: chat, namespace: ml}
x-a: &a [{name: x, value: "1"}, {name: y, value: "2"}]
x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
spec:
  template:
    metadata: {annotations: {pad: x}}
    spec:
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.8.4
        x-pad: *d
`
	var laughs strings.Builder
	laughs.WriteString("l0: &l0 [a, a, a, a, a, a, a, a, a, a]\n")
	for i := 1; i < 9; i++ {
		laughs.WriteString("l" + string(rune('0'+i)) + ": &l" + string(rune('0'+i)) + " [")
		for j := 0; j < 10; j++ {
			if j > 0 {
				laughs.WriteString(", ")
			}
			laughs.WriteString("*l" + string(rune('0'+i-1)))
		}
		laughs.WriteString("]\n")
	}
	laughs.WriteString("services:\n  llm:\n    image: vllm/vllm-openai:v0.8.4\n    x: *l8\n")
	dir := t.TempDir()
	treetest.Write(t, dir, map[string][]byte{
		"docker-compose.yml": []byte(nested),
		"deploy/chat.yaml":   []byte(deploy),
		"laughs/compose.yml": []byte(laughs.String()),
	})
	inv := scan(t, Options{Paths: []string{dir}})
	var got []string
	for _, a := range inv.Assets {
		if a.Kind == model.KindInferenceWorkload {
			got = append(got, strings.SplitN(a.ID, "/", 4)[3])
		}
	}
	sort.Strings(got)
	want := []string{"deploy/chat.yaml#deployment/ml/chat", "docker-compose.yml#compose:llm", "laughs/compose.yml#lines"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("workloads (-want +got):\n%s", diff)
	}
	run := inv.Scan.CollectorRuns[0]
	if run.Status != model.StatusPartial || !strings.Contains(run.Error, "laughs/compose.yml") {
		t.Errorf("run %s %q: the file past the alias budget must be named and the run partial", run.Status, run.Error)
	}
	if strings.Contains(run.Error, "docker-compose.yml") || strings.Contains(run.Error, "chat.yaml") {
		t.Errorf("files within the budget are not gaps: %q", run.Error)
	}
}

// Manifests and keys in .txt files count as production (requirements.txt
// is a manifest; openai_key.txt is a key file), README.txt stays docs.
func TestTxtFilesAreNotAllDocumentation(t *testing.T) {
	for rel, want := range map[string]string{
		"requirements.txt": "production", "constraints-dev.txt": "production", "openai_key.txt": "production",
		"prod-secrets.txt": "production", "README.txt": "docs", "CHANGELOG.txt": "docs", "docs/keys.txt": "docs",
		"tests/keys.txt": "test", "examples/k.txt": "example", "notes.md": "docs",
	} {
		if got := fileContext(rel); got != want {
			t.Errorf("fileContext(%s) = %s, want %s", rel, got, want)
		}
	}
	dir := t.TempDir()
	treetest.Write(t, dir, map[string][]byte{"constraints.txt": []byte("openai==1.55.0\n")})
	inv := scan(t, Options{Paths: []string{dir}})
	if len(inv.Assets) != 1 || inv.Assets[0].Kind != model.KindSDKDependency {
		t.Errorf("constraints.txt: assets %+v, want its openai dependency", inv.Assets)
	}
}

// An MCP command that carries a credential in its words is recorded as
// its launcher alone; the package is never a flag's value.
func TestMCPCommandsNeverCarryValues(t *testing.T) {
	for _, tc := range []struct {
		command       string
		args          []string
		launcher, pkg string
	}{
		{"uvx srv --api-key s3cr3tvalue", nil, "uvx", "srv"},
		{"env API_TOKEN=s3cr3tvalue npx -y @org/server", nil, "npx", "@org/server"},
		{"env", []string{"-i", "API_TOKEN=s3cr3tvalue", "npx", "@org/server"}, "npx", "@org/server"},
		{"npx", []string{"--auth-token", "s3cr3tvalue", "@org/server@1.2.3"}, "npx", "@org/server@1.2.3"},
	} {
		launcher, pkg, _ := MCPPackage(tc.command, tc.args)
		if launcher != tc.launcher || pkg != tc.pkg {
			t.Errorf("MCPPackage(%q, %q) = %q, %q; want %q, %q", tc.command, tc.args, launcher, pkg, tc.launcher, tc.pkg)
		}
	}
}
