package source

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Every detector reads a file in time linear in its size, whatever the
// file repeats: an anchor of each detector (key prefixes, credential env
// names, model-reference calls and flags, URIs, template and structure
// characters) repeated with and without separators, in files each detector
// reads (code, YAML, JSON manifests, MCP configs, Dockerfiles). Four times
// the input may cost at most about four times the time (the bound allows
// 10x and 50 ms of noise; a quadratic detector costs 16x).
func TestDetectorsAreLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("times detectors on 512 KiB inputs")
	}
	units := []string{"A_KEY", "_KEY", "x_token ", "OPENAI_API_KEY=", "- name: OPENAI_API_KEY\n", "--model a/b ", "--model=a/b ",
		"--revision ", "sk-", "sk-proj-", "AIza", "hf_", "ABSKQmVkcm9ja0FQSUtleS", "bedrock-api-key-", "JQQJ9", "hf://a/b ",
		"from_pretrained(", `from_pretrained("a/b", `, "snapshot_download(repo_id=", "{{", "image: ", "[", `{"a":`, "://", "a@", "\"", "\\",
		"FROM vllm/vllm-openai\n", "CMD --model a/b\n", "model=\"a/b\" ", "MODEL_ID=a/b\n", "model", "vllm serve a/b ", "ollama run x ",
		"--hf-repo a/b ", "{{ x }}", "{{- if }}\n", "  - {{", "ENV A=$B \\\n", "ARG X=${X}\n", `{"cells":[`, "nvapi-", "AKIA", "gsk_",
		"huggingface://a/b/c ", "https://huggingface.co/a/b ", "ollama://x ", `"openai:gpt-4o" `, `.modelName("a/b")`, `TASK_MODEL: os.getenv("M", "gpt-4o") `,
		"# model: a/b ", "default_model: gpt-4o\n"}
	names := []string{"run.sh", "values.yaml", "package.json", ".mcp.json", "Dockerfile", "pyproject.toml", "nb.ipynb", "settings.json"}
	// One tree per unit holds the unit repeated in every kind of file, so a
	// scan times every detector on it at once.
	timeOf := func(content []byte) time.Duration {
		dir := t.TempDir()
		for _, name := range names {
			if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		start := time.Now()
		scan(t, Options{Paths: []string{dir}, Workers: 1})
		return time.Since(start)
	}
	for _, u := range units {
		small := bytes.Repeat([]byte(u), (128<<10)/len(u))
		big := bytes.Repeat([]byte(u), (512<<10)/len(u))
		d1 := timeOf(small)
		if d1 > 20*time.Second { // quadratic already: do not wait for 4x
			t.Errorf("%q x 128 KiB in each kind of file took %s", u, d1)
			continue
		}
		if d4 := timeOf(big); d4 > 10*d1+50*time.Millisecond {
			t.Errorf("%q: 4x the input took %s vs %s: not linear", u, d4, d1)
		}
	}
}
