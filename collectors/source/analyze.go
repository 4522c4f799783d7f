package source

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/aisight/aisight/internal/bounded"
	"github.com/aisight/aisight/internal/detect/anchors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/iac"
	"github.com/aisight/aisight/model"
)

// file is one text file read for findings.
type file struct {
	rel, base string
	content   []byte
	newlines  []int // offsets of '\n', built on the first line() call
	indexed   bool

	// A notebook cell scanned as a file of its own: its number, the file
	// line of each of its lines, and a context that overrides the path's
	// (markdown cells are documentation).
	cell      int
	cellLines []int
	context   string

	// hits are the offsets of every detector anchor in content, found in
	// one pass on first use (anchorHits) into a buffer the worker reuses.
	hits  *anchors.Hits
	found bool
}

// anchorHits returns the anchor offsets of the file's content.
func (f *file) anchorHits(c *Collector) *anchors.Hits {
	if f.hits == nil {
		f.hits = &anchors.Hits{}
	}
	if !f.found {
		set := c.anchors
		if isYAML(f.base) {
			set = c.yamlAnchors
		}
		set.Find(f.content, f.hits)
		f.found = true
	}
	return f.hits
}

// location is the file:line (and notebook cell) of a byte offset.
func (f *file) location(off int) *model.Location {
	ln := f.line(off)
	if f.cellLines == nil {
		return &model.Location{Path: f.rel, Line: ln}
	}
	loc := &model.Location{Path: f.rel, Cell: f.cell}
	if ln-1 < len(f.cellLines) {
		loc.Line = f.cellLines[ln-1]
	}
	return loc
}

// contextAt is the source.context of a finding at off.
func (f *file) contextAt(off int) string {
	c := f.context
	if c == "" {
		c = fileContext(f.rel)
	}
	return lineContext(f, off, c)
}

// line returns the 1-based line number of a byte offset, by binary search
// in the file's newline offsets (built once): many findings in one file
// cost n log n, not n per finding.
func (f *file) line(off int) int {
	if !f.indexed {
		for i, c := range f.content {
			if c == '\n' {
				f.newlines = append(f.newlines, i)
			}
		}
		f.indexed = true
	}
	n, _ := slices.BinarySearch(f.newlines, off)
	return 1 + n
}

// maxFindings bounds the findings of one kind reported for one file: a real
// file never holds more, and a hostile one (a file of 100,000 tokens) must
// not turn into 100,000 assets. The rest are counted and noted.
const maxFindings = 1000

// capFindings keeps the first maxFindings of n findings of a kind in f,
// counting and noting the rest.
func (s *scanner) capFindings(f *file, kind string, n int) int {
	if n <= maxFindings {
		return n
	}
	s.count("findings_capped", int64(n-maxFindings))
	s.sink.Note(fmt.Errorf("%s: %d %s found, only the first %d reported", f.rel, n, kind, maxFindings))
	return maxFindings
}

func (f *file) ext() string { return strings.ToLower(path.Ext(f.base)) }

// parseError counts a file that did not parse and names it, with why, in
// the run's notes (and the log at info) and as a gap that makes the scope
// partial: the other findings of the file and of the tree still count.
func (s *scanner) parseError(f *file, err error) {
	s.count(statParseErrors, 1)
	s.sink.Note(fmt.Errorf("%s not parsed: %w", f.rel, err))
	s.gaps.add(gapUnparsed, f.rel)
}

// analyze runs every detector that applies to a text file. Structured
// parsers (manifests, lockfiles, MCP configs, YAML) only see a file whose
// nesting is bounded (bounded.Depth): a file nested deeper is a named
// parse error, and the line-based detectors (keys, model references) still
// read it.
func (s *scanner) analyze(f *file) {
	s.keys(f)
	parse, eco := manifestParser(f.base)
	mcp, yaml := mcpFormat(f.rel), isYAML(f.base) && s.mayHoldWorkload(f)
	code := iac.TerraformFile(f.base) || iac.IsBicep(f.base) ||
		iac.CandidateHits(f.rel, func(h string) bool { return len(f.anchorHits(s.c).Of(h)) > 0 })
	shape := ""
	if parse == nil {
		if shape = mcpShapeCandidate(f, mcp != ""); shape != "" && !f.anchorHits(s.c).AnyIn(mcpShapeGroup) {
			shape = ""
		}
	}
	if shape == "code" {
		s.mcpShape(f, shape) // object literals only, each bounded
		shape = ""
	}
	structured := parse != nil || mcp != "" || yaml || code || shape != ""
	if structured {
		if err := bounded.Depth(f.content, bounded.MaxDepth); err != nil {
			s.parseError(f, err)
			structured = false
		}
	}
	if structured {
		if parse != nil {
			s.manifest(f, parse, eco)
		}
		if mcp != "" {
			s.mcpConfig(f, mcp)
		}
		if yaml {
			s.yamlWorkloads(f)
		}
		if code {
			s.iacFile(f)
		}
		if shape != "" {
			s.mcpShape(f, shape)
		}
	}
	if isDockerfile(f.base) {
		s.dockerfile(f)
	}
	if isModelfile(f.base) {
		s.modelfile(f)
	}
	switch {
	case f.ext() == ".ipynb":
		s.notebook(f)
	case modelRefCandidate(f):
		s.modelRefs(f)
		s.imports(f)
		if f.anchorHits(s.c).AnyIn(mcpCodeGroup) {
			if importLanguage(f) != "" {
				s.mcpClientsInCode(f)
			} else {
				s.mcpEnvServers(f) // .env, YAML, JSON settings
			}
		}
	}
}

// keys reports provider keys and literal credentials assigned to credential
// env vars. The secret itself goes no further than Fingerprint.
func (s *scanner) keys(f *file) {
	cat := s.c.cat
	type found struct {
		kind, provider, envVar string
		dt                     model.DeploymentType
		start, end             int
		conf                   model.Confidence
	}
	h := f.anchorHits(s.c)
	keys := cat.FindKeysWith(f.content, h) // in order of position
	all := make([]found, 0, len(keys))
	for _, m := range keys {
		all = append(all, found{m.Key.Kind, m.Key.Provider, "", m.Key.DeploymentType, m.Start, m.End, model.Inferred})
	}
	for _, m := range cat.FindEnvAssignmentsWith(f.content, h) {
		i, covered := slices.BinarySearchFunc(all[:len(keys)], m.ValueStart, func(x found, start int) int { return x.start - start })
		if covered { // a shaped key under a credential name: record the name too
			all[i].envVar = m.Env.Name
			continue
		}
		all = append(all, found{m.Env.KeyKind, m.Env.Provider, m.Env.Name, m.Env.DeploymentType, m.ValueStart, m.ValueEnd, model.Inferred})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].start < all[j].start })
	awsSecret := slices.ContainsFunc(all, func(k found) bool { return k.kind == "aws_secret_access_key" })
	for _, k := range all[:s.capFindings(f, "keys", len(all))] {
		where := f.location(k.start)
		loc := f.rel + ":" + strconv.Itoa(where.Line)
		fp := fingerprint.Fingerprint(k.kind, f.content[k.start:k.end], loc)
		src := "file:" + loc
		a := model.Asset{
			ID: fileURI(s.label, f.rel) + "#key-" + fp.SHA256, Provider: k.provider, Scope: s.scope,
			Kind: model.KindAPIKey, DeploymentType: k.dt,
			Name:     k.kind + " in " + f.rel,
			Location: where,
			Secret:   &fp,
			Facts: []model.Fact{
				model.String("key.kind", k.kind, k.conf, src),
				model.String("key.provider", k.provider, k.conf, src),
				model.Bool("key.literal_in_source", true, model.Observed, src),
				model.String("key.file_class", fileClass(f), model.Inferred, src),
				model.Bool("key.short_lived", k.kind == "aws_bedrock_short_term_key" || k.kind == "aws_temporary_access_key_id", model.Inferred, "key kind "+k.kind),
				model.String("source.context", f.contextAt(k.start), model.Inferred, src),
			},
		}
		if k.kind == "aws_access_key_id" || k.kind == "aws_temporary_access_key_id" {
			// An access key id alone cannot sign a request; with its secret in
			// the same file it is a working credential.
			a.Facts = append(a.Facts, model.Bool("key.secret_in_same_file", awsSecret, model.Inferred, src))
		}
		if k.envVar != "" {
			a.Facts = append(a.Facts, model.String("key.env_var", k.envVar, model.Observed, src))
		}
		s.sink.Asset(a)
	}
}

// fileClass says what kind of file a finding is in, for triage.
func fileClass(f *file) string {
	b := strings.ToLower(f.base)
	switch {
	case b == ".env" || strings.HasPrefix(b, ".env.") || strings.HasSuffix(b, ".env"):
		return "env_file"
	case b == "dockerfile" || strings.HasSuffix(b, ".dockerfile") || b == "containerfile":
		return "dockerfile"
	}
	switch f.ext() {
	case ".ipynb":
		return "notebook"
	case ".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".properties", ".tf", ".tfvars", ".xml":
		return "config"
	case ".md", ".rst", ".txt", ".adoc":
		return "docs"
	case ".sh", ".bash", ".zsh", ".ps1":
		return "script"
	}
	return "code"
}

func isYAML(base string) bool {
	e := strings.ToLower(path.Ext(base))
	return e == ".yaml" || e == ".yml"
}

func isDockerfile(base string) bool {
	b := strings.ToLower(base)
	return b == "dockerfile" || b == "containerfile" || strings.HasPrefix(b, "dockerfile.") || strings.HasSuffix(b, ".dockerfile")
}
