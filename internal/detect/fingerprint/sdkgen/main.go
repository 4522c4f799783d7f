// Command sdkgen builds the generated part of the AI dependency catalog
// from the package registries' own metadata, in two steps:
//
//	go run ./internal/detect/fingerprint/sdkgen extract -pypi PYPI.tsv -npm NPM.tsv [-nuget NUGET.tsv -maven MAVEN.tsv -go GO.tsv] > internal/detect/fingerprint/registry/candidates.tsv
//	go run ./internal/detect/fingerprint/sdkgen generate > internal/detect/fingerprint/sdk_generated.yaml
//
// extract reads registry dumps (name, popularity, summary per package: the
// PyPI rows ranked among the 15,000 most downloaded, npm packages with at
// least 50,000 downloads a month; NuGet packages with their description
// and tags; Maven group:artifact and Go module names, which their dumps
// give without a summary) and keeps the packages whose name or summary
// says AI (rules below); its output is committed with the dumps'
// date, so the catalog is reproducible without the dumps. generate (what
// `make generate` runs) classifies each candidate (category, provider,
// deployment type) by the same kind of rules, drops what
// registry/review.yaml excludes (each with why) and what the hand-written
// catalog already matches, and writes the YAML the catalog embeds.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/detect/fingerprint"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen extract -pypi FILE -npm FILE | sdkgen generate [-candidates FILE] [-review FILE]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "extract":
		fs := flag.NewFlagSet("extract", flag.ExitOnError)
		pypi := fs.String("pypi", "", "PyPI dump: name, version, month, rank, summary (tab-separated, one header line)")
		npm := fs.String("npm", "", "npm dump: name, version, downloads a month, summary (tab-separated, one header line)")
		nuget := fs.String("nuget", "", "NuGet dump: name, version, licence, description with [tags] (tab-separated, one header line); optional")
		maven := fs.String("maven", "", "Maven dump: group:artifact first (tab-separated, one header line); optional")
		goMods := fs.String("go", "", "Go dump: module path first (tab-separated, one header line); optional")
		_ = fs.Parse(os.Args[2:])
		err = extract(os.Stdout, dumps{pypi: *pypi, npm: *npm, nuget: *nuget, maven: *maven, golang: *goMods})
	case "generate":
		fs := flag.NewFlagSet("generate", flag.ExitOnError)
		cands := fs.String("candidates", "internal/detect/fingerprint/registry/candidates.tsv", "candidates written by extract")
		review := fs.String("review", "internal/detect/fingerprint/registry/review.yaml", "reviewed exclusions and overrides")
		_ = fs.Parse(os.Args[2:])
		err = generateFiles(os.Stdout, *cands, *review)
	default:
		err = fmt.Errorf("unknown step %q (extract or generate)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}

// Candidate is one registry package that says AI.
type Candidate struct {
	Ecosystem  string
	Name       string
	Popularity int // PyPI: download rank (1 = most); npm: downloads a month
	Summary    string
}

// aiWords are the words of a name or summary that say a package is AI:
// model providers and their products, LLM and agent vocabulary, MCP,
// vector search, model formats and runtimes. Generic words that also mean
// something else (prompt, token, embed, inference, transformer, agent,
// vector) count only in the phrases listed.
var aiWords = regexp.MustCompile(`(?i)\b(llms?|large language models?|language models?|openai|anthropic|claude|chatgpt|gpt-?[0-9]|gpt|gemini|mistral ?ai|mistralai|ollama|hugging ?face|huggingface|🤗|langchain|langgraph|langsmith|llama[- ]?index|llamaindex|llama\.cpp|model context protocol|mcp|ai agents?|agentic|agent framework|multi-agent|generative ai|gen ?ai|retrieval[- ]augmented|rag|vector (?:database|store|search|db|similarity)|(?:text|sentence|semantic|vector) embeddings?|embeddings? (?:models?|api)|guardrails?|prompt injection|stable diffusion|diffusion models?|whisper|amazon bedrock|aws bedrock|bedrock (?:runtime|agent)|sagemaker|vertex ai|azure openai|azure ai|foundation models?|deep learning|neural networks?|machine learning models?|onnx|gguf|fine-?tun(?:e|ing) (?:llms?|models?)|(?:model|llm) (?:inference|serving)|inference (?:server|engine)|text generation|speech recognition|text[- ]to[- ]speech|ai sdk|ai assistants?|ai models?|ai api|llm observability|llm evaluation)\b`)

// notAI are summaries that use an AI word in another sense.
var notAI = regexp.MustCompile(`(?i)\b(user[- ]agent|type inference|rag(?:ged)?[- ]?(?:array|tensor)s?|embed(?:ding)? (?:pdf|video|image|power ?bi|dashboards?|quicksight|retool|design|instagram|twitter|youtube|maps?|unity)|bedrock[- ]layout|gemini protocol)\b`)

// says reports whether a package's name or summary says AI.
func says(name, summary string) bool {
	words := strings.NewReplacer("-", " ", "_", " ", "/", " ", "@", " ", ".", " ", ":", " ").Replace(name)
	if notAI.MatchString(summary) {
		return false
	}
	return aiWords.MatchString(words) || aiWords.MatchString(summary)
}

// dumps are the registry dumps extract reads; nuget, maven and golang may
// be empty.
type dumps struct{ pypi, npm, nuget, maven, golang string }

// ecosystemOrder orders the candidates file.
var ecosystemOrder = map[string]int{"pypi": 0, "npm": 1, "nuget": 2, "maven": 3, "go": 4}

// extract reads the dumps and writes the candidates, most popular first
// within each ecosystem (by name where a dump gives no popularity).
func extract(w io.Writer, d dumps) error {
	pypi, npm := d.pypi, d.npm
	if pypi == "" || npm == "" {
		return fmt.Errorf("extract needs -pypi and -npm")
	}
	var out []Candidate
	err := readTSV(pypi, func(f []string) {
		if len(f) < 5 || f[3] == "" {
			return // not ranked among the most downloaded
		}
		rank, err := strconv.Atoi(f[3])
		if err == nil && says(f[0], f[4]) {
			out = append(out, Candidate{"pypi", f[0], rank, f[4]})
		}
	})
	if err != nil {
		return err
	}
	err = readTSV(npm, func(f []string) {
		if len(f) < 4 {
			return
		}
		dl, err := strconv.Atoi(f[2])
		if err == nil && dl >= 50000 && says(f[0], f[3]) {
			out = append(out, Candidate{"npm", f[0], dl, f[3]})
		}
	})
	if err != nil {
		return err
	}
	// Name-only dumps: the name has to say AI by itself.
	for _, nd := range []struct{ eco, path string }{{"nuget", d.nuget}, {"maven", d.maven}, {"go", d.golang}} {
		if nd.path == "" {
			continue
		}
		err := readTSV(nd.path, func(f []string) {
			name, summary := strings.TrimSpace(f[0]), ""
			if nd.eco == "nuget" && len(f) >= 4 {
				summary = f[3]
			}
			if name != "" && !strings.ContainsAny(name, " ()") && says(name, summary) {
				out = append(out, Candidate{nd.eco, name, 0, summary})
			}
		})
		if err != nil {
			return err
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Ecosystem != b.Ecosystem {
			return ecosystemOrder[a.Ecosystem] < ecosystemOrder[b.Ecosystem]
		}
		switch a.Ecosystem {
		case "pypi":
			return a.Popularity < b.Popularity
		case "npm":
			return a.Popularity > b.Popularity
		}
		return a.Name < b.Name
	})
	fmt.Fprintln(w, "# ecosystem\tname\tpopularity (pypi: download rank; npm: downloads a month)\tsummary")
	for _, c := range out {
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", c.Ecosystem, c.Name, c.Popularity, clean(c.Summary))
	}
	return nil
}

func clean(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	if len(s) > 160 {
		s = s[:160]
	}
	return strings.ToValidUTF8(s, "")
}

func readTSV(path string, row func([]string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		row(strings.Split(sc.Text(), "\t"))
	}
	return sc.Err()
}

// Review is the reviewed part of the generation: packages excluded (a
// candidate whose summary says AI but which is not an AI SDK), each with
// why, and classifications corrected.
type Review struct {
	Exclude []struct {
		Ecosystem string   `yaml:"ecosystem"`
		Names     []string `yaml:"names"`
		Why       string   `yaml:"why"`
	} `yaml:"exclude"`
	Override []struct {
		Ecosystem string `yaml:"ecosystem"`
		Name      string `yaml:"name"`
		Category  string `yaml:"category"`
		Provider  string `yaml:"provider"`
	} `yaml:"override"`
}

// Entry is one generated catalog entry.
type Entry struct {
	Ecosystem, Name, Provider, Category, DeploymentType string
}

var (
	catMCP       = regexp.MustCompile(`(?i)\b(model context protocol|mcp)\b`)
	catVector    = regexp.MustCompile(`(?i)\b(vector (database|store|search|db|similarity)|similarity search|ann index|hnsw)\b`)
	catGuard     = regexp.MustCompile(`(?i)\b(guardrails?|prompt injection|pii|red[- ]team|safety|moderation)\b`)
	catEval      = regexp.MustCompile(`(?i)\b(evaluat\w*|evals?|observability|tracing|instrumentation|telemetry|monitoring|benchmark)\b`)
	catGateway   = regexp.MustCompile(`(?i)\b(gateway|proxy|router|load balanc\w*)\b`)
	catLocal     = regexp.MustCompile(`(?i)\b(deep learning|neural networks?|tensors?|onnx|gguf|llama\.cpp|quantiz\w*|fine-?tun\w*|training|diffusion|inference (server|engine)|(model|llm) (inference|serving)|machine learning models?|gpu|cuda|triton|tokeni[sz]\w*|speech recognition|whisper|transformers?)\b`)
	catFramework = regexp.MustCompile(`(?i)\b(agents?|agentic|framework|rag|retrieval|orchestrat\w*|chains?|workflows?|langchain|langgraph|llama[- ]?index|integration|plugin)\b`)
)

// providerWords map words of a name or summary to the provider whose API
// the package serves; the first that matches wins.
var providerWords = []struct {
	re       *regexp.Regexp
	provider string
}{
	{regexp.MustCompile(`(?i)\b(azure|microsoft foundry)\b`), "azure"},
	{regexp.MustCompile(`(?i)\b(bedrock|sagemaker|amazon|aws)\b`), "aws"},
	{regexp.MustCompile(`(?i)\b(vertex ?ai|google cloud)\b`), "gcp"},
	{regexp.MustCompile(`(?i)\b(openai|chatgpt|gpt)\b`), "openai"},
	{regexp.MustCompile(`(?i)\b(anthropic|claude)\b`), "anthropic"},
	{regexp.MustCompile(`(?i)\b(gemini|google genai|google generative)\b`), "google"},
	{regexp.MustCompile(`(?i)\b(hugging ?face|huggingface|🤗)\b`), "huggingface"},
	{regexp.MustCompile(`(?i)\b(mistral ?ai|mistralai|mistral)\b`), "mistral"},
	{regexp.MustCompile(`(?i)\bcohere\b`), "cohere"},
	{regexp.MustCompile(`(?i)\b(langchain|langgraph|langsmith)\b`), "langchain"},
	{regexp.MustCompile(`(?i)\b(llama[- ]?index|llamaindex)\b`), "llamaindex"},
	{regexp.MustCompile(`(?i)\b(model context protocol|mcp)\b`), "mcp"},
}

// classify decides an entry's category, provider and deployment type.
func classify(c Candidate) Entry {
	text := strings.NewReplacer("-", " ", "_", " ", "/", " ", "@", " ").Replace(c.Name) + " " + c.Summary
	e := Entry{Ecosystem: c.Ecosystem, Name: c.Name, Provider: "other"}
	switch {
	case catMCP.MatchString(text):
		e.Category = "mcp"
	case catVector.MatchString(text):
		e.Category = "vector_db"
	case catGuard.MatchString(text):
		e.Category = "guardrails"
	case catEval.MatchString(text):
		e.Category = "evaluation"
	case catGateway.MatchString(text) && aiWords.MatchString(text):
		e.Category = "gateway"
	case catLocal.MatchString(text):
		e.Category = "local_inference"
	case catFramework.MatchString(text):
		e.Category = "framework"
	default:
		e.Category = "llm_client"
	}
	for _, p := range providerWords {
		if p.re.MatchString(text) {
			e.Provider = p.provider
			break
		}
	}
	e.DeploymentType = deploymentType(e)
	return e
}

// deploymentType follows from the category and provider: runtimes,
// guardrails and evaluation run where the application runs, clouds' model
// clients call PaaS, the rest call an API.
func deploymentType(e Entry) string {
	switch e.Category {
	case "local_inference", "guardrails", "evaluation":
		return "self_hosted"
	}
	switch e.Provider {
	case "aws", "azure", "gcp":
		if e.Category == "llm_client" || e.Category == "framework" {
			return "paas"
		}
	}
	return "api_saas"
}

// generateFiles reads the candidates and the review and writes the catalog part.
func generateFiles(w io.Writer, candsPath, reviewPath string) error {
	var cands []Candidate
	err := readTSV(candsPath, func(f []string) {
		if len(f) < 4 || strings.HasPrefix(f[0], "#") {
			return
		}
		n, _ := strconv.Atoi(f[2])
		cands = append(cands, Candidate{f[0], f[1], n, f[3]})
	})
	if err != nil {
		return err
	}
	rb, err := os.ReadFile(reviewPath)
	if err != nil {
		return err
	}
	var rev Review
	dec := yaml.NewDecoder(strings.NewReader(string(rb)))
	dec.KnownFields(true)
	if err := dec.Decode(&rev); err != nil {
		return fmt.Errorf("%s: %w", reviewPath, err)
	}
	hand, err := fingerprint.LoadHandWritten()
	if err != nil {
		return err
	}
	entries, err := Generate(cands, rev, hand)
	if err != nil {
		return err
	}
	return Write(w, entries)
}

// Generate classifies the candidates, leaving out the excluded and those
// the hand-written catalog matches; an exclusion or override that names no
// candidate is an error (the review must stay true to the candidates).
func Generate(cands []Candidate, rev Review, hand *fingerprint.Catalog) ([]Entry, error) {
	key := func(eco, name string) string { return eco + "\x00" + fingerprint.NormalizePackage(eco, name) }
	known := map[string]bool{}
	for _, c := range cands {
		known[key(c.Ecosystem, c.Name)] = true
	}
	excluded := map[string]bool{}
	for _, x := range rev.Exclude {
		if x.Why == "" {
			return nil, fmt.Errorf("review: exclusion of %v has no why", x.Names)
		}
		for _, n := range x.Names {
			if !known[key(x.Ecosystem, n)] {
				return nil, fmt.Errorf("review: excluded %s package %q is not a candidate", x.Ecosystem, n)
			}
			excluded[key(x.Ecosystem, n)] = true
		}
	}
	over := map[string]int{}
	for i, o := range rev.Override {
		if !known[key(o.Ecosystem, o.Name)] {
			return nil, fmt.Errorf("review: override of %s package %q is not a candidate", o.Ecosystem, o.Name)
		}
		over[key(o.Ecosystem, o.Name)] = i
	}
	var out []Entry
	for _, c := range cands {
		k := key(c.Ecosystem, c.Name)
		if excluded[k] {
			continue
		}
		if _, ok := hand.MatchSDK(c.Ecosystem, c.Name); ok {
			continue
		}
		e := classify(c)
		if i, ok := over[k]; ok {
			if o := rev.Override[i]; o.Category != "" {
				e.Category = o.Category
			}
			if o := rev.Override[i]; o.Provider != "" {
				e.Provider = o.Provider
			}
			e.DeploymentType = deploymentType(e)
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Ecosystem != out[j].Ecosystem {
			return out[i].Ecosystem > out[j].Ecosystem
		}
		return out[i].Name < out[j].Name
	})
	return out, nil
}

// Write writes the entries as the catalog's generated sdks, one family per
// ecosystem, category, provider and deployment type.
func Write(w io.Writer, entries []Entry) error {
	type group struct {
		eco, cat, prov, dt string
		names              []string
	}
	var groups []*group
	idx := map[string]*group{}
	for _, e := range entries {
		k := e.Ecosystem + "|" + e.Category + "|" + e.Provider + "|" + e.DeploymentType
		g := idx[k]
		if g == nil {
			g = &group{eco: e.Ecosystem, cat: e.Category, prov: e.Provider, dt: e.DeploymentType}
			idx[k] = g
			groups = append(groups, g)
		}
		g.names = append(g.names, e.Name)
	}
	sort.Slice(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		return a.eco+a.cat+a.prov+a.dt < b.eco+b.cat+b.prov+b.dt
	})
	fmt.Fprintln(w, "# Code generated by go run ./internal/detect/fingerprint/sdkgen generate; DO NOT EDIT.")
	fmt.Fprintln(w, "# The AI packages of the registries' metadata (registry/candidates.tsv) that the")
	fmt.Fprintln(w, "# hand-written catalog does not match, less registry/review.yaml's exclusions.")
	fmt.Fprintln(w, "sdks:")
	for _, g := range groups {
		names := make([]string, len(g.names))
		for i, n := range g.names {
			names[i] = strconv.Quote(n)
		}
		fmt.Fprintf(w, "  - {ecosystem: %s, provider: %s, deployment_type: %s, category: %s,\n     names: [%s]}\n", g.eco, g.prov, g.dt, g.cat, strings.Join(names, ", "))
	}
	return nil
}
