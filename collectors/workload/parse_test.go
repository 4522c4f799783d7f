package workload

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/collectors/fingerprint"
)

func TestParseYAMLTemplatesYieldNothing(t *testing.T) {
	ws, err := ParseYAML([]byte("image: {{ .Values.image }}\n"))
	if err != nil || len(ws) != 0 {
		t.Errorf("got %v %v", ws, err)
	}
}

func TestModelFromEnvKeepsOnlyModelValues(t *testing.T) {
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
`))
	if err != nil || len(ws) != 1 {
		t.Fatalf("ParseYAML: %v %v", ws, err)
	}
	for _, e := range ws[0].Containers[0].Env {
		if e.Name == "OPENAI_API_KEY" && e.ModelValue != "" {
			t.Errorf("a credential value was kept: %+v", e)
		}
	}
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
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
		w := Workload{Kind: "Deployment", Containers: []Container{{Image: img, Env: []EnvVar{NewEnvVar("MODEL_NAME", "default", false)}}}}
		if an := Analyze(w, cat); an.AI {
			t.Errorf("%s: detected as AI: %+v", img, an)
		}
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
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseYAML(b) })
}

func FuzzParseDockerfile(f *testing.F) {
	f.Add([]byte("FROM --platform=x vllm/vllm-openai AS s\nCMD [\"--model\", \"org/m\"]\n"))
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = ParseDockerfile(b) })
}
