package source

import (
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"github.com/aisight/aisight/collectors/fingerprint"
	"github.com/aisight/aisight/model"
)

// file is one text file read for findings.
type file struct {
	rel, base string
	content   []byte
}

// line returns the 1-based line number of a byte offset.
func (f *file) line(off int) int { return 1 + bytes.Count(f.content[:off], []byte{'\n'}) }

func (f *file) ext() string { return strings.ToLower(path.Ext(f.base)) }

// parseError counts a file that did not parse and names it, with why, in
// the run's notes (and the log at info): the other findings of the file
// and of the tree still count.
func (s *scanner) parseError(f *file, err error) {
	s.count(statParseErrors, 1)
	s.sink.Note(fmt.Errorf("%s not parsed: %w", f.rel, err))
}

// analyze runs every detector that applies to a text file.
func (s *scanner) analyze(f *file) {
	s.keys(f)
	if parse, eco := manifestParser(f.base); parse != nil {
		s.manifest(f, parse, eco)
	}
	if isMCPConfig(f.rel) {
		s.mcpConfig(f)
	}
	switch {
	case isYAML(f.base):
		s.yamlWorkloads(f)
	case isDockerfile(f.base):
		s.dockerfile(f)
	}
	if modelRefCandidate(f) {
		s.modelRefs(f)
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
	var all []found
	covered := map[int]bool{}
	for _, m := range cat.FindKeys(f.content) {
		all = append(all, found{m.Key.Kind, m.Key.Provider, "", m.Key.DeploymentType, m.Start, m.End, model.Inferred})
		covered[m.Start] = true
	}
	for _, m := range cat.FindEnvAssignments(f.content) {
		if covered[m.ValueStart] {
			for i := range all { // a shaped key under a credential name: record the name too
				if all[i].start == m.ValueStart {
					all[i].envVar = m.Env.Name
				}
			}
			continue
		}
		all = append(all, found{m.Env.KeyKind, m.Env.Provider, m.Env.Name, m.Env.DeploymentType, m.ValueStart, m.ValueEnd, model.Inferred})
	}
	for _, k := range all {
		ln := f.line(k.start)
		loc := f.rel + ":" + strconv.Itoa(ln)
		fp := fingerprint.Fingerprint(k.kind, f.content[k.start:k.end], loc)
		src := "file:" + loc
		a := model.Asset{
			ID: fileURI(s.label, f.rel) + "#key-" + fp.SHA256, Provider: k.provider, Scope: s.scope,
			Kind: model.KindAPIKey, DeploymentType: k.dt,
			Name:     k.kind + " in " + f.rel,
			Location: &model.Location{Path: f.rel, Line: ln},
			Secret:   &fp,
			Facts: []model.Fact{
				model.String("key.kind", k.kind, k.conf, src),
				model.String("key.provider", k.provider, k.conf, src),
				model.Bool("key.literal_in_source", true, model.Observed, src),
				model.String("key.file_class", fileClass(f), model.Inferred, src),
				model.Bool("key.short_lived", k.kind == "aws_bedrock_short_term_key", model.Inferred, "key kind "+k.kind),
			},
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
