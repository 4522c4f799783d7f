package source

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/BurntSushi/toml"
	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/redact"
)

// Manifests beyond the common ones: conda environment files, setuptools'
// setup.py and setup.cfg, and Rust's Cargo.toml / Cargo.lock.

// parseCondaEnv reads a conda environment.yml: its dependencies (conda
// package specs "name=1.2" or "channel::name") and the pip: sub-list
// (PEP 508 requirements).
func parseCondaEnv(b []byte) ([]Dep, error) {
	var doc struct {
		Dependencies []any `yaml:"dependencies"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("environment.yml: %w", err)
	}
	var out []Dep
	for _, d := range doc.Dependencies {
		switch v := d.(type) {
		case string:
			spec := v
			if _, after, ok := strings.Cut(spec, "::"); ok {
				spec = after
			}
			name, ver := spec, ""
			if i := strings.IndexAny(spec, "=<>! "); i > 0 {
				name, ver = spec[:i], strings.TrimSpace(spec[i:])
			}
			dep := Dep{Name: name, Spec: ver, Line: reqLine(b, name)}
			if strings.HasPrefix(ver, "=") && !strings.HasPrefix(ver, "==") && !strings.ContainsAny(ver[1:], "*,<>|") {
				dep.Version = strings.TrimPrefix(ver, "=")
			}
			out = append(out, dep)
		case map[string]any:
			pip, _ := v["pip"].([]any)
			for _, p := range pip {
				if s, ok := p.(string); ok {
					if dep, ok := parseRequirement(s); ok {
						dep.Line = reqLine(b, dep.Name)
						out = append(out, dep)
					}
				}
			}
		}
	}
	return out, nil
}

var (
	setupRequires = regexp.MustCompile(`(install_requires|tests_require|setup_requires)\s*=\s*\[([^\]]*)\]`)
	setupExtras   = regexp.MustCompile(`extras_require\s*=\s*\{([^}]*)\}`)
	quoted        = regexp.MustCompile(`["']([^"'\n]{1,300})["']`)
)

// parseSetupPy reads the literal requirement lists of a setup.py
// (install_requires=[...], extras_require={...: [...]}) without running
// it; requirements built in code are not seen.
func parseSetupPy(b []byte) ([]Dep, error) {
	var out []Dep
	add := func(list []byte, dev bool) {
		for _, m := range quoted.FindAllSubmatch(list, -1) {
			if dep, ok := parseRequirement(string(m[1])); ok {
				dep.Line = reqLine(b, dep.Name)
				dep.Dev = dev
				out = append(out, dep)
			}
		}
	}
	for _, m := range setupRequires.FindAllSubmatch(b, -1) {
		add(m[2], string(m[1]) != "install_requires")
	}
	for _, m := range setupExtras.FindAllSubmatch(b, -1) {
		add(m[1], false)
	}
	return out, nil
}

// parseSetupCfg reads [options] install_requires and
// [options.extras_require] of a setup.cfg (INI with indented continuation
// lines).
func parseSetupCfg(b []byte) ([]Dep, error) {
	var out []Dep
	section, key := "", ""
	ln := 0
	for line := range bytes.Lines(b) {
		ln++
		raw := strings.TrimRight(string(line), "\r\n")
		t := strings.TrimSpace(raw)
		switch {
		case t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";"):
			continue
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			section, key = strings.ToLower(t[1:len(t)-1]), ""
			continue
		}
		value := t
		if raw[0] != ' ' && raw[0] != '\t' { // a new key
			k, v, ok := strings.Cut(t, "=")
			if !ok {
				key = ""
				continue
			}
			key, value = strings.TrimSpace(k), strings.TrimSpace(v)
		}
		wanted := section == "options" && (key == "install_requires" || key == "tests_require") || section == "options.extras_require" && key != ""
		if !wanted || value == "" {
			continue
		}
		if dep, ok := parseRequirement(value); ok {
			dep.Line = ln
			dep.Dev = key == "tests_require"
			out = append(out, dep)
		}
	}
	return out, nil
}

// parseCargoToml reads [dependencies], [dev-dependencies],
// [build-dependencies] and [workspace.dependencies] of a Cargo.toml.
func parseCargoToml(b []byte) ([]Dep, error) {
	var doc struct {
		Dependencies      map[string]any `toml:"dependencies"`
		DevDependencies   map[string]any `toml:"dev-dependencies"`
		BuildDependencies map[string]any `toml:"build-dependencies"`
		Workspace         struct {
			Dependencies map[string]any `toml:"dependencies"`
		} `toml:"workspace"`
	}
	if _, err := toml.Decode(string(b), &doc); err != nil {
		return nil, fmt.Errorf("cargo manifest: %w", err)
	}
	var out []Dep
	add := func(m map[string]any, dev bool) {
		for _, name := range sortedKeys(m) {
			d := Dep{Name: name, Dev: dev, Line: reqLine(b, name)}
			switch v := m[name].(type) {
			case string:
				d.Spec = v
			case map[string]any:
				if pkg, ok := v["package"].(string); ok { // renamed: the crate is "package"
					d.Name = pkg
				}
				if s, ok := v["version"].(string); ok {
					d.Spec = s
				} else if g, ok := v["git"].(string); ok {
					d.Spec = redact.URL(g)
				}
			}
			if strings.HasPrefix(d.Spec, "=") {
				d.Version = strings.TrimSpace(strings.TrimPrefix(d.Spec, "="))
			}
			out = append(out, d)
		}
	}
	add(doc.Dependencies, false)
	add(doc.Workspace.Dependencies, false)
	add(doc.DevDependencies, true)
	add(doc.BuildDependencies, true)
	return out, nil
}

// reqLine is the line where a dependency is declared: the first occurrence
// of name that is not inside a longer name ("openai" is not found inside
// "langchain-openai") and starts a requirement: after a quote, or first on
// its line after indentation and list dashes. Failing that, any such
// occurrence after a separator; failing that, the first occurrence.
// metadataLine reports a line that starts with a package's own metadata
// key (keywords, name, description, ...), whose words are not requirements.
func metadataLine(prefix []byte) bool {
	t := bytes.TrimLeft(prefix, " \t")
	for _, k := range []string{"keywords", "name", "description", "classifiers", "authors", "maintainers", "readme", "license", "version", "packages", "include", "exclude", "urls", "homepage", "repository", "documentation", "summary"} {
		if rest, ok := bytes.CutPrefix(t, []byte(k)); ok {
			rest = bytes.TrimLeft(rest, " \t")
			if len(rest) > 0 && (rest[0] == '=' || rest[0] == ':') {
				return true
			}
		}
	}
	return false
}

func reqLine(b []byte, name string) int {
	n := []byte(name)
	loose, first := -1, -1
	for off := 0; ; {
		i := bytes.Index(b[off:], n)
		if i < 0 {
			break
		}
		at := off + i
		off = at + 1
		if first < 0 {
			first = at
		}
		if e := at + len(n); e < len(b) && isNameByte(b[e]) {
			continue
		}
		before := byte('\n')
		if at > 0 {
			before = b[at-1]
		}
		ls := bytes.LastIndexByte(b[:at], '\n') + 1
		if metadataLine(b[ls:at]) {
			continue // keywords = ["mcp", ...], name = "...": metadata, not the requirement
		}
		if before == '"' || before == '\'' || len(bytes.Trim(b[ls:at], " \t-")) == 0 {
			return 1 + bytes.Count(b[:at], []byte{'\n'})
		}
		if loose < 0 && strings.IndexByte(" \t[{(,:", before) >= 0 {
			loose = at
		}
	}
	switch {
	case loose >= 0:
		return 1 + bytes.Count(b[:loose], []byte{'\n'})
	case first >= 0:
		return 1 + bytes.Count(b[:first], []byte{'\n'})
	}
	return 0
}

func isNameByte(c byte) bool { return isIdent(c) || c == '-' || c == '.' }
