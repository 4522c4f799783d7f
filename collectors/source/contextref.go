package source

import (
	"bytes"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/internal/redact"
)

// Model references by shape and context. A value is a model reference when
// the place it is written says so: an identifier, key, keyword, builder
// method or environment variable whose name says model (model, model_id,
// TASK_MODEL, modelURL, .modelName(...), default_model, embedding_model,
// base_model_name_or_path, ...), in any language the collector reads; and
// the value has the shape of a model: a Hugging Face repository id, an
// Ollama model behind a LiteLLM "ollama/" prefix, or a provider's API model
// name. Provider-prefixed API names ("openai:gpt-4o", "anthropic/claude-...")
// name their provider and need no context. Comments never count.

// hostedModel is one provider's API model names.
type hostedModel struct {
	provider string
	names    *regexp.Regexp
}

// hostedModels are the providers' published model names (their model
// lists and API references), each anchored: a value is a hosted model only
// when all of it matches. Open-weight names (gpt-oss, gpt2, gpt-j) are not
// here: they are Hub models.
var hostedModels = []hostedModel{
	{"openai", regexp.MustCompile(`^(?:gpt-(?:[3-9][a-z0-9.-]*|4o[a-z0-9.-]*|image-1[a-z0-9.-]*)|o[1-9](?:-(?:mini|pro|preview|deep-research))*(?:-[0-9]{4}-[0-9]{2}-[0-9]{2})?|chatgpt-4o-latest|text-embedding-(?:3-small|3-large|ada-002)|dall-e-[23]|whisper-1|tts-1(?:-hd)?|davinci-002|babbage-002|omni-moderation-[a-z0-9-]+|codex-mini-latest|computer-use-preview[a-z0-9-]*)$`)},
	{"anthropic", regexp.MustCompile(`^claude-[a-z0-9.-]*[0-9][a-z0-9.-]*$`)},
	// Vertex AI names Claude with its version after an @: only Vertex does.
	{"gcp", regexp.MustCompile(`^claude-[a-z0-9.-]*[0-9][a-z0-9.-]*@[0-9]{8}$`)},
	{"google", regexp.MustCompile(`^(?:models/)?gemini-(?:[0-9][a-z0-9.-]*|pro|pro-vision|ultra|embedding-[0-9]+|exp-[0-9]+)$`)},
	{"aws", regexp.MustCompile(`^(?:(?:` + strings.Join(bedrockGeos, "|") + `)\.)?(?:anthropic|amazon|meta|cohere|ai21|mistral|stability|deepseek|openai|qwen|writer|twelvelabs|luma)\.[a-z0-9]+-[a-z0-9.-]*(?::[0-9]+)?$`)},
	{"xai", regexp.MustCompile(`^grok-[a-z0-9.-]*[0-9][a-z0-9.-]*$`)},
	{"deepseek", regexp.MustCompile(`^deepseek-(?:chat|reasoner)$`)},
	{"mistral", regexp.MustCompile(`^(?:mistral-(?:large|medium|small|tiny|embed|saba|ocr)|codestral|pixtral-large|ministral-[38]b|magistral-(?:medium|small)|devstral-(?:medium|small))-(?:latest|[0-9]{4})$`)},
}

// bedrockGeos are the geographies of Bedrock's cross-region inference
// profiles, which prefix a model id (us.anthropic.claude-...).
var bedrockGeos = []string{"us", "eu", "apac", "global", "us-gov", "jp", "au"}

// providerPrefixes map the provider prefixes of LiteLLM ("bedrock/..."),
// Pydantic AI ("openai:..."), the AI SDK and gateways to the provider whose
// names follow them.
var providerPrefixes = map[string]string{
	"openai": "openai", "azure": "azure", "azure_ai": "azure", "anthropic": "anthropic",
	"bedrock": "aws", "bedrock-converse": "aws", "bedrock_converse": "aws",
	"gemini": "google", "google": "google", "google-gla": "google", "google-vertex": "gcp",
	"vertex_ai": "gcp", "vertex_ai_beta": "gcp", "vertexai": "gcp",
	"xai": "xai", "deepseek": "deepseek", "mistral": "mistral", "groq": "groq",
	"openrouter": "openrouter", "together_ai": "together", "fireworks_ai": "fireworks",
	"cohere": "cohere", "perplexity": "perplexity",
}

// gateways serve many publishers' models under their own prefix.
var gateways = map[string]bool{"groq": true, "openrouter": true, "together": true, "fireworks": true, "perplexity": true}

// HostedModel reports the provider of an API model name, plain ("gpt-4o")
// or provider-prefixed ("openai:gpt-4o", "bedrock/anthropic.claude-..."),
// and the name without its prefix.
func HostedModel(v string) (provider, name string, ok bool) {
	for _, sep := range []string{":", "/"} {
		p, rest, found := strings.Cut(v, sep)
		if !found {
			continue
		}
		prov, known := providerPrefixes[strings.ToLower(p)]
		if !known {
			continue
		}
		if own, n, ok := plainHosted(rest); ok {
			if prov == "azure" || prov == "gcp" && own == "google" || own == prov || gateways[prov] {
				return prov, n, true
			}
			continue
		}
		if rest != "" && modelNameChars(rest) && prov != "azure" && (sep == ":" || gateways[prov]) {
			// Pydantic AI's "provider:model" names its provider explicitly,
			// as a gateway's "groq/llama-3.1-70b" does.
			return prov, rest, true
		}
	}
	return plainHosted(v)
}

func plainHosted(v string) (string, string, bool) {
	for _, h := range hostedModels {
		if h.names.MatchString(v) {
			return h.provider, strings.TrimPrefix(v, "models/"), true
		}
	}
	return "", "", false
}

func modelNameChars(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(isIdent(c) || c == '.' || c == '-' || c == ':' || c == '/') {
			return false
		}
	}
	return len(v) <= 120
}

// hostedPinned reports whether an API model name is a dated or versioned
// snapshot (gpt-4o-2024-08-06, claude-sonnet-4-20250514, a Bedrock "-v1:0"),
// which the provider does not move, rather than an alias that it does.
var hostedSnapshot = regexp.MustCompile(`(?:-[0-9]{4}-[0-9]{2}-[0-9]{2}|-20[0-9]{6}|@20[0-9]{6}|-[0-9]{3}|-v[0-9]+:[0-9]+)$`)

func hostedPinned(name string) bool { return hostedSnapshot.MatchString(name) }

// namesModel reports whether an identifier or key says that its value is a
// model: it holds "model" (not as a type, class, config or directory), or
// names a checkpoint, adapter, LoRA, embedding or served model.
func namesModel(id []byte) bool {
	if len(id) == 0 || len(id) > 60 {
		return false
	}
	var buf [60]byte
	n := 0
	for _, c := range id {
		switch {
		case c >= 'A' && c <= 'Z':
			buf[n] = c + 'a' - 'A'
		case c == '-' || c == '.':
			buf[n] = '_'
		default:
			buf[n] = c
		}
		n++
	}
	l := buf[:n]
	for _, neg := range notModelSuffixes {
		if bytes.HasSuffix(l, neg) || l[len(l)-1] == 's' && bytes.HasSuffix(l[:len(l)-1], neg) {
			return false
		}
	}
	if bytes.Contains(l, []byte("model")) {
		return !bytes.HasPrefix(l, []byte("modelscope"))
	}
	for _, pos := range modelContextWords {
		if bytes.Contains(l, pos) {
			return true
		}
	}
	return false
}

// notModelSuffixes end identifiers that hold something about a model, not
// the model (model_type, model_config, max_model_len, MODEL_API_KEY).
var notModelSuffixes = bytesList("type", "class", "kwargs", "config", "cfg", "format", "family", "provider", "dir", "version", "args",
	"params", "list", "count", "size", "len", "max", "min", "timeout", "host", "port", "key", "token", "secret", "password", "dtype",
	"task", "_fn", "func", "loader", "cls", "registry")

// modelContextWords name a model without the word model.
var modelContextWords = bytesList("checkpoint", "adapter", "lora", "embedding", "name_or_path", "served_model", "pretrained", "reranker")

func bytesList(words ...string) [][]byte {
	out := make([][]byte, len(words))
	for i, w := range words {
		out[i] = []byte(w)
	}
	return out
}

// notModelOrgs are first path segments that make an "a/b" value a
// directory rather than a Hub repository.
var notModelOrgs = map[string]bool{"models": true, "model": true, "checkpoints": true, "checkpoint": true, "outputs": true,
	"output": true, "data": true, "weights": true, "tmp": true, "saved_models": true, "src": true, "app": true, "mnt": true,
	"cache": true, "local": true, "path": true, "your": true, "my": true, "org": true, "user": true, "username": true,
	"organization": true, "namespace": true, "owner": true, "repo": true, "some": true, "example": true}

// contextValue reads the string a model-named identifier ending at e is
// given: `= "v"`, `: v`, `"v"` after a YAML/JSON key, a call's first
// string argument for a builder method (.modelName("v")), the default of
// an environment lookup (os.getenv("TASK_MODEL", "v"), os.environ.get(...)),
// or the next word of a Dockerfile ENV.
func contextValue(b []byte, at, e int) (string, bool) {
	i := e
	for i < len(b) && (b[i] == '"' || b[i] == '\'' || b[i] == ']' || b[i] == '`' || b[i] == '\\') {
		i++ // closing quotes, also escaped ones of JSON held in a string
	}
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	switch {
	case i < len(b) && (b[i] == '=' || b[i] == ':') && !(i+1 < len(b) && (b[i+1] == '=' || b[i+1] == ':')):
		i++
	case i < len(b) && b[i] == '(' && at > 0 && b[at-1] == '.':
		i++ // a builder or setter method: .modelName("v"), .model("v")
	case i > e && bytes.HasSuffix(bytes.TrimRight(b[max(0, at-8):at], " \t"), []byte("ENV")):
	default:
		return "", false
	}
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	// A typed declaration's type (Python "name: str = v", TypeScript
	// "model: string = v") is stepped over to its "=".
	if j := bytes.IndexAny(b[i:min(len(b), i+40)], "=\n"); j > 0 && b[i+j] == '=' && isTypeName(bytes.TrimSpace(b[i:i+j])) {
		i += j + 1
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
	}
	// An environment lookup with a default: the default is the value.
	for _, call := range []string{"os.getenv(", "os.environ.get(", "getenv(", "environ.get(", "System.getenv(", "env.get("} {
		if bytes.HasPrefix(b[i:], []byte(call)) {
			args := callText(b[i+len(call):])
			if c := bytes.IndexByte(args, ','); c > 0 {
				return stringLit(bytes.TrimSpace(args[c+1:]))
			}
			return "", false
		}
	}
	if v, ok := stringLit(b[i:]); ok {
		return v, true
	}
	// A bare scalar (YAML, .env, TOML would quote): the rest of the word.
	v, ok := positional(b[i:])
	if !ok || i < len(b) && (b[i] == '\n' || b[i] == '\r') {
		return "", false
	}
	return strings.TrimRight(v, ".;"), true
}

// isTypeName accepts the annotation of a typed declaration: str, string,
// Optional[str], String.
func isTypeName(t []byte) bool {
	if len(t) == 0 || len(t) > 30 {
		return false
	}
	for _, c := range t {
		if !(isIdent(c) || c == '[' || c == ']' || c == '|' || c == ' ' || c == '.') {
			return false
		}
	}
	return true
}

// stringLit reads a string literal at the start of b ('...', "...",
// `...`, or \"...\": a value of a JSON document held in another
// document's string).
func stringLit(b []byte) (string, bool) {
	var q []byte
	switch {
	case len(b) >= 2 && (b[0] == '"' || b[0] == '\'' || b[0] == '`'):
		q = b[:1]
	case len(b) >= 4 && b[0] == '\\' && b[1] == '"':
		q = b[:2]
	default:
		return "", false
	}
	end := bytes.Index(b[len(q):min(len(b), 300+2*len(q))], q)
	if end < 0 {
		return "", false
	}
	v := b[len(q) : len(q)+end]
	if bytes.ContainsAny(v, "\n\\") {
		return "", false
	}
	return string(v), true
}

// inComment reports whether offset at is inside a line comment (#, //, --,
// or a /* */ continuation line starting with *), or a YAML/Python comment
// after code on the line.
//
// Only the 1 KiB before at is read, so many hits on one long line cost
// linear time; a comment marker further back on the same line is missed.
func inComment(b []byte, at int) bool {
	lo := max(0, at-1<<10)
	start := lo + bytes.LastIndexByte(b[lo:at], '\n') + 1
	line := b[start:at]
	t := bytes.TrimLeft(line, " \t")
	if bytes.HasPrefix(t, []byte("#")) || bytes.HasPrefix(t, []byte("//")) || bytes.HasPrefix(t, []byte("* ")) || bytes.HasPrefix(t, []byte("--")) && !bytes.HasPrefix(t, []byte("--model")) || bytes.HasPrefix(t, []byte("<!--")) {
		return true
	}
	// " # " after code, outside quotes
	inQ := byte(0)
	for i, c := range line {
		switch {
		case inQ != 0:
			if c == inQ {
				inQ = 0
			}
		case c == '"' || c == '\'':
			inQ = c
		case c == '#' && i > 0 && (line[i-1] == ' ' || line[i-1] == '\t'):
			return true
		}
	}
	return false
}

// assignsNext reports whether what follows an identifier ending at e gives
// it a value: = or : (after closing quotes or brackets and spaces).
func assignsNext(b []byte, e int) bool {
	i := e
	for n := 0; i < len(b) && n < 8 && (b[i] == '"' || b[i] == '\'' || b[i] == ']' || b[i] == '`' || b[i] == ' ' || b[i] == '\t' || b[i] == '\\'); n++ {
		i++
	}
	return i < len(b) && (b[i] == '=' || b[i] == ':')
}

// identBounds returns the bounds of the identifier (letters, digits, _ and
// -) around an anchor at at, at most 60 bytes; s is -1 when it is longer.
func identBounds(b []byte, at int) (s, e int) {
	s = at
	for n := 0; s > 0 && (isIdent(b[s-1]) || b[s-1] == '-') && n < 60; n++ {
		s--
	}
	if s > 0 && isIdent(b[s-1]) {
		return -1, -1
	}
	e = at
	for e < len(b) && e-s < 60 && (isIdent(b[e]) || b[e] == '-') {
		e++
	}
	return s, e
}

// contextRef reads a model reference given to the identifier b[s:e] (its
// bounds around an anchor, identBounds) when the identifier names a model.
// It returns a Hub model, an Ollama model, a storage URI or an API model.
func contextRef(b []byte, s, e int) (ModelRef, bool) {
	if s < 0 || !assignsNext(b, e) && !(s > 0 && b[s-1] == '.') && !bytes.HasSuffix(bytes.TrimRight(b[max(0, s-8):s], " \t"), []byte("ENV")) {
		return ModelRef{}, false // most hits: a mention, not a value given to the name
	}
	if !namesModel(b[s:e]) {
		return ModelRef{}, false
	}
	v, ok := contextValue(b, s, e)
	if !ok || v == "" || inComment(b, s) {
		return ModelRef{}, false
	}
	if r, ok := classifyModelValue(v, s); ok {
		return r, true
	}
	// const ChatModelGPT4o = shared.ChatModelGPT4o re-exports a constant
	// (an SDK's own aliases), it does not use the model.
	if prov, name, ok := sdkConstModel(v); ok && !strings.HasSuffix(v, "."+string(b[s:e])) {
		return ModelRef{ID: name, Provider: prov, Via: "sdk_constant", Offset: s}, true
	}
	return ModelRef{}, false
}

// classifyModelValue decides what a value in a model context is.
func classifyModelValue(v string, off int) (ModelRef, bool) {
	if prov, name, ok := HostedModel(v); ok {
		return ModelRef{ID: name, Provider: prov, Via: "assignment", Offset: off}, true
	}
	for _, p := range []string{"ollama/", "ollama_chat/"} {
		if rest, ok := strings.CutPrefix(v, p); ok && workload.OllamaModel.MatchString(rest) {
			return ModelRef{ID: "ollama://" + rest, Via: "assignment", Offset: off}, true
		}
	}
	if m := workload.HFURI.FindStringSubmatch(v); m != nil {
		return ModelRef{ID: m[1], Revision: m[2], Via: "hf_uri", Offset: off}, true
	}
	if ollamaTagged.MatchString(v) {
		// name:tag is how Ollama (and LM Studio, llama.cpp servers behind
		// OpenAI-compatible clients) names a local model: gpt-oss:20b
		return ModelRef{ID: "ollama://" + v, Via: "assignment", Offset: off}, true
	}
	if id, ok := hubURL(v); ok {
		return ModelRef{ID: id, Via: "hf_url", Offset: off}, true
	}
	if storageURI(v) {
		// model_uri: s3://bucket/llama-3-8b/ names where the weights live.
		return ModelRef{ID: redact.URL(v), Via: "assignment", Offset: off}, true
	}
	if !workload.HFRepoID.MatchString(v) || strings.Contains(v, "..") {
		return ModelRef{}, false
	}
	org, name, _ := strings.Cut(v, "/")
	if apiProviders[strings.ToLower(org)] || notModelOrgs[strings.ToLower(org)] || isFileName(name) {
		return ModelRef{}, false
	}
	return ModelRef{ID: v, Via: "assignment", Offset: off}, true
}

// isFileName reports a path's last segment that is a file (config.json,
// model.py), not a repository name.
func isFileName(name string) bool {
	for _, ext := range []string{".json", ".yaml", ".yml", ".py", ".bin", ".pt", ".pth", ".txt", ".md", ".js", ".ts", ".go", ".sh", ".pkl", ".onnx", ".safetensors", ".h5", ".ckpt", ".tar", ".gz", ".zip"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

// hubPaths are the Hugging Face site's own first path segments: a URL
// under them is not a model repository.
var hubPaths = map[string]bool{"spaces": true, "datasets": true, "docs": true, "blog": true, "papers": true, "settings": true,
	"join": true, "login": true, "pricing": true, "models": true, "api": true, "learn": true, "tasks": true, "posts": true,
	"organizations": true, "collections": true, "enterprise": true, "inference-endpoints": true, "new": true, "chat": true}

// hubURL reads the model repository of a Hugging Face URL in any of its
// forms: https://huggingface.co/ORG/REPO[/resolve|blob|tree/REV/...],
// hf.co/ORG/REPO, huggingface://ORG/REPO/FILE (LocalAI), and a git clone
// URL (…/REPO.git).
func hubURL(v string) (string, bool) {
	rest := ""
	for _, p := range []string{"https://huggingface.co/", "http://huggingface.co/", "https://hf.co/", "huggingface.co/", "hf.co/", "huggingface://"} {
		if r, ok := strings.CutPrefix(v, p); ok {
			rest = r
			break
		}
	}
	if rest == "" {
		return "", false
	}
	parts := strings.SplitN(rest, "/", 4)
	if len(parts) < 2 || hubPaths[parts[0]] || parts[0] == "" {
		return "", false
	}
	repo := strings.TrimSuffix(parts[1], ".git")
	if i := strings.IndexAny(repo, "?#:"); i >= 0 {
		repo = repo[:i]
	}
	id := parts[0] + "/" + repo
	if !workload.HFRepoID.MatchString(id) || isFileName(repo) && !strings.HasPrefix(v, "huggingface://") {
		return "", false
	}
	return id, true
}

// urlRef reads a Hugging Face or Ollama URL at an anchor (huggingface://,
// huggingface.co/, hf.co/, ollama://), outside comments.
func urlRef(b []byte, at int, anchor string) (ModelRef, bool) {
	s := at
	if anchor == "huggingface.co/" || anchor == "hf.co/" {
		for s > 0 && s > at-8 && b[s-1] != '"' && b[s-1] != '\'' && b[s-1] != ' ' && b[s-1] != '\t' && b[s-1] != '\n' && b[s-1] != '=' && b[s-1] != '(' {
			s--
		}
		if s < at && !bytes.HasPrefix(b[s:at], []byte("https://")) && !bytes.HasPrefix(b[s:at], []byte("http://")) {
			return ModelRef{}, false // somewhere.huggingface.co, api-inference...
		}
	}
	if inComment(b, at) {
		return ModelRef{}, false
	}
	e := at
	for e < len(b) && e-at < 300 && strings.IndexByte("\"'` \t\n\r,)]}>;", b[e]) < 0 {
		e++
	}
	v := string(b[s:e])
	if anchor == "ollama://" {
		if m := strings.TrimPrefix(v, "ollama://"); workload.OllamaModel.MatchString(m) && m != "" {
			return ModelRef{ID: v, Via: "ollama_uri", Offset: at}, true
		}
		return ModelRef{}, false
	}
	id, ok := hubURL(v)
	if !ok {
		return ModelRef{}, false
	}
	return ModelRef{ID: id, Via: "hf_url", Offset: at}, true
}

// prefixedHosted reads a quoted provider-prefixed API model name at an
// anchor ("openai:gpt-4o", 'anthropic/claude-...'): such a literal names a
// hosted model wherever it is written, outside comments.
func prefixedHosted(b []byte, at int) (ModelRef, bool) {
	if at == 0 || (b[at-1] != '"' && b[at-1] != '\'' && b[at-1] != '`') || inComment(b, at) {
		return ModelRef{}, false
	}
	v, ok := stringLit(b[at-1:])
	if !ok {
		return ModelRef{}, false
	}
	prov, name, ok := HostedModel(v)
	if !ok || !strings.ContainsAny(v, ":/") {
		return ModelRef{}, false
	}
	return ModelRef{ID: name, Provider: prov, Via: "provider_prefix", Offset: at}, true
}

// Ollama's SDKs name their model as a call's first argument or model
// keyword (ollama.chat('gemma3', ...), client.generate(model="llama3.2")):
// in a file that imports an Ollama SDK, such a name is a self-hosted
// Ollama model.
var (
	ollamaImports = [][]byte{[]byte("import ollama"), []byte("from ollama import"), []byte(`from 'ollama'`), []byte(`from "ollama"`),
		[]byte(`require('ollama')`), []byte(`require("ollama")`)}
	ollamaCall = regexp.MustCompile(`(?:\b(?:chat|generate|embed|embeddings|pull|show|create|push|copy|delete)\(\s*|\bmodel\s*[=:]\s*)['"]([a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?(?::[A-Za-z0-9._-]+)?)['"]`)
)

func ollamaRefs(b []byte) []ModelRef {
	imports := false
	for _, i := range ollamaImports {
		if bytes.Contains(b, i) {
			imports = true
			break
		}
	}
	if !imports {
		return nil
	}
	var out []ModelRef
	for _, m := range ollamaCall.FindAllSubmatchIndex(b, maxFindings) {
		v := string(b[m[2]:m[3]])
		if inComment(b, m[0]) || !workload.OllamaModel.MatchString(v) {
			continue
		}
		if _, _, hosted := HostedModel(v); hosted {
			continue
		}
		out = append(out, ModelRef{ID: "ollama://" + v, Via: "ollama_sdk", Offset: m[2]})
	}
	return out
}

// ollamaTagged is a local model's name:tag (llama3.1:8b, gpt-oss:20b,
// qwen2.5-coder:7b-instruct-q4_K_M).
var ollamaTagged = regexp.MustCompile(`^[a-z][a-z0-9._-]{2,}:[a-z0-9][A-Za-z0-9._-]*$`)

// providerCalls are the AI SDKs' provider functions that take a model name
// as their first argument (Vercel AI SDK: openai('gpt-4o'),
// anthropic('claude-…'), bedrock('anthropic.claude-…'); Genkit's
// googleAI.model('gemini-…')), with the provider they name.
var providerCalls = map[string]string{"openai": "openai", "anthropic": "anthropic", "google": "google", "vertex": "gcp",
	"mistral": "mistral", "bedrock": "aws", "azure": "azure", "xai": "xai", "groq": "groq", "deepseek": "deepseek",
	"cohere": "cohere", "perplexity": "perplexity", "togetherai": "together", "fireworks": "fireworks", "openrouter": "openrouter",
	"cerebras": "cerebras", "ollama": "ollama"}

// providerCallAnchors are the literals "NAME(" of providerCalls.
var providerCallAnchors = func() []string {
	var out []string
	for n := range providerCalls {
		out = append(out, n+"(")
	}
	sort.Strings(out)
	return out
}()

// providerCallRef reads provider('model') at an anchor "provider(": the
// function must be called by that bare name (not x.openai( or
// createopenai(), with a string literal first argument of a model name's
// shape. An Ollama provider's model is self-hosted.
func providerCallRef(b []byte, at int, anchor string) (ModelRef, bool) {
	if at > 0 && (isIdent(b[at-1]) || b[at-1] == '.') || inComment(b, at) {
		return ModelRef{}, false
	}
	rest := b[at+len(anchor):]
	i := 0
	for i < len(rest) && i < 8 && (rest[i] == ' ' || rest[i] == '\n' || rest[i] == '\t') {
		i++
	}
	v, ok := stringLit(rest[i:])
	if !ok || v == "" || !modelNameChars(v) || strings.Contains(v, "/") && !strings.HasPrefix(v, "hf.co/") {
		return ModelRef{}, false
	}
	prov := providerCalls[strings.TrimSuffix(anchor, "(")]
	if prov == "ollama" {
		if !workload.OllamaModel.MatchString(v) {
			return ModelRef{}, false
		}
		return ModelRef{ID: "ollama://" + v, Via: "provider_call", Offset: at}, true
	}
	if own, n, ok := plainHosted(v); ok && (own == prov || prov == "azure" || prov == "gcp" && own == "google") {
		return ModelRef{ID: n, Provider: prov, Via: "provider_call", Offset: at}, true
	}
	// A provider named by its function needs no name pattern, only a
	// model-like name: letters, digits and separators, with a digit or dash.
	if strings.ContainsAny(v, "-0123456789") && !strings.ContainsAny(v, " ") && len(v) >= 3 {
		return ModelRef{ID: v, Provider: prov, Via: "provider_call", Offset: at}, true
	}
	return ModelRef{}, false
}

// namesModelList reports a key whose value lists models (MODELS, models,
// model_list, modelList, AVAILABLE_MODELS).
func namesModelList(id []byte) bool {
	for _, suf := range []string{"models", "model_list", "modellist"} {
		if len(id) >= len(suf) && strings.EqualFold(string(id[len(id)-len(suf):]), suf) {
			return true
		}
	}
	return false
}

// modelListRefs reads a list of models held in the value of a model-list
// key: a JSON or YAML document after "=" or ":" (in a block scalar, a
// string or inline), whose entries name their model under id, name, model,
// model_name or model_id (chat-ui's MODELS, LiteLLM's model_list,
// Continue's models). Each reference is located at the first occurrence of
// its value after the key. The document is at most 64 KiB and bounded in
// nesting.
func modelListRefs(b []byte, s, e int) []ModelRef {
	i := e
	for i < len(b) && (b[i] == '"' || b[i] == '\'' || b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i >= len(b) || (b[i] != '=' && b[i] != ':') {
		return nil
	}
	i++
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '`' || b[i] == '\'') {
		i++
	}
	var doc []byte
	switch {
	case i < len(b) && (b[i] == '>' || b[i] == '|' || b[i] == '\n' || b[i] == '\r'):
		// a block scalar or a nested YAML block: the following lines indented
		// deeper than the key's line
		ls := bytes.LastIndexByte(b[:s], '\n') + 1
		indent := s - ls
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return nil
		}
		start := i + j + 1
		end := start
		for end < len(b) && end-start < 64<<10 {
			le := bytes.IndexByte(b[end:], '\n')
			if le < 0 {
				le = len(b) - end
			}
			line := b[end : end+le]
			t := bytes.TrimLeft(line, " \t")
			if len(t) > 0 && len(line)-len(t) <= indent {
				break
			}
			end += le + 1
		}
		doc = dedent(b[start:min(end, len(b))])
	case i < len(b) && (b[i] == '[' || b[i] == '{'):
		end, ok := balancedEnd(b, i)
		if !ok {
			return nil
		}
		doc = b[i:end]
	default:
		return nil
	}
	if len(doc) == 0 || len(doc) > 64<<10 || bounded.Depth(doc, bounded.MaxDepth) != nil {
		return nil
	}
	var v any
	if yaml.Unmarshal(doc, &v) != nil {
		return nil
	}
	var out []ModelRef
	var walk func(any, int)
	walk = func(v any, depth int) {
		if depth > 6 || len(out) >= maxFindings {
			return
		}
		switch t := v.(type) {
		case []any:
			for _, x := range t {
				walk(x, depth+1)
			}
		case map[string]any:
			for _, k := range []string{"model", "model_name", "model_id", "id", "name"} {
				val, _ := t[k].(string)
				if val == "" {
					continue
				}
				if r, ok := classifyModelValue(val, 0); ok {
					at := bytes.Index(b[e:], []byte(val))
					if at < 0 {
						at = 0
					}
					r.Offset = e + at
					out = append(out, r)
					break
				}
			}
			for _, k := range sortedKeys(t) {
				if _, ok := t[k].(string); !ok {
					walk(t[k], depth+1)
				}
			}
		}
	}
	walk(v, 0)
	return out
}

// dedent removes the common indentation of a block's lines.
func dedent(b []byte) []byte {
	min := -1
	for _, l := range bytes.Split(b, []byte("\n")) {
		t := bytes.TrimLeft(l, " ")
		if len(t) == 0 {
			continue
		}
		if n := len(l) - len(t); min < 0 || n < min {
			min = n
		}
	}
	if min <= 0 {
		return b
	}
	var out bytes.Buffer
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(l) >= min {
			l = l[min:]
		}
		out.Write(l)
		out.WriteByte('\n')
	}
	return out.Bytes()
}

// storageURI accepts a URI of an object store or volume that holds model
// weights (workload.StorageSchemes) with a path below its bucket or volume
// (s3://bucket/key), not a bare bucket, a template or a documentation
// placeholder (s3://your-bucket-name/..., my-bucket, registry.example.com).
func storageURI(v string) bool {
	_, rest, ok := workload.StorageScheme(v)
	if !ok {
		return false
	}
	bucket, key, _ := strings.Cut(strings.TrimPrefix(rest, "/"), "/")
	return bucket != "" && strings.Trim(key, "/") != "" && !strings.ContainsAny(v, "${}<>* ") && !placeholderBucket(bucket)
}

// placeholderBucket reports a bucket or host name that documentation puts
// where a real one goes.
func placeholderBucket(b string) bool {
	b = strings.ToLower(b)
	switch b {
	case "bucket", "my-bucket", "mybucket", "my_bucket", "some-bucket", "test-bucket":
		return true
	}
	for _, w := range []string{"your", "example", "placeholder", "sample", "replace", "dummy"} {
		if strings.HasPrefix(b, w) {
			return true // a real bucket may hold the word (aibrix-example-model-artifacts)
		}
	}
	for _, w := range []string{"xxxx", "bucket-name", "bucket_name", "bucketname", "<", "example.com", "example.org"} {
		if strings.Contains(b, w) {
			return true
		}
	}
	return false
}

// kindRefs reads a Kubernetes resource whose kind names a model or an
// adapter (a ModelAdapter, a custom Model resource): the storage URIs its
// location keys hold are where its weights come from. b[s:e] is the
// kind's name; the document is read up to the next "---".
//
// done is the end of the last document read: a document is read once,
// however many kind lines it holds (a hostile file of nothing else costs
// linear time).
func kindRefs(b []byte, s, e int, done *int) []ModelRef {
	if s < *done {
		return nil
	}
	// "kind:" at the start of a line, read from s backwards in a bounded
	// window: a long line of hits costs linear time.
	k := bytes.TrimRight(b[max(0, s-16):s], " \t")
	if !bytes.HasSuffix(k, []byte("kind:")) || !namesModel(b[s:e]) {
		return nil
	}
	line := s - (len(b[max(0, s-16):s]) - len(k)) - len("kind:")
	if line > 0 && b[line-1] != '\n' {
		return nil
	}
	docStart := 0
	if i := bytes.LastIndex(b[:line], []byte("\n---")); i >= 0 {
		docStart = i + 1
	}
	docEnd := len(b)
	if i := bytes.Index(b[e:], []byte("\n---")); i >= 0 {
		docEnd = e + i
	}
	*done = docEnd
	var out []ModelRef
	for off := docStart; off < docEnd; {
		nl := bytes.IndexByte(b[off:docEnd], '\n')
		end := docEnd
		if nl >= 0 {
			end = off + nl
		}
		ln := b[off:end]
		if k, v, ok := bytes.Cut(bytes.TrimSpace(ln), []byte(":")); ok && !bytes.HasPrefix(k, []byte("#")) && locationKey(k) {
			val := strings.Trim(strings.TrimSpace(string(v)), `"'`)
			if storageURI(val) {
				out = append(out, ModelRef{ID: redact.URL(val), Via: "model_resource", Offset: off + bytes.Index(ln, k)})
			}
		}
		off = end + 1
	}
	return out
}

// locationKey says a key holds where something is: url, uri, path,
// location, source or artifact, or that it names a model.
func locationKey(k []byte) bool {
	l := bytes.ToLower(bytes.TrimLeft(k, "- "))
	for _, w := range [][]byte{[]byte("url"), []byte("uri"), []byte("path"), []byte("location"), []byte("source"), []byte("artifact")} {
		if bytes.Contains(l, w) {
			return true
		}
	}
	return namesModel(l)
}
