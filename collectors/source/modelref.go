package source

import (
	"bytes"
	"cmp"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aisight/aisight/internal/detect/anchors"
	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

var (
	strArg      = regexp.MustCompile(`^\s*(?:repo_id\s*=\s*)?["']([^"'\n]{1,200})["']`)
	revisionArg = regexp.MustCompile(`revision\s*=\s*["']([^"'\n]{1,100})["']`)
	cliRevision = regexp.MustCompile(`--revision(?:=|[\s"',]+(?:-\s+)?)([A-Za-z0-9._/][A-Za-z0-9._/-]{0,99})`)
)

// ModelRef is a model reference found in code or config.
type ModelRef struct {
	ID       string // "org/name" or a URI
	Revision string
	Via      string // from_pretrained, hub_download, hf_uri, hf_url, ollama_uri, cli_arg, assignment, provider_prefix
	Offset   int
	// Provider is set for a provider's API model (gpt-4o: openai), which is
	// reported as an api_saas model, never as a self-hosted one.
	Provider string
	// ServedBy is the client that says which cloud serves a publisher's
	// model ("AnthropicFoundry(": Claude on Azure), when one does.
	ServedBy string
}

// modelRefCandidate reports whether a file may hold model references worth
// reporting: code, config and scripts, not prose.
func modelRefCandidate(f *file) bool {
	switch f.ext() {
	case ".md", ".rst", ".txt", ".adoc", ".html", ".csv", ".lock", ".sum":
		return false
	}
	return true
}

// FindModelRefs finds literal model references: from_pretrained("org/name",
// revision=...), snapshot_download/hf_hub_download(repo_id=...), hf:// URIs
// and --model / --model-id arguments (with a --revision on the same line).
func FindModelRefs(b []byte) []ModelRef {
	var h anchors.Hits
	refAnchors.Find(b, &h)
	return findModelRefs(b, &h)
}

// The literals FindModelRefs looks for first, by the detector that reads
// each (modelRefAnchors is all of them).
var (
	callAnchors   = []string{"from_pretrained(", "snapshot_download(", "hf_hub_download("}
	hubCLIAnchors = []string{"huggingface-cli ", "hf download ", "hf upload "}
	cliAnchors    = append([]string{"hf://", "vllm serve", "ollama run", "ollama pull", "--hf-repo", "--model"}, hubCLIAnchors...)
	urlAnchors    = []string{"huggingface://", "huggingface.co/", "hf.co/", "ollama://"}
)

var modelRefAnchors = slices.Concat(callAnchors, cliAnchors, urlAnchors, contextAnchors, prefixAnchors, gateAnchors)

// contextAnchors are the words of identifiers and keys whose value names a
// model (namesModel decides on the whole identifier).
var contextAnchors = []string{"model", "MODEL", "Model", "_name_or_path"}

// gateAnchors say a file may hold what costlier searches look for: an AI
// SDK's provider functions (openai("gpt-4o")) and Ollama SDK calls. Those
// searches run only in files holding one (most files hold none).
var gateAnchors = []string{"@ai-sdk/", "ollama"}

// prefixAnchors start provider-prefixed API model names.
var prefixAnchors = quotedPrefixes("openai:", "openai/", "anthropic:", "anthropic/", "bedrock/", "bedrock:", "gemini/", "google-gla:",
	"google-vertex:", "vertex_ai/", "azure/", "groq:", "groq/", "xai/", "xai:", "mistral:", "mistral/", "deepseek/", "openrouter/", "fireworks_ai/")

// quotedPrefixes returns each prefix after a double and a single quote:
// a provider-prefixed name is a string literal, and a quote before a
// letter is far rarer than the letters' own pair ("an", "de").
func quotedPrefixes(ps ...string) []string {
	var out []string
	for _, p := range ps {
		out = append(out, `"`+p, `'`+p)
	}
	return out
}

// refAnchors finds modelRefAnchors in one pass (immutable, like a compiled regexp).
var refAnchors = anchors.New(modelRefAnchors...)

// Groups of modelRefAnchors tested together: a file with no hit of a group
// skips the group's detectors (most files hold none of them).
var (
	callGroup    = anchors.NewGroup(callAnchors...)
	cliGroup     = anchors.NewGroup(cliAnchors...)
	contextGroup = anchors.NewGroup(contextAnchors...)
	urlGroup     = anchors.NewGroup(urlAnchors...)
	prefixGroup  = anchors.NewGroup(prefixAnchors...)
	gateGroup    = anchors.NewGroup(gateAnchors...)
)

// findModelRefs is FindModelRefs over anchor offsets already found (h
// holds at least modelRefAnchors).
func findModelRefs(b []byte, h *anchors.Hits) []ModelRef {
	var out []ModelRef
	if h.AnyIn(callGroup) {
		for _, anchor := range callAnchors {
			eachHit(h, anchor, func(at int) {
				call := callText(b[at+len(anchor):])
				m := strArg.FindSubmatch(call)
				if m == nil || !workload.HFRepoID.Match(m[1]) {
					return
				}
				r := ModelRef{ID: string(m[1]), Via: "from_pretrained", Offset: at}
				if anchor != "from_pretrained(" {
					r.Via = "hub_download"
				}
				if rm := revisionArg.FindSubmatch(call); rm != nil {
					r.Revision = string(rm[1])
				}
				out = append(out, r)
			})
		}
	}
	if h.AnyIn(cliGroup) {
		cliRefs(b, h, &out)
	}
	if h.AnyIn(contextGroup) {
		contextRefs(b, h, &out)
	}
	if h.AnyIn(urlGroup) {
		for _, anchor := range urlAnchors {
			eachHit(h, anchor, func(at int) {
				if r, ok := urlRef(b, at, anchor); ok {
					out = append(out, r)
				}
			})
		}
	}
	if h.AnyIn(prefixGroup) {
		for _, anchor := range prefixAnchors {
			eachHit(h, anchor, func(at int) {
				if r, ok := prefixedHosted(b, at+1); ok { // after the quote
					out = append(out, r)
				}
			})
		}
	}
	if h.AnyIn(gateGroup) {
		gatedRefs(b, h, &out)
	}
	servingCloud(b, out)
	return sortRefs(out)
}

// cloudClients are the clients through which a cloud serves a model
// publisher's API models: Claude through Microsoft Foundry, Bedrock or
// Vertex AI, OpenAI's models through Azure, Gemini through Vertex AI.
var cloudClients = []struct{ publisher, call, cloud string }{
	{"anthropic", "AnthropicFoundry(", "azure"}, {"anthropic", "AnthropicBedrock(", "aws"}, {"anthropic", "AnthropicVertex(", "gcp"},
	// AnthropicGoogleCloud is not here: it is Anthropic's own API through
	// Google's gateway (an Anthropic workspace), not a model Google serves.
	{"anthropic", "ChatAnthropicVertex(", "gcp"}, {"anthropic", "ChatBedrock(", "aws"}, {"anthropic", "ChatBedrockConverse(", "aws"},
	{"openai", "AzureOpenAI(", "azure"}, {"openai", "AzureChatOpenAI(", "azure"}, {"openai", "AzureOpenAIEmbeddings(", "azure"},
	{"openai", "AzureChatCompletion(", "azure"}, {"google", "vertexai=True", "gcp"}, {"google", "ChatVertexAI(", "gcp"},
	// the Go SDKs' client options
	{"anthropic", "vertex.WithGoogleAuth(", "gcp"}, {"anthropic", "vertex.WithCredentials(", "gcp"},
	{"anthropic", "bedrock.WithLoadDefaultConfig(", "aws"}, {"anthropic", "bedrock.WithConfig(", "aws"},
	{"openai", "azure.WithEndpoint(", "azure"},
}

// servingCloud gives a publisher's plainly named API models (claude-...,
// gpt-...) the cloud whose client the file builds, when the file builds
// clients of exactly one cloud for that publisher. A provider-prefixed
// name says its provider itself and is left alone.
func servingCloud(b []byte, refs []ModelRef) {
	clouds := map[string]string{} // publisher -> cloud, "" when several
	calls := map[string]string{}
	for i := range refs {
		r := &refs[i]
		if r.Provider == "" || r.Via == "provider_prefix" {
			continue
		}
		pub := publisherOf(*r)
		cloud, ok := clouds[pub]
		if !ok {
			for _, c := range cloudClients {
				if c.publisher != pub || !bytes.Contains(b, []byte(c.call)) {
					continue
				}
				if cloud != "" && cloud != c.cloud {
					cloud = ""
					break
				}
				cloud, calls[pub] = c.cloud, strings.TrimSuffix(c.call, "(")
			}
			clouds[pub] = cloud
		}
		if cloud != "" && cloud != r.Provider {
			r.ServedBy = "client " + calls[pub]
			r.Provider = cloud
		}
	}
}

// publisherOf is whose model a reference names: its provider, or for a
// cloud's own id of another publisher's model (Bedrock's
// anthropic.claude-..., Vertex's claude-...@date) that publisher.
func publisherOf(r ModelRef) string {
	switch r.Provider {
	case "aws":
		id := r.ID
		if geo, rest, ok := strings.Cut(id, "."); ok && slices.Contains(bedrockGeos, geo) {
			id = rest // a cross-region inference profile: us.anthropic.claude-...
		}
		if p, _, ok := strings.Cut(id, "."); ok && (p == "anthropic" || p == "openai") {
			return p
		}
	case "gcp":
		if strings.HasPrefix(r.ID, "claude-") {
			return "anthropic"
		}
	}
	return r.Provider
}

// cliRefs reads hf:// URIs and serving command lines.
func cliRefs(b []byte, h *anchors.Hits, outp *[]ModelRef) {
	out := *outp
	defer func() { *outp = out }()
	eachHit(h, "hf://", func(at int) {
		if m := workload.HFURI.FindSubmatch(b[at:min(len(b), at+300)]); m != nil {
			out = append(out, ModelRef{ID: string(m[1]), Revision: string(m[2]), Via: "hf_uri", Offset: at})
		}
	})
	eachHit(h, "vllm serve", func(at int) {
		if rest := b[at+len("vllm serve"):]; !afterWord(rest) {
			return
		} else if v, ok := positional(rest); ok && workload.ModelShaped(v) {
			out = append(out, ModelRef{ID: redact.URL(v), Via: "cli_arg", Offset: at})
		}
	})
	for _, anchor := range []string{"ollama run", "ollama pull"} {
		eachHit(h, anchor, func(at int) {
			if rest := b[at+len(anchor):]; !afterWord(rest) {
				return
			} else if v, ok := positional(rest); ok && workload.OllamaModel.MatchString(v) {
				out = append(out, ModelRef{ID: "ollama://" + v, Via: "cli_arg", Offset: at})
			}
		})
	}
	// The Hub's CLI: huggingface-cli download|upload REPO, hf download|upload REPO.
	for _, anchor := range hubCLIAnchors {
		eachHit(h, anchor, func(at int) {
			rest := b[at+len(anchor):]
			if anchor == "huggingface-cli " {
				switch {
				case bytes.HasPrefix(rest, []byte("download ")):
					rest = rest[len("download "):]
				case bytes.HasPrefix(rest, []byte("upload ")):
					rest = rest[len("upload "):]
				default:
					return
				}
			}
			if at > 0 && isIdent(b[at-1]) || inComment(b, at) {
				return
			}
			line := rest[:min(len(rest), 512)] // bounded: a long line of hits stays linear
			if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
				line = line[:nl]
			}
			if bytes.Contains(line, []byte("--repo-type dataset")) || bytes.Contains(line, []byte("--repo-type=dataset")) ||
				bytes.Contains(line, []byte("--repo-type space")) || bytes.Contains(line, []byte("--repo-type=space")) {
				return // a dataset or a Space, not a model
			}
			if v, ok := positional(rest); ok && workload.HFRepoID.MatchString(v) && !isFileName(v[strings.IndexByte(v, '/')+1:]) {
				out = append(out, ModelRef{ID: v, Via: "cli_arg", Offset: at})
			}
		})
	}
	eachHit(h, "--hf-repo", func(at int) {
		if v, ok := positional(b[at+len("--hf-repo"):]); ok && workload.HFRepoID.MatchString(v) && (afterWord(b[at+len("--hf-repo"):]) || b[at+len("--hf-repo")] == '=') {
			out = append(out, ModelRef{ID: v, Via: "cli_arg", Offset: at})
		}
	})
	eachHit(h, "--model", func(at int) {
		if v, ok := cliModelValue(b[at+len("--model"):]); ok {
			r := ModelRef{ID: redact.URL(v), Via: "cli_arg", Offset: at}
			if rm := cliRevision.FindSubmatch(lineAround(b, at)); rm != nil {
				r.Revision = string(rm[1])
			}
			out = append(out, r)
		}
	})
}

// contextRefs reads values given to model-named identifiers and model lists.
func contextRefs(b []byte, h *anchors.Hits, outp *[]ModelRef) {
	out := *outp
	defer func() { *outp = out }()
	var ctx map[int]bool // identifiers already read: "model_checkpoint" holds two anchors
	seen := func(k int) bool {
		if ctx == nil {
			ctx = map[int]bool{}
		}
		if ctx[k] {
			return true
		}
		ctx[k] = true
		return false
	}
	for _, anchor := range contextAnchors {
		kindDone := 0
		eachHit(h, anchor, func(at int) {
			s, e := identBounds(b, at)
			if r, ok := contextRef(b, s, e); ok {
				if !seen(r.Offset) {
					out = append(out, r)
				}
				return
			}
			if s > 0 && b[s-1] == ' ' {
				if refs := kindRefs(b, s, e, &kindDone); refs != nil {
					out = append(out, refs...)
					return
				}
			}
			// a model list (MODELS, model_list, modelList)
			if s < 0 || !assignsNext(b, e) || !namesModelList(b[s:e]) || inComment(b, s) || seen(-s-1) {
				return
			}
			out = append(out, modelListRefs(b, s, e)...)
		})
	}
}

// gatedRefs reads AI SDK provider functions and Ollama SDK calls, in files
// the gate anchors found.
func gatedRefs(b []byte, h *anchors.Hits, outp *[]ModelRef) {
	out := *outp
	defer func() { *outp = out }()
	for _, anchor := range providerCallAnchors {
		for _, at := range indexAll(b, anchor) {
			if r, ok := providerCallRef(b, at, anchor); ok {
				out = append(out, r)
			}
		}
	}
	if len(h.Of("ollama")) > 0 {
		out = append(out, ollamaRefs(b)...)
	}
}

// sortRefs orders references by position; a reference inside a call
// already read (snapshot_download(repo_id="org/m")) is one reference.
func sortRefs(out []ModelRef) []ModelRef {
	slices.SortStableFunc(out, func(a, b ModelRef) int { return a.Offset - b.Offset })
	kept := out[:0]
	last := map[string]int{}
	for _, r := range out {
		k := r.Provider + "\x00" + r.ID
		if at, ok := last[k]; ok && r.Offset-at < 600 {
			continue
		}
		last[k] = r.Offset
		kept = append(kept, r)
	}
	return kept
}

// apiProviders are prefixes of API model names written as provider/model
// (LiteLLM, OpenRouter, AI SDK): "openai/gpt-4o" is not a Hugging Face repo.
var apiProviders = map[string]bool{"openai": true, "anthropic": true, "azure": true, "azure_ai": true, "bedrock": true,
	"vertex_ai": true, "vertex_ai_beta": true, "gemini": true, "groq": true, "together_ai": true, "mistral": true,
	"cohere": true, "ollama": true, "ollama_chat": true, "openrouter": true, "deepseek": true, "xai": true,
	"fireworks_ai": true, "perplexity": true, "replicate": true, "sagemaker": true, "databricks": true,
	"watsonx": true, "cloudflare": true, "voyage": true, "nvidia_nim": true, "hosted_vllm": true, "lm_studio": true,
	"anyscale": true, "text-completion-openai": true, "claude": true, "gpt": true}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// afterWord reports whether b (the text after an anchor) starts with a
// separator, so "vllm serve" does not match "vllm server".
func afterWord(b []byte) bool {
	return len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '"' || b[0] == '\'' || b[0] == '\\')
}

// positional reads the next word after an anchor: spaces, then an optional
// quote (also JSON-escaped), then the value up to a quote, space, comma or
// bracket. Flags (-x) are skipped, so "vllm serve --port 8000 org/m" is not
// read as a model, and "vllm serve org/m --port 8000" is.
func positional(b []byte) (string, bool) {
	i := 0
	for i < len(b) && i < 16 && (b[i] == ' ' || b[i] == '\t' || b[i] == '=' || b[i] == '"' || b[i] == '\'' || b[i] == '\\' || b[i] == ',') {
		i++
	}
	j := i
	for j < len(b) && j-i < 300 && strings.IndexByte("\"'` \t,\n\r]})\\;", b[j]) < 0 {
		j++
	}
	if j == i || b[i] == '-' || b[i] == '$' {
		return "", false
	}
	return string(b[i:j]), true
}

// eachHit calls f with each offset of anchor in h that does not overlap
// the previous one.
func eachHit(h *anchors.Hits, anchor string, f func(at int)) {
	next := 0
	for _, at := range h.Of(anchor) {
		if at < next {
			continue
		}
		f(at)
		next = at + len(anchor)
	}
}

// callText returns the text of a call's arguments up to its closing paren (bounded).
func callText(b []byte) []byte {
	depth := 0
	for i := 0; i < len(b) && i < 600; i++ {
		switch b[i] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return b[:i]
			}
			depth--
		}
	}
	return b[:min(len(b), 600)]
}

// lineAround returns the line holding offset at, or the next few lines for a
// YAML/JSON argument list, at most 1 KiB either side: a long line is read
// in a window, so many arguments on one line cost linear time.
func lineAround(b []byte, at int) []byte {
	const reach = 1 << 10
	lo := max(0, at-reach)
	s := lo + bytes.LastIndexByte(b[lo:at], '\n') + 1
	e := at
	for n := 0; e < len(b) && e < at+reach && n < 4; e++ {
		if b[e] == '\n' {
			n++
		}
	}
	return b[s:e]
}

// cliModelValue reads the value after "--model": "--model X", "--model=X",
// `"--model", "X"` and a YAML list's next item. Only model-shaped values count:
// a Hugging Face repo id or a storage URI / absolute path.
func cliModelValue(b []byte) (string, bool) {
	for _, suf := range []string{"-id", "_id", "-name", "_name", "-path", "_path", "-repository", "_repository"} {
		if bytes.HasPrefix(b, []byte(suf)) {
			b = b[len(suf):]
			break
		}
	}
	if len(b) == 0 || !(b[0] == '=' || b[0] == ' ' || b[0] == '\t' || b[0] == '"' || b[0] == '\'' || b[0] == '\n') {
		return "", false
	}
	i := 0
	for i < len(b) && i < 80 && strings.IndexByte("=\"' \t,\n\r-", b[i]) >= 0 {
		if b[i] == '-' && !(i > 0 && (b[i-1] == '\n' || b[i-1] == ' ')) {
			break
		}
		i++
	}
	j := i
	for j < len(b) && strings.IndexByte("\"' \t,\n\r]}", b[j]) < 0 {
		j++
	}
	v := string(b[i:j])
	return v, workload.ModelShaped(v)
}

// modelAsset builds the model asset of a reference: a provider's API model
// (api_saas, its provider) or a self-hosted one (Hub, Ollama, storage).
func modelAsset(label, scope, rel string, line int, r ModelRef) model.Asset {
	src := "file:" + rel + ":" + strconv.Itoa(line)
	if r.Provider != "" {
		return model.Asset{
			ID: modelAssetID(label, rel, r.Provider+"/"+r.ID), Provider: r.Provider, Scope: scope, Kind: model.KindModel,
			DeploymentType: model.APISaaS, Name: r.ID, Model: &model.ModelRef{Publisher: r.Provider, Name: r.ID},
			Location: &model.Location{Path: rel, Line: line},
			Facts: []model.Fact{
				model.String("model.id", r.ID, model.Declared, src),
				model.String("model.provider", r.Provider, model.Inferred, cmp.Or(r.ServedBy, "model name "+r.ID)),
				model.String("model.source", "api", model.Inferred, src),
				model.String("model.reference", r.Via, model.Observed, src),
				// A dated or versioned snapshot does not move; an alias does.
				model.Bool("model.revision_pinned", hostedPinned(r.ID), model.Inferred, "model name "+r.ID),
			},
		}
	}
	ref := workload.DescribeModel(r.ID, r.Revision)
	return model.Asset{
		ID: modelAssetID(label, rel, r.ID), Provider: Name, Scope: scope, Kind: model.KindModel,
		DeploymentType: model.SelfHosted, Name: r.ID, Model: &ref,
		Location: &model.Location{Path: rel, Line: line},
		Facts: []model.Fact{
			model.String("model.id", r.ID, model.Declared, src),
			model.String("model.source", workload.ModelSource(r.ID), model.Inferred, src),
			model.String("model.reference", r.Via, model.Observed, src),
			model.Bool("model.revision_pinned", workload.RevisionPinned(r.Revision), model.Observed, src),
		},
	}
}

func modelAssetID(label, rel, id string) string { return fileURI(label, rel) + "#model:" + id }

// modelRefs reports each distinct model a file references.
func (s *scanner) modelRefs(f *file) {
	seen := map[string]bool{}
	var refs []ModelRef
	for _, r := range findModelRefs(f.content, f.anchorHits(s.c)) {
		if k := r.Provider + "\x00" + r.ID; !seen[k] {
			seen[k] = true
			refs = append(refs, r)
		}
	}
	for _, r := range refs[:s.capFindings(f, "model references", len(refs))] {
		where := f.location(r.Offset)
		a := modelAsset(s.label, s.scope, f.rel, where.Line, r)
		a.Location = where
		a.Facts = append(a.Facts, model.String("source.context", f.contextAt(r.Offset), model.Inferred, "file:"+a.Location.Path))
		s.sink.Asset(a)
	}
}
