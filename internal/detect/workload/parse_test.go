package workload

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/detect/fingerprint"
)

func testCatalog(t testing.TB) *fingerprint.Catalog {
	t.Helper()
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// A templated image is the chart values' business: nothing is invented
// from "{{ .Values.image }}".
func TestParseYAMLTemplatedImageYieldsNothing(t *testing.T) {
	ws, err := ParseYAML([]byte("image: {{ .Values.image }}\n"), testCatalog(t))
	if err != nil || len(ws) != 0 {
		t.Errorf("got %v %v", ws, err)
	}
}

func TestModelFromEnvKeepsOnlyModelValues(t *testing.T) {
	cat := testCatalog(t)
	ws, err := ParseYAML([]byte(`apiVersion: apps/v1
kind: Deployment
metadata: {name: tgi, namespace: ml}
spec:
  template:
    spec:
      containers:
      - name: tgi
        image: registry.internal/mirror/huggingface/text-generation-inference:2.4
        env:
        - {name: MODEL_ID, value: meta-llama/Llama-3.1-8B-Instruct}
        - {name: REVISION, value: 0e9e39f249a16976918f6564b8830bc894c89659}
        - {name: OPENAI_API_KEY, value: not-a-real-value}
        - name: HF_TOKEN
          valueFrom: {secretKeyRef: {name: hf, key: token}}
`), cat)
	if err != nil || len(ws) != 1 {
		t.Fatalf("ParseYAML: %v %v", ws, err)
	}
	for _, e := range ws[0].Containers[0].Env {
		if e.Name == "OPENAI_API_KEY" && e.ModelValue != "" {
			t.Errorf("a credential value was kept: %+v", e)
		}
	}
	an := Analyze(ws[0], cat)
	got := []any{an.AI, an.Runtime != nil && an.Runtime.Runtime == "tgi", an.ModelID, an.ModelVia, RevisionPinned(an.Rev), an.CredentialVars, an.CredLiteral, an.CredFromSecret}
	want := []any{true, true, "meta-llama/Llama-3.1-8B-Instruct", "env", true, []string{"HF_TOKEN", "OPENAI_API_KEY"}, true, true}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("analysis (-want +got):\n%s", d)
	}
}

func TestNonAIWorkloadIsNotAI(t *testing.T) {
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, img := range []string{"nginx:1.27", "example.com/team/vllm-exporter:1", "ollama-proxy/nginx:1"} {
		w := Workload{Kind: "Deployment", Containers: []Container{{Image: img, Env: []EnvVar{NewEnvVar(cat, "MODEL_NAME", "default", false)}}}}
		if an := Analyze(w, cat); an.AI {
			t.Errorf("%s: detected as AI: %+v", img, an)
		}
	}
}

// Serving custom resources come from the catalog, matched by API group and
// kind: the same kind in another group is not a serving resource, and the
// model and image keys each resource declares are read.
func TestServingResourcesFromTheCatalog(t *testing.T) {
	cat := testCatalog(t)
	for _, r := range cat.ServingResources {
		w := FromObject(map[string]any{"apiVersion": r.Group + "/" + r.Version, "kind": r.Kind, "metadata": map[string]any{"name": "x"}}, cat)
		if w.ServingKind != r.Runtime || !Analyze(w, cat).AI {
			t.Errorf("%s.%s: serving kind %q, want %q and AI", r.Kind, r.Group, w.ServingKind, r.Runtime)
		}
		other := FromObject(map[string]any{"apiVersion": "example.com/v1", "kind": r.Kind, "metadata": map[string]any{"name": "x"}}, cat)
		if other.ServingKind != "" || Analyze(other, cat).AI {
			t.Errorf("%s in example.com is taken for a serving resource", r.Kind)
		}
	}
	nim := FromObject(map[string]any{"apiVersion": "apps.nvidia.com/v1alpha1", "kind": "NIMService", "metadata": map[string]any{"name": "llm"},
		"spec": map[string]any{"image": map[string]any{"repository": "nvcr.io/nim/meta/llama-3.1-8b-instruct", "tag": "1.3.3"}}}, cat)
	kubeai := FromObject(map[string]any{"apiVersion": "kubeai.org/v1", "kind": "Model", "metadata": map[string]any{"name": "m"},
		"spec": map[string]any{"url": "hf://Qwen/Qwen2.5-7B-Instruct", "resourceProfile": "nvidia-gpu-l4:1"}}, cat)
	if img := imageOf(map[string]any{"registry": "docker.io", "name": "lmcache/vllm-openai:2025-05-27-v1"}); img != "docker.io/lmcache/vllm-openai:2025-05-27-v1" {
		t.Errorf("image map with a name: %q", img)
	}
	an := Analyze(nim, cat)
	if an.Runtime == nil || an.Runtime.Runtime != "nim" || an.Image != "nvcr.io/nim/meta/llama-3.1-8b-instruct:1.3.3" {
		t.Errorf("NIMService image: %+v", an)
	}
	if an := Analyze(kubeai, cat); an.ModelID != "Qwen/Qwen2.5-7B-Instruct" || an.ModelVia != "storage_uri" {
		t.Errorf("KubeAI model url: %+v", an)
	}
}

func TestRunningDigest(t *testing.T) {
	d := "sha256:" + "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12"
	for in, want := range map[string]string{
		"docker-pullable://vllm/vllm-openai@" + d: d,
		d:                     d,
		"vllm/vllm-openai:v1": "",
		"sha256:short":        "",
	} {
		if got := runningDigest(in); got != want {
			t.Errorf("runningDigest(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParseYAML(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec:\n  containers: [{name: a, image: vllm/vllm-openai, args: [--model, org/m]}]\n"))
	f.Add([]byte("services:\n  a: {image: ollama/ollama, deploy: {resources: {reservations: {devices: [{capabilities: [gpu], count: 2}]}}}}\n"))
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseYAML(b, cat) })
}

func FuzzParseDockerfile(f *testing.F) {
	f.Add([]byte("FROM --platform=x vllm/vllm-openai AS s\nCMD [\"--model\", \"org/m\"]\n"))
	cat := testCatalog(f)
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseDockerfile(b, cat) })
}

// StripTemplates keeps every line where it was (findings keep their line
// numbers) and leaves no action behind; the lenient parse never panics.
func FuzzStripTemplates(f *testing.F) {
	cat := testCatalog(f)
	f.Add([]byte("image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n  {{- if .Values.x }}\nargs: [--model_name={{.Name}}]\n{{ end }}\n"))
	f.Add([]byte("a: {{ unterminated\nb: }} {{\n"))
	f.Add([]byte("metadata:\n  name: a\n  name: b\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		out := StripTemplates(b)
		if bytes.Count(out, []byte("\n")) != bytes.Count(b, []byte("\n")) {
			t.Fatalf("lines changed: %q -> %q", b, out)
		}
		if bytes.Contains(out, tplOpen) {
			t.Fatalf("an action is left: %q", out)
		}
		if bounded.Depth(b, bounded.MaxDepth) == nil {
			_, _ = ParseYAML(b, cat)
		}
	})
}

// A custom resource may hold its pod template at the top rather than below
// spec (KAITO's Workspace: inference.template); its containers are read
// all the same, and its status never is.
func TestPodTemplateOutsideSpec(t *testing.T) {
	ws, err := ParseYAML([]byte(`apiVersion: kaito.sh/v1beta1
kind: Workspace
metadata: {name: custom-llm}
inference:
  template:
    spec:
      containers:
      - name: llm
        image: example.com/base:1
        resources: {limits: {nvidia.com/gpu: 1}}
status:
  containers:
  - name: ghost
    image: example.com/ghost:1
`), testCatalog(t))
	if err != nil || len(ws) != 1 {
		t.Fatalf("got %v %v", ws, err)
	}
	if got := ws[0].Containers; len(got) != 1 || got[0].Name != "llm" || got[0].GPU != 1 {
		t.Errorf("containers %+v, want the template's llm with one GPU", got)
	}
	if an := Analyze(ws[0], testCatalog(t)); !an.AI {
		t.Error("a GPU container is an AI workload")
	}
}

// workload.ai_signals says which evidence made a workload AI: a GPU job
// with nothing else is told apart from a catalog model server.
func TestAISignals(t *testing.T) {
	cat := testCatalog(t)
	ws, err := ParseYAML([]byte(`apiVersion: batch/v1
kind: Job
metadata: {name: train}
spec:
  template:
    spec:
      containers:
      - name: t
        image: example.com/trainer:1
        resources: {limits: {nvidia.com/gpu: 4}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: llm}
spec:
  template:
    spec:
      containers:
      - name: vllm
        image: vllm/vllm-openai:v0.8.4
        args: ["--model", "Qwen/Qwen2.5-7B-Instruct"]
`), cat)
	if err != nil || len(ws) != 2 {
		t.Fatalf("got %v %v", ws, err)
	}
	want := [][]string{{"gpu_request"}, {"serving_image", "model_arg"}}
	for i, w := range ws {
		if got := Analyze(w, cat).Signals(w); !cmp.Equal(got, want[i]) {
			t.Errorf("%s: signals %v, want %v", w.Name, got, want[i])
		}
	}
}

// Every storage scheme a model reference is read from names its source
// (the detector and model.source read one table).
func TestModelSourceOfStorageSchemes(t *testing.T) {
	for in, want := range map[string]string{
		"s3://b/k": "s3", "gs://b/k": "gcs", "abfss://c@acct.dfs.core.windows.net/m": "azure_blob", "wasbs://c@a/m": "azure_blob",
		"dbfs:/models/m": "dbfs", "r2://b/k": "r2", "cos://b/k": "cos", "pvc://v/m": "pvc", "oci://r/m:1": "oci",
		"meta-llama/Llama-3.1-8B": "huggingface", "ollama://llama3": "ollama", "/models/m": "local_path",
	} {
		if got := ModelSource(in); got != want {
			t.Errorf("ModelSource(%q) = %q, want %q", in, got, want)
		}
	}
}
