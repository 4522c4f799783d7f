package redact

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://user:pass@host.example/model.tar.gz", "https://host.example/model.tar.gz"},
		{"s3://AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY@bucket/x", "s3://bucket/x"},
		{"https://huggingface.co/org/m?token=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "https://huggingface.co/org/m"},
		{"https://bucket.s3.amazonaws.com/m.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA%2F&X-Amz-Signature=abc123&X-Amz-Date=20260101T000000Z",
			"https://bucket.s3.amazonaws.com/m.bin?X-Amz-Algorithm=REDACTED&X-Amz-Date=REDACTED"},
		{"https://acct.blob.core.windows.net/c/m.onnx?sv=2022-11-02&se=2026-12-01&sr=b&sp=r&sig=Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA%3D%3D", "https://acct.blob.core.windows.net/c/m.onnx?sv=REDACTED&se=REDACTED&sr=REDACTED&sp=REDACTED"},
		{"https://storage.googleapis.com/b/m?X-Goog-Signature=deadbeef&X-Goog-Credential=sa%40p", "https://storage.googleapis.com/b/m"},
		{"https://mcp.example.com/sse;key=sk-live-0123456789abcdef", "https://mcp.example.com/sse"},
		{"https://server.example/mcp/AbCdEf0123456789GhIjKlMnOpQrStUv/sse", "https://server.example/mcp/REDACTED/sse"},
		{"https://api.example/v1#access_token=xyz", "https://api.example/v1"},
		{"git+https://tok:x-oauth-basic@github.com/o/r.git#v4.77.0", "git+https://github.com/o/r.git#v4.77.0"},
		{"git+https://oauth2:hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789@github.com/org/repo.git@v1", "git+https://github.com/org/repo.git@v1"},
		// Not credentials: left alone.
		{"hf://meta-llama/Llama-3.1-8B-Instruct@0e9e39f249a16976918f6564b8830bc894c89659", "hf://meta-llama/Llama-3.1-8B-Instruct@0e9e39f249a16976918f6564b8830bc894c89659"},
		{"oci://registry/models/llama@sha256:4c9e1b2f0a7d6e5c3b8a9f1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c", "oci://registry/models/llama@sha256:4c9e1b2f0a7d6e5c3b8a9f1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c"},
		{"s3://models/llama-3.1-8b-instruct/v2/", "s3://models/llama-3.1-8b-instruct/v2/"},
		{"https://host/p?revision=main&page=2", "https://host/p?revision=main&page=REDACTED"},
		{"meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-8B"},
		// model names are hyphenated words, not tokens
		{"hf://neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8", "hf://neuralmagic/Meta-Llama-3.1-8B-Instruct-FP8"},
		{"hf://RedHatAI/Qwen2.5-VL-72B-Instruct-quantized.w8a8", "hf://RedHatAI/Qwen2.5-VL-72B-Instruct-quantized.w8a8"},
		{"https://server.example/mcp/Ab-CdEf0123456789GhIjKlMnOpQrStUv/sse", "https://server.example/mcp/REDACTED/sse"},
		{"/models/llama", "/models/llama"},
	} {
		if got := URL(tc.in); got != tc.want {
			t.Errorf("URL(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestURLsIn(t *testing.T) {
	for in, want := range map[string]string{
		"openai @ git+https://oauth2:hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789@github.com/openai/openai-python@v1": "openai @ git+https://github.com/openai/openai-python@v1",
		"git+https://sk-proj-AbCdEfGhIjKl0123456789:x-oauth-basic@github.com/o/r.git":                            "git+https://github.com/o/r.git",
		"--index-url https://__token__:pypi-AgEIcHlwaS5vcmc@pypi.internal/simple pkg":                            "--index-url https://pypi.internal/simple pkg",
		">=0.40,<1": ">=0.40,<1",
	} {
		if got := URLsIn(in); got != want {
			t.Errorf("URLsIn(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestLooksSecret(t *testing.T) {
	for s, want := range map[string]bool{
		"hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789":  true,
		"sk-proj-AbCdEf0123456789":                 true,
		"AbCdEf0123456789GhIjKlMnOpQrStUv":         true,
		"0e9e39f249a16976918f6564b8830bc894c89659": false, // a commit
		"Llama-3.1-8B-Instruct":                    false,
		"text-generation-inference":                false,
		"model-00001-of-00004.safetensors":         false,
	} {
		if LooksSecret(s) != want {
			t.Errorf("LooksSecret(%q) = %v", s, !want)
		}
	}
}

func keyFinder(b []byte) [][2]int {
	var out [][2]int
	for _, m := range regexp.MustCompile(`sk-proj-[A-Za-z0-9_-]{20,}`).FindAllIndex(b, -1) {
		out = append(out, [2]int{m[0], m[1]})
	}
	return out
}

func TestScrubber(t *testing.T) {
	s := New(keyFinder)
	for _, tc := range []struct{ in, want string }{
		{`push to http://user:PW123@pushgateway:9091 failed`, `push to http://REDACTED@pushgateway:9091 failed`},
		{`GET https://h/x?a=1&token=abc&b=2 and ?sig=zzz`, `GET https://h/x?a=1&token=REDACTED&b=2 and ?sig=REDACTED`},
		{`{"u":"https://h/x?a=1\u0026api_key=abc"}`, `{"u":"https://h/x?a=1\u0026api_key=REDACTED"}`},
		{`key sk-proj-AbCdEfGhIjKlMnOpQrSt0123 in log`, `key REDACTED in log`},
		{`level=warn msg="scope failed" api_calls=3 key=value`, `level=warn msg="scope failed" api_calls=3 key=value`},
		{`ORG=3,IAM=2 facts["key.age_days"] <= 90 user@example.com`, `ORG=3,IAM=2 facts["key.age_days"] <= 90 user@example.com`},
	} {
		if got := s.String(tc.in); got != tc.want {
			t.Errorf("scrub(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
	// Scrubbed JSON is still JSON.
	doc, _ := json.Marshal(map[string]string{"a": "s3://K:S@b/x?sig=1&x=2"})
	var back map[string]string
	if err := json.Unmarshal(s.Bytes(doc), &back); err != nil || strings.Contains(back["a"], "K:S") {
		t.Errorf("scrubbed JSON %s: %v", s.Bytes(doc), err)
	}
}

func TestWriterSeesLinesWhole(t *testing.T) {
	var out bytes.Buffer
	w := New(nil).NewWriter(&out)
	w.Write([]byte("a https://us"))
	w.Write([]byte("er:pw@host/x\nnext "))
	w.Write([]byte("line\n"))
	if got := out.String(); got != "a https://REDACTED@host/x\nnext line\n" || strings.Contains(got, "pw") {
		t.Errorf("got %q", got)
	}
}

// Scrubbing is linear: long runs of the characters the scanner looks back
// and forward over cost time proportional to the input.
func TestScrubIsLinear(t *testing.T) {
	s := New(keyFinder)
	for _, unit := range []string{"=", "a=", "?token=", "://", "://a", "&key=x"} {
		small := bytes.Repeat([]byte(unit), 20000)
		big := bytes.Repeat([]byte(unit), 200000)
		t0 := time.Now()
		s.Bytes(small)
		d1 := time.Since(t0)
		t0 = time.Now()
		s.Bytes(big)
		d2 := time.Since(t0)
		if d2 > 40*d1+50*time.Millisecond {
			t.Errorf("%q: 10x input took %v vs %v: not linear", unit, d2, d1)
		}
	}
}

func FuzzScrub(f *testing.F) {
	f.Add([]byte("https://u:p@h/x?token=1&a=2"))
	f.Add([]byte(`{"a":"x\u0026sig=2"}`))
	s := New(keyFinder)
	f.Fuzz(func(t *testing.T, b []byte) {
		out := s.Bytes(b)
		if bytes.Contains(b, []byte("://")) && bytes.Contains(out, []byte("://"+"u:p@")) {
			t.Errorf("userinfo survived: %q", out)
		}
	})
}

func FuzzURL(f *testing.F) {
	f.Add("https://user:pass@host/p;key=abc?token=x#frag")
	f.Fuzz(func(t *testing.T, raw string) {
		out := URL(raw)
		if strings.Contains(raw, "://") && strings.Contains(out, "secretpw@") {
			t.Errorf("userinfo survived: %q", out)
		}
	})
}

// Default-deny: a query value is kept only for the parameters a model
// reference needs, whatever the other parameters are called.
func TestURLDefaultDeny(t *testing.T) {
	for _, name := range []string{"subscription-key", "x-api-key", "auth_token", "hf_token", "access-token", "apiKey", "X-Goog-Api-Key", "ocp-apim-subscription-key", "tk", "q", "p", "anything"} {
		raw := "s3://models/llama?" + name + "=c2VjcmV0dmFsdWUxMjM0NTY3"
		got := URL(raw)
		if strings.Contains(got, "c2VjcmV0dmFsdWUxMjM0NTY3") {
			t.Errorf("URL(%q) = %q keeps the value", raw, got)
		}
	}
	for raw, want := range map[string]string{
		"hf://org/model?revision=5fd4a3c0b0f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9":                "hf://org/model?revision=5fd4a3c0b0f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9",
		"https://huggingface.co/org/m/resolve/5fd4a3c0b0f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9/x": "https://huggingface.co/org/m/resolve/5fd4a3c0b0f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9/x",
		"https://mcp.example.com/sse/5fd4a3c0b0f3e2d1c0b9a8f7e6d5c4b3":                    "https://mcp.example.com/sse/REDACTED",
		"https://mcp.example.com/u/0f8fad5b-d9cb-469f-a165-70867728950e/mcp":              "https://mcp.example.com/u/REDACTED/mcp",
		"https://mcp.example.com/t/k3j9x2m8q7w4e1r6t5y0u3i8o2p7a4s/mcp":                   "https://mcp.example.com/t/REDACTED/mcp",
		"https://mcp.example.com/meta-llama-3-1-8b-instruct/mcp":                          "https://mcp.example.com/meta-llama-3-1-8b-instruct/mcp",
		"https://host/v1/models?tag=v1.2.0":                                               "https://host/v1/models?tag=v1.2.0",
	} {
		if got := URL(raw); got != want {
			t.Errorf("URL(%q)\n got %q\nwant %q", raw, got, want)
		}
	}
}

// Commands: the value after a flag or in NAME=VALUE whose name says it is
// a credential is masked, whatever the exact name.
func TestArgsMaskCredentials(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"uvx srv --api-key s3cr3tvalue --port 8080", "uvx srv --api-key REDACTED --port 8080"},
		{"env API_TOKEN=s3cr3tvalue npx -y @org/server", "env API_TOKEN=REDACTED npx -y @org/server"},
		{"server --client-secret=abc123def --verbose", "server --client-secret=REDACTED --verbose"},
		{"server --auth s3cr3t --Password hunter22 --sessionid zzz", "server --auth REDACTED --Password REDACTED --sessionid REDACTED"},
		{"docker run -e HF_TOKEN=hfvalue123 img", "docker run -e HF_TOKEN=REDACTED img"},
		{"npx mcp-remote https://u:p@h/x?key=abc", "npx mcp-remote https://h/x"},
		{"vllm serve meta-llama/Llama-3.1-8B --port 8000", "vllm serve meta-llama/Llama-3.1-8B --port 8000"},
	} {
		if got := CommandLine(tc.in); got != tc.want {
			t.Errorf("CommandLine(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}
