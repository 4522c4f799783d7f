package fingerprint

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func load(t testing.TB) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var tmplRE = regexp.MustCompile(`\{(alnum|hex|b64|url|upper|b32):(\d+)\}`)

// expand turns a catalog example template into a synthetic value.
func expand(tmpl string, rng *rand.Rand) string {
	alphabets := map[string]string{
		"alnum": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
		"hex":   "0123456789abcdef",
		"b64":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
		"url":   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
		"upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
		"b32":   "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
	}
	return tmplRE.ReplaceAllStringFunc(tmpl, func(m string) string {
		p := tmplRE.FindStringSubmatch(m)
		n, _ := strconv.Atoi(p[2])
		a := alphabets[p[1]]
		var b strings.Builder
		for range n {
			b.WriteByte(a[rng.IntN(len(a))])
		}
		return b.String()
	})
}

func TestEveryEntryHasPositiveAndNegativeCases(t *testing.T) {
	c := load(t)
	for i := range c.SDKs {
		s := &c.SDKs[i]
		if c.Generated(s) {
			continue // generated from registry metadata (sdkgen); reviewed in registry/review.yaml
		}
		if len(s.Positive) == 0 || len(s.Negative) == 0 {
			t.Errorf("sdk %v: needs positive and negative cases", s.Names)
		}
	}
	for _, im := range c.Images {
		if len(im.Positive) == 0 || len(im.Negative) == 0 {
			t.Errorf("image %s: needs positive and negative cases", im.Runtime)
		}
	}
	for _, k := range c.Keys {
		if len(k.Positive) == 0 || len(k.Negative) == 0 {
			t.Errorf("key %s: needs positive and negative cases", k.Kind)
		}
	}
	for _, e := range c.EnvVars {
		if len(e.Negative) == 0 {
			t.Errorf("env var %s: needs a negative (confusable) name", e.Name)
		}
	}
}

func TestSDKCases(t *testing.T) {
	c := load(t)
	for _, s := range c.SDKs {
		for _, p := range s.Positive {
			got, ok := c.MatchSDK(s.Ecosystem, p)
			if !ok || got.Provider != s.Provider || got.Category != s.Category {
				t.Errorf("%s package %q: want match %s/%s, got %v %v", s.Ecosystem, p, s.Provider, s.Category, got, ok)
			}
		}
		for _, n := range s.Negative {
			if got, ok := c.MatchSDK(s.Ecosystem, n); ok {
				t.Errorf("%s package %q: confusable matched %v", s.Ecosystem, n, got.Names)
			}
		}
	}
	// An ecosystem never borrows another's names.
	if _, ok := c.MatchSDK("npm", "langchain-openai"); ok {
		t.Error("npm langchain-openai matched a PyPI pattern")
	}
}

func TestImageCases(t *testing.T) {
	c := load(t)
	for _, im := range c.Images {
		for _, p := range im.Positive {
			got, ok := c.MatchImage(p)
			if !ok || got.Runtime != im.Runtime {
				t.Errorf("image %q: want runtime %s, got %v %v", p, im.Runtime, got, ok)
			}
		}
		for _, n := range im.Negative {
			if got, ok := c.MatchImage(n); ok {
				t.Errorf("image %q: confusable matched %s", n, got.Runtime)
			}
		}
	}
}

func TestParseImage(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	tests := []struct {
		in                       string
		registry, repo, tag, dig string
		pinned, public           bool
	}{
		{"vllm/vllm-openai:v0.8.4", "", "vllm/vllm-openai", "v0.8.4", "", false, true},
		{"registry.corp.example/mirror/vllm/vllm-openai@" + digest, "registry.corp.example", "mirror/vllm/vllm-openai", "", digest, true, false},
		{"localhost:5000/ollama:1@" + digest, "localhost:5000", "ollama", "1", digest, true, false},
		{"nginx", "", "nginx", "", "", false, true},
		{"ghcr.io/x/y@sha256:short", "ghcr.io", "x/y", "", "sha256:short", false, true},
	}
	for _, tt := range tests {
		r := ParseImage(tt.in)
		if r.Registry != tt.registry || r.Repository != tt.repo || r.Tag != tt.tag || r.Digest != tt.dig || r.PinnedByDigest() != tt.pinned || r.PublicRegistry() != tt.public {
			t.Errorf("ParseImage(%q) = %+v pinned=%v public=%v", tt.in, r, r.PinnedByDigest(), r.PublicRegistry())
		}
	}
}

func TestKeyCases(t *testing.T) {
	c := load(t)
	rng := rand.New(rand.NewPCG(1, 2))
	for _, k := range c.Keys {
		for _, p := range k.Positive {
			for range 20 {
				v := expand(p, rng)
				for _, wrap := range []string{"%s", `api_key = "%s"`, "KEY=%s\n", `{"k":"%s"}`} {
					content := []byte(strings.Replace(wrap, "%s", v, 1))
					m := c.FindKeys(content)
					if len(m) != 1 || m[0].Key.Kind != k.Kind || string(content[m[0].Start:m[0].End]) != v {
						t.Fatalf("key %s: %q in %q: got %+v", k.Kind, v, wrap, m)
					}
				}
			}
		}
		for _, n := range k.Negative {
			for range 20 {
				v := expand(n, rng)
				for _, m := range c.FindKeys([]byte(" " + v + " ")) {
					if m.Key.Kind == k.Kind {
						t.Fatalf("key %s: confusable %q matched", k.Kind, v)
					}
				}
			}
		}
	}
}

// Generated keys are never placeholders (a placeholder filter that eats
// real keys would hide them), and typed placeholders of every shape are.
func TestPlaceholders(t *testing.T) {
	c := load(t)
	rng := rand.New(rand.NewPCG(5, 6))
	flagged, total := 0, 0
	for _, k := range c.Keys {
		for _, p := range k.Positive {
			for range 5000 {
				total++
				if Placeholder([]byte(expand(p, rng))) {
					flagged++
				}
			}
		}
	}
	if flagged*10000 > total { // at most 1 in 10,000 random keys
		t.Errorf("%d of %d generated keys judged placeholders", flagged, total)
	}
	for _, v := range []string{
		"sk-ant-api03-" + strings.Repeat("x", 93) + "AA",
		"sk-proj-" + strings.Repeat("abcd1234", 6),
		"sk-proj-YOUR_OPENAI_PROJECT_KEY_GOES_HERE_0123456789",
		"hf_" + strings.Repeat("0", 34),
		"AKIAIOSFODNN7EXAMPLE",
		"gsk_" + strings.Repeat("Ab1", 17) + "x",
		"nvapi-" + strings.Repeat("-", 64),
	} {
		if !Placeholder([]byte(v)) {
			t.Errorf("%q: not judged a placeholder", v)
		}
		if m := c.FindKeys([]byte(" " + v + " ")); len(m) != 0 {
			t.Errorf("%q: reported as a %s", v, m[0].Key.Kind)
		}
	}
}

func TestFindKeysSeveral(t *testing.T) {
	c := load(t)
	rng := rand.New(rand.NewPCG(3, 4))
	a := expand("sk-ant-api03-{url:93}AA", rng)
	h := expand("hf_{alnum:34}", rng)
	content := []byte("x=" + a + "\ny='" + h + "'\nz=" + a + "\n")
	m := c.FindKeys(content)
	if len(m) != 3 || m[0].Key.Kind != "anthropic_api_key" || m[1].Key.Kind != "huggingface_token" || m[2].Start <= m[1].Start {
		t.Fatalf("got %+v", m)
	}
}

func TestEnvAssignments(t *testing.T) {
	c := load(t)
	hex32 := "7c76fb008f86bebb2737f6a6f0fb23c6"
	tests := []struct {
		content string
		want    string // env var name, "" for none
		value   string
	}{
		{"AZURE_OPENAI_API_KEY=" + hex32 + "\n", "AZURE_OPENAI_API_KEY", hex32},
		{"export AZURE_OPENAI_KEY='" + hex32 + "'", "AZURE_OPENAI_KEY", hex32},
		{`{"AZURE_OPENAI_API_KEY": "` + hex32 + `"}`, "AZURE_OPENAI_API_KEY", hex32},
		{"env:\n  - name: MISTRAL_API_KEY\n    value: q8Zr2Lw9Xk3Pm7Tn4Vb6\n", "MISTRAL_API_KEY", "q8Zr2Lw9Xk3Pm7Tn4Vb6"},
		{`os.environ["COHERE_API_KEY"] = "a1b2c3d4e5f6g7h8i9j0"`, "COHERE_API_KEY", "a1b2c3d4e5f6g7h8i9j0"},
		{"mistral_api_key: q8Zr2Lw9Xk3Pm7Tn4Vb6", "MISTRAL_API_KEY", "q8Zr2Lw9Xk3Pm7Tn4Vb6"},
		// references and placeholders are not keys
		{"AZURE_OPENAI_API_KEY=${AZURE_OPENAI_API_KEY}", "", ""},
		{"OPENAI_API_KEY: <your-openai-key-here-123>", "", ""},
		{"MISTRAL_API_KEY=changeme1234567890", "", ""},
		{"env:\n  - name: OPENAI_API_KEY\n    valueFrom:\n      secretKeyRef: {name: s, key: k}\n", "", ""},
		{`key = os.environ["OPENAI_API_KEY"]`, "", ""},
		{"AZURE_OPENAI_API_KEY=notahexvaluebutlong1", "", ""},   // Azure requires its value shape
		{"OPENAI_API_KEY_FILE=/run/secrets/openai1234", "", ""}, // a confusable name
		{"OPENAI_API_KEY=short1", "", ""},
		// placeholders of .env.example files and docs
		{"AZURE_OPENAI_API_KEY=0123456789abcdef0123456789abcdef", "", ""},
		{"OPENAI_API_KEY=sk-1234567890abcdef", "", ""},
		{"OPENAI_API_KEY=sk-abcdefghijklmnopqrstuvwxyz", "", ""},
		{`ANTHROPIC_API_KEY="sk-ant-api03-..."`, "", ""},
		{"OPENAI_API_KEY=sk-...xxxx", "", ""},
		{"HF_TOKEN=hf_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "", ""},
		{"MISTRAL_API_KEY=ab12ab12ab12ab12ab12ab12", "", ""},
		{"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", ""},
		{"aws_secret_access_key = 9drTJvcXLB89EXAMPLELB8923FB892xMFI", "", ""},
	}
	for _, e := range c.EnvVars {
		for _, n := range e.Negative {
			tests = append(tests, struct{ content, want, value string }{n + "=q8Zr2Lw9Xk3Pm7Tn4Vb6" + hex32[:8], "", ""})
		}
	}
	for _, tt := range tests {
		m := c.FindEnvAssignments([]byte(tt.content))
		switch {
		case tt.want == "" && len(m) != 0:
			t.Errorf("%q: want no match, got %s=%q", tt.content, m[0].Env.Name, tt.content[m[0].ValueStart:m[0].ValueEnd])
		case tt.want != "" && (len(m) != 1 || m[0].Env.Name != tt.want || tt.content[m[0].ValueStart:m[0].ValueEnd] != tt.value):
			t.Errorf("%q: want %s=%q, got %+v", tt.content, tt.want, tt.value, m)
		}
	}
}

func TestFingerprintHidesSecret(t *testing.T) {
	fp := Fingerprint("openai_project_key", []byte("sk-proj-abcdefghijklmnop"), "a.env:1")
	if fp.Prefix != "sk-p" || len(fp.SHA256) != 12 || strings.Contains(fp.SHA256+fp.Prefix+fp.Location, "abcdefgh") {
		t.Errorf("fingerprint %+v", fp)
	}
}

// formatCases builds positive and negative content for every model format.
func formatCases() map[string][]struct {
	name string
	head []byte
} {
	st := func(hdr string) []byte {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, uint64(len(hdr)))
		return append(append(b, hdr...), 0, 0, 0, 0)
	}
	gguf := append([]byte("GGUF"), 3, 0, 0, 0, 0, 0, 0, 0)
	type tc = struct {
		name string
		head []byte
	}
	return map[string][]tc{
		"safetensors":    {{"m.safetensors", st(`{"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`)}, {"m.bin", st(`{"__metadata__":{"format":"pt"},"w":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`)}},
		"gguf":           {{"m.gguf", gguf}, {"noext", gguf}},
		"onnx":           {{"m.onnx", []byte{0x08, 0x07, 0x12, 0x07, 'p', 'y', 't', 'o', 'r', 'c', 'h'}}},
		"pytorch_zip":    {{"m.pt", append([]byte("PK\x03\x04\x00\x00\x00\x00"), []byte("archive/data.pkl")...)}, {"pytorch_model.bin", append([]byte("PK\x03\x04"), []byte("model/data.pkl")...)}},
		"pickle":         {{"m.pkl", []byte{0x80, 0x04, 0x95, 0x10, 0, 0, 0}}, {"m.bin", []byte{0x80, 0x02, '}', 'q', 0}}, {"m.joblib", []byte("cnumpy.core.multiarray\n_reconstruct\nq\x00")}},
		"keras_hdf5":     {{"m.h5", []byte("\x89HDF\r\n\x1a\n\x00\x00")}},
		"keras_v3":       {{"m.keras", append([]byte("PK\x03\x04\x00\x00"), []byte("metadata.json")...)}},
		"tflite":         {{"m.tflite", []byte("\x1c\x00\x00\x00TFL3\x00\x00")}},
		"coreml":         {{"m.mlmodel", []byte{0x08, 0x04, 0x12, 0x10, 0x0a}}},
		"tf_saved_model": {{"saved_model.pb", []byte{0x08, 0x01, 0x12, 0x9a, 0x01}}},
		"mlflow_model":   {{"MLmodel", []byte("artifact_path: model\nflavors:\n  sklearn: {}\n")}},
		"lightgbm":       {{"ranker.txt", []byte("tree\nversion=v4\nnum_class=1\n")}},
		"xgboost_json":   {{"b.json", []byte(`{"learner":{"gradient_booster":{"name":"gbtree"}}}`)}},
		"xgboost_ubjson": {{"b.ubj", []byte("{L\x00\x00\x00\x00\x00\x00\x00\x07learner{L\x00\x00\x00\x00\x00\x00\x00\x0aattributes{}")}, {"m.ubj", []byte("{i\x07learner{")}},
		"pmml":           {{"m.pmml", []byte(`<?xml version="1.0"?><PMML xmlns="http://www.dmg.org/PMML-4_4">`)}},
		"": { // confusables: must not be taken for a model
			{"README.md", []byte("# GGUF models\nSee PK docs")},
			{"data.zip", []byte("PK\x03\x04\x00\x00readme.txt")},
			{"notes.onnx.txt", []byte{0x08, 0x07, 0x12}},
			{"m.onnx", []byte("not protobuf at all")},
			{"x.json", []byte(`{"dtype":"F16"}`)},
			{"c.c", []byte("char *x = \"\\x80\\x04\";")},
			{"cfg.py", []byte("config = {}\n")},
			{"m.keras", append([]byte("PK\x03\x04"), []byte("other.txt")...)},
			{"bad.safetensors", st(`{"w":{"dtype":"F16"`)[:10]},
			{"g.bin", []byte("GGUF\xff\xff\xff\xff")},
			{"w.npy", []byte("\x93NUMPY\x01\x00v\x00")}, // arrays are data, not models
			{"config.json", []byte(`{"learner": "alice"}`)},
			{"data.ubj", []byte("{i\x04data[")},                              // UBJSON, not a booster
			{"short.ubj", []byte("{L\x00\x00\x00\x00\x00\x00\x00\x07learn")}, // cut short
			{"len.ubj", []byte("{i\x08learner")},                             // the length does not match
			{"trees.txt", []byte("tree\noak\n")},
			{"mlmodel.txt", []byte("flavors: none")},
			{"notes.xml", []byte("<notes>PMML is a format</notes>")},
		},
	}
}

func TestSniffFormat(t *testing.T) {
	c := load(t)
	for want, cases := range formatCases() {
		if want != "" {
			if _, ok := c.FormatInfo(want); !ok {
				t.Errorf("format %s is not in the catalog", want)
			}
		}
		for _, tc := range cases {
			if got := SniffFormat(tc.head, tc.name); got != want {
				t.Errorf("SniffFormat(%q, % x...) = %q, want %q", tc.name, tc.head[:min(8, len(tc.head))], got, want)
			}
		}
	}
	for _, f := range c.ModelFormats {
		if len(formatCases()[f.Format]) == 0 {
			t.Errorf("catalog format %s has no positive sniffer case", f.Format)
		}
	}
	if info, _ := c.FormatInfo("pickle"); info.SerializationSafe {
		t.Error("pickle must not be serialization_safe")
	}
}

func FuzzSniffFormat(f *testing.F) {
	for _, cases := range formatCases() {
		for _, tc := range cases {
			f.Add(tc.head, tc.name)
		}
	}
	f.Fuzz(func(t *testing.T, head []byte, name string) {
		_ = SniffFormat(head, name)
	})
}

func FuzzFindKeys(f *testing.F) {
	c := load(f)
	f.Add([]byte("OPENAI_API_KEY=sk-proj-" + strings.Repeat("a", 50)))
	f.Add([]byte("AZURE_OPENAI_API_KEY=\n value: x"))
	f.Add(bytes.Repeat([]byte("JQQJ9"), 20))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, m := range c.FindKeys(b) {
			if m.Start < 0 || m.End > len(b) || m.Start >= m.End {
				t.Fatalf("bad match %+v", m)
			}
		}
		for _, m := range c.FindEnvAssignments(b) {
			if m.ValueStart < 0 || m.ValueEnd > len(b) || m.ValueStart >= m.ValueEnd {
				t.Fatalf("bad env match %+v", m)
			}
		}
	})
}

// Accelerator names: extended resources as written, DRA device classes
// with a "dra:" prefix in the cases.
func TestAcceleratorCases(t *testing.T) {
	c := load(t)
	if len(c.Accelerators.Positive) == 0 || len(c.Accelerators.Negative) == 0 {
		t.Fatal("accelerators need positive and negative cases")
	}
	is := func(s string) bool {
		if class, ok := strings.CutPrefix(s, "dra:"); ok {
			return c.IsAcceleratorClass(class)
		}
		return c.IsAccelerator(s)
	}
	for _, p := range c.Accelerators.Positive {
		if !is(p) {
			t.Errorf("%s is not recognised as an accelerator", p)
		}
	}
	for _, n := range c.Accelerators.Negative {
		if is(n) {
			t.Errorf("%s is recognised as an accelerator", n)
		}
	}
}

func TestServingResourcesAndProviders(t *testing.T) {
	c := load(t)
	for _, r := range c.ServingResources {
		got, ok := c.ServingResource(r.Group, r.Kind)
		if !ok || got.Plural != r.Plural {
			t.Errorf("%s.%s not found by group and kind", r.Kind, r.Group)
		}
		if _, ok := c.ServingResource("example.com", r.Kind); ok {
			t.Errorf("%s matched in another API group", r.Kind)
		}
	}
	ps := c.Providers()
	for _, want := range []string{"openai", "anthropic", "aws", "huggingface", "mistral"} {
		if !slices.Contains(ps, want) {
			t.Errorf("providers %v lack %s", ps, want)
		}
	}
	if !c.IsModelEnv("MODEL_ID") || c.IsModelEnv("OPENAI_API_KEY") || !c.IsRevisionEnv("HF_REVISION") {
		t.Error("model env conventions")
	}
	tgi, _ := c.MatchImage("ghcr.io/huggingface/text-generation-inference:3")
	if !slices.Contains(c.ModelArgs(tgi), "--model-id") || !slices.Contains(c.ModelArgs(nil), "--model") {
		t.Error("model arg conventions")
	}
}

// The generated SDK list extends the hand-written one without overriding
// it, and its names are matched.
func TestGeneratedSDKs(t *testing.T) {
	c := load(t)
	hand, err := LoadHandWritten()
	if err != nil {
		t.Fatal(err)
	}
	gen := 0
	for i := range c.SDKs {
		s := &c.SDKs[i]
		if !c.Generated(s) {
			continue
		}
		gen += len(s.Names)
		for _, n := range s.Names {
			if _, ok := hand.MatchSDK(s.Ecosystem, n); ok {
				t.Errorf("generated %s %s is matched by the hand-written catalog (the generator leaves those out)", s.Ecosystem, n)
			}
			if got, ok := c.MatchSDK(s.Ecosystem, n); !ok || got.Category != s.Category {
				t.Errorf("generated %s %s: matched %v %v", s.Ecosystem, n, got, ok)
			}
		}
	}
	if gen < 500 {
		t.Errorf("%d generated names; the registry metadata gave over 800", gen)
	}
	for _, tc := range []struct{ eco, name string }{{"pypi", "mcp-use"}, {"npm", "@openai/agents-core"}, {"pypi", "instructor"}} {
		if _, ok := c.MatchSDK(tc.eco, tc.name); !ok {
			t.Errorf("%s %s not matched", tc.eco, tc.name)
		}
	}
}
