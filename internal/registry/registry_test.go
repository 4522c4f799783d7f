package registry

import (
	"strings"
	"testing"

	"github.com/aisight/aisight/model"
)

func TestMarkRegisteredAndShadow(t *testing.T) {
	r, err := Parse("reg.yaml", []byte(`assets:
  - id: k8s://prod/llm/deployment/vllm
  - id: "arn:aws:bedrock:eu-west-1:111122223333:*"
    owner: ml-platform
`))
	if err != nil {
		t.Fatal(err)
	}
	inv := model.Inventory{Assets: []model.Asset{
		{ID: "k8s://prod/llm/deployment/vllm", Kind: model.KindInferenceWorkload},
		{ID: "k8s://prod/llm/deployment/vllm-canary", Kind: model.KindInferenceWorkload},
		{ID: "arn:aws:bedrock:eu-west-1:111122223333:agent/X1", Kind: model.KindAgent},
		{ID: "file://repo/requirements.txt#pypi:openai", Kind: model.KindSDKDependency},
	}}
	r.Mark(&inv)
	want := map[string]any{
		"k8s://prod/llm/deployment/vllm":                  true,
		"k8s://prod/llm/deployment/vllm-canary":           false,
		"arn:aws:bedrock:eu-west-1:111122223333:agent/X1": true,
		"file://repo/requirements.txt#pypi:openai":        nil, // not a registrable kind
	}
	for _, a := range inv.Assets {
		f, ok := a.Fact("registry.registered")
		if got := any(nil); ok {
			got = f.Value
			if got != want[a.ID] {
				t.Errorf("%s: registered %v, want %v", a.ID, got, want[a.ID])
			}
		} else if want[a.ID] != nil {
			t.Errorf("%s: no registry.registered fact", a.ID)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"assets:\n  - id: \"\"\n": "entry 1 has no id",
		"assets:\n  - name: x\n":  "field name not found",
		"assetz: []\n":            "field assetz not found",
	} {
		if _, err := Parse("r.yaml", []byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%q) = %v, want %q", in, err, want)
		}
	}
}

func TestWildcard(t *testing.T) {
	for _, tc := range []struct {
		p, s string
		want bool
	}{
		{"arn:aws:bedrock:*", "arn:aws:bedrock:eu-west-1:1:agent/x", true},
		{"k8s://prod/*/deployment/vllm", "k8s://prod/llm/deployment/vllm", true},
		{"k8s://prod/*/deployment/vllm", "k8s://prod/llm/deployment/vllm-2", false},
		{"*", "", true},
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"exact", "exact", true},
		{"exact", "exactly", false},
		{"a.b", "aXb", false}, // no regular-expression meaning
	} {
		if got := wildcard(tc.p, tc.s); got != tc.want {
			t.Errorf("wildcard(%q, %q) = %v", tc.p, tc.s, got)
		}
	}
	// A pattern of stars only, the length that made regexp.MustCompile panic, is refused cleanly.
	if _, err := Parse("r.yaml", []byte("assets:\n  - id: \""+strings.Repeat("*", 1_700_000)+"\"\n")); err == nil || !strings.Contains(err.Error(), "more than the 2048") {
		t.Errorf("a 1.7M-star id: %v", err)
	}
	r, err := Parse("r.yaml", []byte("assets:\n  - id: \""+strings.Repeat("*", 2000)+"x\"\n"))
	if err != nil || r.Registered(strings.Repeat("y", 5000)) || !r.Registered(strings.Repeat("y", 5000)+"x") {
		t.Errorf("many stars: %v", err)
	}
}

// The approved-model list sets model.approved on what names a model (by
// id, publisher/name/version pattern, revision or digest), then on the
// endpoints and deployments that serve them; entries that matched nothing
// are stale.
func TestApprovedModels(t *testing.T) {
	r, err := Parse("reg.yaml", []byte(`
assets:
  - id: "k8s://prod/*"
  - id: arn:aws:bedrock:retired
approved_models:
  - id: meta-llama/Llama-3.1-8B-Instruct
    revision: 0e9e39f249a16976918f6564b8830bc894c89659
  - publisher: openai
    name: "gpt-4o*"
  - digest: sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
  - id: mistralai/*
    note: never used
`))
	if err != nil {
		t.Fatal(err)
	}
	fact := func(id, key string, v any) model.Fact { return model.Fact{Key: key, Value: v} }
	inv := model.Inventory{Assets: []model.Asset{
		{ID: "k8s://prod/llm/deployment/pinned", Kind: model.KindInferenceWorkload, Model: &model.ModelRef{Publisher: "meta-llama", Name: "Llama-3.1-8B-Instruct", Revision: "0e9e39f249a16976918f6564b8830bc894c89659"},
			Facts: []model.Fact{fact("", "model.id", "meta-llama/Llama-3.1-8B-Instruct")}},
		{ID: "k8s://prod/llm/deployment/floating", Kind: model.KindInferenceWorkload, Model: &model.ModelRef{Publisher: "meta-llama", Name: "Llama-3.1-8B-Instruct"},
			Facts: []model.Fact{fact("", "model.id", "meta-llama/Llama-3.1-8B-Instruct")}},
		{ID: "acct/deployments/gpt", Kind: model.KindModelDeployment, Model: &model.ModelRef{Publisher: "openai", Name: "gpt-4o-mini", Version: "2024-07-18"}},
		{ID: "file://repo/m.safetensors", Kind: model.KindModelFile, Facts: []model.Fact{fact("", "file.sha256", "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")}},
		{ID: "ep", Kind: model.KindEndpoint, Relations: []model.Relation{{Type: "routes_to", Target: "dm"}}},
		{ID: "dm", Kind: model.KindModelDeployment, Relations: []model.Relation{{Type: "serves", Target: "acct/deployments/gpt"}, {Type: "serves", Target: "file://repo/m.safetensors"}}},
		{ID: "mixed", Kind: model.KindEndpoint, Relations: []model.Relation{{Type: "serves", Target: "k8s://prod/llm/deployment/floating"}, {Type: "serves", Target: "acct/deployments/gpt"}}},
		{ID: "bare", Kind: model.KindEndpoint},
	}}
	check := r.Mark(&inv)
	want := map[string]any{"k8s://prod/llm/deployment/pinned": true, "k8s://prod/llm/deployment/floating": false, "acct/deployments/gpt": true,
		"file://repo/m.safetensors": true, "ep": true, "dm": true, "mixed": false, "bare": nil}
	for _, a := range inv.Assets {
		f, ok := a.Fact("model.approved")
		switch {
		case want[a.ID] == nil && ok:
			t.Errorf("%s: model.approved = %v, want unknown", a.ID, f.Value)
		case want[a.ID] != nil && (!ok || f.Value != want[a.ID]):
			t.Errorf("%s: model.approved = %v (set %v), want %v", a.ID, f.Value, ok, want[a.ID])
		}
	}
	if check.Assets != 2 || check.ApprovedModels != 4 {
		t.Errorf("check counts %+v", check)
	}
	if len(check.StaleAssets) != 1 || check.StaleAssets[0] != "arn:aws:bedrock:retired" {
		t.Errorf("stale assets %v", check.StaleAssets)
	}
	if len(check.StaleModels) != 1 || check.StaleModels[0] != "id=mistralai/*" {
		t.Errorf("stale models %v", check.StaleModels)
	}
	if _, err := Parse("bad.yaml", []byte("approved_models:\n  - note: nothing\n")); err == nil {
		t.Error("an approved model naming nothing was accepted")
	}
}
