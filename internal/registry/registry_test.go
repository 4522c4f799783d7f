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
