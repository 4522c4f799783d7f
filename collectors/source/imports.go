package source

import (
	"bytes"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

// SDK use read from imports. Code that imports an AI SDK uses it whether or
// not a manifest beside it declares the package (scripts, notebooks,
// examples, vendored code). An import is reported as an sdk_dependency
// whose evidence is the import only when no manifest or lockfile of the
// scan declares the package in the file's directory or one above it; it is
// then undeclared, unlocked and unpinned by construction. Notebook
// "!pip install" / "%pip install" lines are declarations, as a requirements
// file's lines are.

var (
	pipLine = regexp.MustCompile(`(?m)^[ \t]*[!%](?:pip3?|uv[ \t]+pip|python3?[ \t]+-m[ \t]+pip)[ \t]+install[ \t]+([^\n#]+)`)
)

// pyModuleAlias names the PyPI package of a module whose name is not the
// package's (the rest are read from the module path: a.b_c -> a-b-c).
var pyModuleAlias = map[string]string{"vertexai": "google-cloud-aiplatform", "autogen": "pyautogen", "haystack": "haystack-ai",
	"llama_cpp": "llama-cpp-python", "qdrant_client": "qdrant-client", "weaviate": "weaviate-client", "pinecone": "pinecone",
	"google.adk": "google-adk", "strands": "strands-agents", "agents": "", "tensorrt_llm": "tensorrt-llm", "mlx_lm": "mlx-lm",
	"guardrails": "guardrails-ai", "phoenix": "arize-phoenix", "inspect_ai": "inspect-ai"}

// ambiguousModules are top-level module names several packages use; the
// names a "from MODULE import ..." line imports say which one it is (the
// SDK's public API).
var ambiguousModules = map[string]struct {
	pkg   string
	names []string
}{
	"agents": {"openai-agents", []string{"Agent", "Runner", "function_tool", "OpenAIChatCompletionsModel", "ModelSettings", "set_tracing_disabled", "handoff", "RunContextWrapper", "GuardrailFunctionOutput", "InputGuardrail", "WebSearchTool"}},
}

// ambiguousModule resolves "from MODULE import NAMES" for an ambiguous
// module from the names the line (rest) imports.
func ambiguousModule(mod string, rest []byte) (string, bool) {
	a, ok := ambiguousModules[mod]
	if !ok {
		return "", false
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	if bytes.HasPrefix(bytes.TrimSpace(line), []byte("(")) {
		line, _, _ = bytes.Cut(rest, []byte(")"))
	}
	for _, w := range bytes.FieldsFunc(line, func(r rune) bool { return r == ',' || r == ' ' || r == '(' || r == ')' || r == '\n' || r == '\t' }) {
		if slices.Contains(a.names, string(w)) {
			return a.pkg, true
		}
	}
	return "", false
}

// javaArtifact names the Maven artifact of a Java package whose group the
// catalog does not match as a whole.
var javaArtifact = map[string]string{"com.openai": "com.openai:openai-java", "com.anthropic": "com.anthropic:anthropic-java",
	"com.google.genai": "com.google.genai:google-genai", "com.google.cloud.vertexai": "com.google.cloud:google-cloud-vertexai",
	"com.google.cloud.aiplatform":                         "com.google.cloud:google-cloud-aiplatform",
	"software.amazon.awssdk.services.bedrockruntime":      "software.amazon.awssdk:bedrockruntime",
	"software.amazon.awssdk.services.bedrockagentruntime": "software.amazon.awssdk:bedrockagentruntime",
	"software.amazon.awssdk.services.bedrock":             "software.amazon.awssdk:bedrock", "software.amazon.awssdk.services.sagemaker": "software.amazon.awssdk:sagemaker",
	"com.azure.ai.openai": "com.azure:azure-ai-openai", "com.azure.ai.inference": "com.azure:azure-ai-inference"}

// importRec is one SDK a file imports, at its first import line.
type importRec struct {
	file, dir, eco, name string
	line, cell           int
	sdk                  sdkInfo
	context              string
}

// importSet collects the scan's imports until the manifests are known.
type importSet struct {
	mu   sync.Mutex
	recs []importRec
}

func (i *importSet) add(r importRec) {
	i.mu.Lock()
	i.recs = append(i.recs, r)
	i.mu.Unlock()
}

// importLanguage is the ecosystem whose imports a file holds, by extension.
func importLanguage(f *file) string {
	switch f.ext() {
	case ".py", ".ipynb", ".pyi":
		return "pypi"
	case ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".tsx", ".jsx":
		return "npm"
	case ".java", ".kt", ".kts", ".scala":
		return "maven"
	case ".go":
		return "go"
	case ".cs":
		return "nuget"
	}
	return ""
}

// imports records the AI SDKs a code file (or notebook cell) imports.
func (s *scanner) imports(f *file) {
	eco := importLanguage(f)
	if eco == "" {
		return
	}
	b := f.content
	seen := map[string]bool{}
	add := func(name string, sdk *fingerprint.SDK, off int) {
		if seen[name] || inComment(b, off) {
			return
		}
		if s.c.cat.Generated(sdk) && !strings.ContainsAny(name, "-_./@") {
			// A one-word package name of the generated list (chat, agents,
			// datasets) may be the project's own module of that name: an
			// import names it only when the hand-written catalog does.
			return
		}
		seen[name] = true
		where := f.location(off)
		s.importSet.add(importRec{file: f.rel, dir: path.Dir(f.rel), eco: eco, name: name, line: where.Line, cell: where.Cell,
			sdk: sdkInfo{sdk.Provider, sdk.Category, sdk.DeploymentType}, context: f.contextAt(off)})
	}
	cat := s.c.cat
	h := f.anchorHits(s.c)
	// lineAt is the line starting at offset ls.
	lineAt := func(ls int) []byte {
		if le := bytes.IndexByte(b[ls:], '\n'); le >= 0 {
			return b[ls : ls+le]
		}
		return b[ls:]
	}
	addNPM := func(spec string, off int) {
		if name, ok := npmPackageOf(spec); ok {
			if sdk, ok := cat.MatchSDK("npm", name); ok {
				add(name, sdk, off)
			}
		}
	}
	readLine := func(off int, t []byte) {
		switch eco {
		case "pypi":
			for _, mod := range pyImportModules(t) {
				if name, ok := ambiguousModule(mod, t); ok {
					if sdk, ok := cat.MatchSDK("pypi", name); ok {
						add(name, sdk, off)
					}
					continue
				}
				if name, sdk, ok := pyPackage(cat, mod); ok {
					add(name, sdk, off)
				}
			}
		case "npm":
			for _, spec := range jsImportSpecs(t) {
				addNPM(spec, off)
			}
		case "maven":
			if rest, ok := bytes.CutPrefix(t, []byte("import ")); ok {
				rest = bytes.TrimPrefix(bytes.TrimLeft(rest, " \t"), []byte("static "))
				imp := string(bytes.TrimRight(firstWord(rest), ";"))
				if name, sdk, ok := javaPackage(cat, imp); ok {
					add(name, sdk, off)
				}
			}
		case "go":
			if p := lastQuoted(t); p != "" {
				for q := p; goParent(q); q = path.Dir(q) {
					if sdk, ok := cat.MatchSDK("go", q); ok {
						add(goModuleOf(cat, q), sdk, off)
						break
					}
				}
			}
		case "nuget":
			if rest, ok := bytes.CutPrefix(t, []byte("using ")); ok && bytes.Contains(rest, []byte(";")) && !bytes.Contains(rest, []byte("(")) {
				rest = bytes.TrimPrefix(bytes.TrimLeft(rest, " \t"), []byte("static "))
				ns := string(bytes.TrimRight(firstWord(rest), ";"))
				for q := ns; q != ""; q = parentDotted(q) {
					if sdk, ok := cat.MatchSDK("nuget", q); ok {
						add(q, sdk, off)
						break
					}
				}
			}
		}
	}
	// Only the lines the anchor pass found starting with an import word are
	// read (each hit is a line start, so each line is read once).
	starts := func(lit string) []int {
		var at []int
		if bytes.HasPrefix(b, []byte(lit[1:])) {
			at = append(at, 0)
		}
		for _, o := range h.Of(lit) {
			at = append(at, o+1)
		}
		return at
	}
	for _, lit := range []string{"\nimport", "\nfrom ", "\nusing "} {
		for _, ls := range starts(lit) {
			l := lineAt(ls)
			t, off := l, ls
			switch {
			case eco == "go" && bytes.HasPrefix(t, []byte("import (")):
				// the block's lines, up to its ")"
				for next := ls + len(l) + 1; next < len(b); {
					le := bytes.IndexByte(b[next:], '\n')
					if le < 0 {
						le = len(b) - next
					}
					bl := bytes.TrimLeft(b[next:next+le], " \t")
					if len(bl) > 0 && bl[0] == ')' {
						break
					}
					readLine(next, bl)
					next += le + 1
				}
			case eco == "npm" && bytes.HasPrefix(t, []byte("import")) && bytes.IndexByte(t, '{') >= 0 && bytes.IndexByte(t, '}') < 0:
				// import {\n a,\n b\n} from "m": the specifier is on the line
				// that closes the braces
				for next, n := ls+len(l)+1, 0; next < len(b) && n < 200; n++ {
					le := bytes.IndexByte(b[next:], '\n')
					if le < 0 {
						le = len(b) - next
					}
					bl := b[next : next+le]
					if bytes.IndexByte(bl, '}') < 0 {
						next += le + 1
						continue
					}
					if bytes.Contains(bl, []byte("from ")) {
						for _, spec := range jsImportSpecs(append([]byte("import "), bl[bytes.Index(bl, []byte("from ")):]...)) {
							addNPM(spec, off)
						}
					}
					break
				}
			default:
				readLine(off, t)
			}
		}
	}
	if eco == "npm" {
		for _, at := range h.Of("require(") {
			i := at + len("require(")
			if spec, ok := stringLit(bytes.TrimLeft(b[i:min(len(b), i+210)], " ")); ok {
				addNPM(spec, at)
			}
		}
	}
}

// importAnchors are the words the anchor pass finds for imports: at a
// line's start only (a file's first line is read too), so a file full of
// the word costs nothing; imports indented inside a block (Python's
// try: import x) are not read.
var importAnchors = []string{"\nimport", "\nfrom ", "\nusing ", "require("}

// npmPackageOf names the package of a module specifier ("@scope/pkg/sub"
// is @scope/pkg); relative paths and node: built-ins are none.
func npmPackageOf(spec string) (string, bool) {
	if spec == "" || strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "node:") {
		return "", false
	}
	parts := strings.SplitN(spec, "/", 3)
	if strings.HasPrefix(spec, "@") && len(parts) >= 2 {
		return parts[0] + "/" + parts[1], true
	}
	return parts[0], true
}

// pyImportModules reads the modules of a Python import line: "import a.b,
// c as d" or "from a.b import x" (relative imports are the project's own).
func pyImportModules(t []byte) []string {
	switch {
	case bytes.HasPrefix(t, []byte("from ")):
		w := firstWord(bytes.TrimLeft(t[5:], " \t"))
		if len(w) == 0 || w[0] == '.' || !bytes.Contains(t, []byte(" import")) {
			return nil
		}
		return []string{string(w)}
	case bytes.HasPrefix(t, []byte("import ")):
		var out []string
		rest := t[7:]
		if i := bytes.IndexAny(rest, "#;"); i >= 0 {
			rest = rest[:i]
		}
		for _, part := range bytes.Split(rest, []byte(",")) {
			if w := firstWord(bytes.TrimSpace(part)); len(w) > 0 && isModuleName(w) {
				out = append(out, string(w))
			}
		}
		return out
	}
	return nil
}

// jsImportSpecs reads the module specifiers of an ES import line
// ("import x from 'm'", "import 'm'", "} from 'm'", "export ... from 'm'",
// "import('m')").
func jsImportSpecs(t []byte) []string {
	if bytes.HasPrefix(t, []byte("import(")) {
		// a dynamic import at a line's start: import("m")
		if v, ok := stringLit(bytes.TrimLeft(t[len("import("):min(len(t), len("import(")+210)], " ")); ok {
			return []string{v}
		}
		return nil
	}
	if !(bytes.HasPrefix(t, []byte("import ")) || bytes.HasPrefix(t, []byte("import{")) || bytes.HasPrefix(t, []byte("}")) || bytes.HasPrefix(t, []byte("export "))) {
		return nil
	}
	if i := bytes.Index(t, []byte("from ")); i >= 0 {
		if v, ok := stringLit(bytes.TrimLeft(t[i+5:], " ")); ok {
			return []string{v}
		}
		return nil
	}
	if bytes.HasPrefix(t, []byte("import ")) {
		if v, ok := stringLit(bytes.TrimLeft(t[7:], " ")); ok {
			return []string{v}
		}
	}
	return nil
}

// firstWord returns b up to the first space, tab, '(' or ';'.
func firstWord(b []byte) []byte {
	for i, c := range b {
		if c == ' ' || c == '\t' || c == '(' || c == '\r' {
			return b[:i]
		}
	}
	return b
}

// isModuleName accepts a dotted Python module path.
func isModuleName(w []byte) bool {
	for i, c := range w {
		if !(isIdent(c) || c == '.' && i > 0) {
			return false
		}
	}
	return len(w) > 0 && !(w[0] >= '0' && w[0] <= '9')
}

// lastQuoted returns the last "quoted" string of a Go import line.
func lastQuoted(t []byte) string {
	e := bytes.LastIndexByte(t, '"')
	if e <= 0 {
		return ""
	}
	s := bytes.LastIndexByte(t[:e], '"')
	if s < 0 {
		return ""
	}
	return string(t[s+1 : e])
}

func parentDotted(q string) string {
	i := strings.LastIndexByte(q, '.')
	if i < 0 {
		return ""
	}
	return q[:i]
}

// pyPackage reads the PyPI package of a module path: an alias (longest
// dotted prefix first); else the top-level module when the catalog names it
// exactly (mcp.server.lowlevel is the mcp package, not "mcp-server"); else
// the longest dotted prefix the catalog names exactly (namespace packages:
// google.cloud.aiplatform -> google-cloud-aiplatform); else the top-level
// module under a catalog prefix pattern (langchain_openai -> langchain-*).
func pyPackage(cat *fingerprint.Catalog, mod string) (string, *fingerprint.SDK, bool) {
	top, _, _ := strings.Cut(mod, ".")
	if _, aliased := pyModuleAlias[top]; !aliased && !cat.MayMatchPyPI(top) && !hasAlias(mod) {
		return "", nil, false // os, sys, typing, the project's own modules
	}
	for q := mod; q != ""; q = parentDotted(q) {
		if name, aliased := pyModuleAlias[q]; aliased {
			if name == "" {
				return "", nil, false // too generic a module name to say which package
			}
			if sdk, ok := cat.MatchSDK("pypi", name); ok {
				return name, sdk, true
			}
		}
	}
	topName := fingerprint.NormalizePackage("pypi", top)
	if sdk, ok := cat.MatchSDK("pypi", topName); ok && exactSDK(sdk, "pypi", topName) {
		return topName, sdk, true
	}
	for q := mod; strings.Contains(q, "."); q = parentDotted(q) {
		name := fingerprint.NormalizePackage("pypi", q)
		if sdk, ok := cat.MatchSDK("pypi", name); ok && exactSDK(sdk, "pypi", name) {
			return name, sdk, true
		}
	}
	if sdk, ok := cat.MatchSDK("pypi", topName); ok {
		return topName, sdk, true
	}
	return "", nil, false
}

// hasAlias reports whether a dotted prefix of mod longer than its top
// level is a pyModuleAlias key (google.adk).
func hasAlias(mod string) bool {
	for q := mod; strings.Contains(q, "."); q = parentDotted(q) {
		if _, ok := pyModuleAlias[q]; ok {
			return true
		}
	}
	return false
}

// exactSDK reports whether an SDK entry names a package exactly (not by a
// prefix pattern).
func exactSDK(sdk *fingerprint.SDK, eco, name string) bool {
	for _, n := range sdk.Names {
		if !strings.HasSuffix(n, "*") && fingerprint.NormalizePackage(eco, n) == name {
			return true
		}
	}
	return false
}

// javaPackage reads the Maven artifact or group of a Java import: a known
// artifact, else a group the catalog matches as a whole (dev.langchain4j:*).
func javaPackage(cat *fingerprint.Catalog, imp string) (string, *fingerprint.SDK, bool) {
	for q := imp; strings.Contains(q, "."); q = parentDotted(q) {
		if a, ok := javaArtifact[q]; ok {
			if sdk, ok := cat.MatchSDK("maven", a); ok {
				return a, sdk, true
			}
		}
		if sdk, ok := cat.MatchSDK("maven", q+":"); ok {
			return q, sdk, true
		}
	}
	return "", nil, false
}

// pipInstalls records a notebook's "!pip install" lines as declarations,
// as a requirements file's lines are.
func (s *scanner) pipInstalls(f *file) {
	if !bytes.Contains(f.content, []byte("install")) {
		return
	}
	for _, m := range pipLine.FindAllSubmatchIndex(f.content, -1) {
		var reqs bytes.Buffer
		args := strings.Fields(string(f.content[m[2]:m[3]]))
		for i := 0; i < len(args); i++ {
			a := strings.Trim(args[i], `"'`)
			switch {
			case a == "-r" || a == "-c" || a == "-e" || a == "--index-url" || a == "-i" || a == "--extra-index-url" || a == "--target" || a == "-t":
				i++
			case strings.HasPrefix(a, "-") || strings.ContainsAny(a, "{}$") || a == ".":
			default:
				reqs.WriteString(a + "\n")
			}
		}
		deps, _ := parseRequirements(reqs.Bytes())
		line := f.location(m[0]).Line
		for _, d := range deps {
			sdk, ok := s.c.cat.MatchSDK("pypi", d.Name)
			if !ok {
				continue
			}
			d.Line = line
			s.deps.add(depRecord{dir: path.Dir(f.rel), eco: "pypi", file: f.rel, dep: d, sdk: sdkInfo{sdk.Provider, sdk.Category, sdk.DeploymentType}})
		}
	}
}

// assets reports each imported SDK that no manifest or lockfile of the
// scan declares in the importing file's directory or above it, once per
// file (at its first import).
func (i *importSet) assets(s *scanner) []model.Asset {
	i.mu.Lock()
	defer i.mu.Unlock()
	declared := map[string]bool{} // dir \x00 eco \x00 normalised name (and maven groups, and projects' own names)
	s.deps.mu.Lock()
	for _, recs := range s.deps.recs {
		for _, r := range recs {
			n := fingerprint.NormalizePackage(r.eco, r.dep.Name)
			declared[r.dir+"\x00"+r.eco+"\x00"+n] = true
			if g, _, ok := strings.Cut(n, ":"); ok && r.eco == "maven" {
				declared[r.dir+"\x00"+r.eco+"\x00"+g] = true
			}
		}
	}
	// A project's own package (an SDK's repository importing itself) is
	// declared by its manifest as much as a dependency is.
	for k := range s.deps.own {
		declared[k] = true
	}
	s.deps.mu.Unlock()
	isDeclared := func(r importRec) bool {
		n := fingerprint.NormalizePackage(r.eco, r.name)
		for dir := r.dir; ; dir = path.Dir(dir) {
			if declared[dir+"\x00"+r.eco+"\x00"+n] {
				return true
			}
			switch r.eco {
			case "pypi":
				// A PyPI module is provided under its name and by variants
				// of it (pinecone by pinecone-client, faiss by faiss-cpu,
				// llama_cpp by llama-cpp-python).
				for _, suf := range pyVariants {
					if declared[dir+"\x00pypi\x00"+n+suf] {
						return true
					}
				}
			case "go":
				// A Go import names a package: any module that is a path
				// prefix of it (github.com/openai/openai-go/v3 of
				// .../v3/azure) declares it.
				for q := n; goParent(q); q = path.Dir(q) {
					if declared[dir+"\x00go\x00"+q] {
						return true
					}
				}
			}
			if dir == "." || dir == "/" || dir == "" {
				return false
			}
		}
	}
	sort.Slice(i.recs, func(a, b int) bool {
		x, y := i.recs[a], i.recs[b]
		if x.file != y.file {
			return x.file < y.file
		}
		if x.cell != y.cell {
			return x.cell < y.cell
		}
		return x.line < y.line
	})
	var out []model.Asset
	seen := map[string]bool{}
	for _, r := range i.recs {
		k := r.file + "\x00" + r.eco + "\x00" + r.name
		if seen[k] || isDeclared(r) {
			continue
		}
		seen[k] = true
		src := "file:" + r.file
		loc := &model.Location{Path: r.file, Line: r.line, Cell: r.cell}
		out = append(out, model.Asset{
			ID:       fileURI(s.label, r.file) + "#import:" + r.eco + ":" + fingerprint.NormalizePackage(r.eco, r.name),
			Provider: r.sdk.provider, Scope: s.scope, Kind: model.KindSDKDependency, DeploymentType: r.sdk.dt, Name: r.name,
			Location: loc,
			Facts: []model.Fact{
				model.String("dependency.ecosystem", r.eco, model.Observed, src),
				model.String("dependency.package", r.name, model.Inferred, "import in "+r.file),
				model.String("dependency.evidence", "import", model.Observed, src),
				model.String("sdk.category", r.sdk.category, model.Inferred, "fingerprint catalog"),
				model.String("sdk.provider", r.sdk.provider, model.Inferred, "fingerprint catalog"),
				model.Bool("dependency.declared", false, model.Observed, "no manifest or lockfile of the scan declares it in "+r.dir+" or above"),
				model.Bool("dependency.locked", false, model.Observed, "imported, not declared"),
				model.Bool("dependency.pinned", false, model.Observed, "imported, not declared"),
				model.String("source.context", r.context, model.Inferred, src),
			},
		})
	}
	return out
}

// goModuleOf names the module of an imported Go package the catalog
// matches: its shortest ancestor the catalog still matches, with the major
// version that follows it (github.com/openai/openai-go/v3/azure is
// github.com/openai/openai-go/v3; .../service/bedrockruntime/types is
// .../service/bedrockruntime), so a file importing three of an SDK's
// packages has one finding.
func goModuleOf(cat *fingerprint.Catalog, p string) string {
	m := p
	for q := path.Dir(p); goParent(q); q = path.Dir(q) {
		if _, ok := cat.MatchSDK("go", q); !ok {
			break
		}
		m = q
	}
	if rest, ok := strings.CutPrefix(p, m+"/"); ok {
		v, _, _ := strings.Cut(rest, "/")
		if len(v) > 1 && v[0] == 'v' && isDigits(v[1:]) {
			m += "/" + v
		}
	}
	return m
}

// pyVariants are the suffixes of PyPI distributions that provide a module
// under the name without them.
var pyVariants = []string{"-client", "-cpu", "-gpu", "-python", "-binary", "-sdk", "-headless"}

// goParent reports whether an import path still has a parent to try: it
// holds a slash and is not the root ("/", which is its own parent: an
// import of "/x", as Go's own test data writes, looped for ever).
func goParent(q string) bool { return strings.Contains(q, "/") && path.Dir(q) != q }
