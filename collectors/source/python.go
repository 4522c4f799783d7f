package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/aisight/aisight/internal/redact"
)

// pep508 splits a requirement "name[extras] spec ; markers".
var pep508 = regexp.MustCompile(`^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$`)

// parseRequirement parses one PEP 508 requirement string.
func parseRequirement(s string) (Dep, bool) {
	if i := strings.Index(s, ";"); i >= 0 {
		s = s[:i]
	}
	m := pep508.FindStringSubmatch(s)
	if m == nil {
		return Dep{}, false
	}
	d := Dep{Name: m[1], Spec: strings.TrimSpace(m[3])}
	d.Version = exactPyVersion(d.Spec)
	return d, true
}

// exactPyVersion returns the version of an exact "==x.y.z" or "===x" pin.
func exactPyVersion(spec string) string {
	spec = strings.TrimSpace(spec)
	for _, op := range []string{"===", "=="} {
		if v, ok := strings.CutPrefix(spec, op); ok {
			v = strings.TrimSpace(v)
			if v != "" && !strings.ContainsAny(v, "*,<>=! ") {
				return v
			}
			return ""
		}
	}
	return ""
}

// parseRequirements reads requirements*.txt: one requirement per line,
// comments, options (-r, -e, --hash) and line continuations.
func parseRequirements(b []byte) ([]Dep, error) {
	var out []Dep
	sc := lineScanner(b)
	ln, start := 0, 0
	var cur strings.Builder
	for sc.Scan() {
		ln++
		line := sc.Text()
		if cur.Len() == 0 {
			start = ln
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		text := cur.String()
		cur.Reset()
		if i := strings.Index(text, " #"); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if name, ok := eggName(text); ok { // -e git+https://...#egg=name, or a bare VCS URL
			out = append(out, Dep{Name: name, Spec: redact.URLsIn(strings.TrimSpace(strings.TrimPrefix(text, "-e"))), Line: start})
			continue
		}
		if text == "" || strings.HasPrefix(text, "#") || strings.HasPrefix(text, "-") {
			continue
		}
		if i := strings.Index(text, " --"); i >= 0 { // per-requirement options such as --hash
			text = text[:i]
		}
		if d, ok := parseRequirement(text); ok {
			d.Line = start
			out = append(out, d)
		}
	}
	return out, sc.Err()
}

// eggName reads the project name of a VCS requirement line
// ("-e git+https://host/org/repo@v1#egg=name", "git+https://...#egg=name").
func eggName(text string) (string, bool) {
	t := strings.TrimSpace(strings.TrimPrefix(text, "-e "))
	if !strings.HasPrefix(t, "git+") && !strings.HasPrefix(t, "hg+") && !strings.HasPrefix(t, "svn+") && !strings.HasPrefix(t, "bzr+") {
		return "", false
	}
	_, frag, ok := strings.Cut(t, "#egg=")
	if !ok {
		return repoPackage(t)
	}
	name, _, _ := strings.Cut(frag, "&")
	name, _, _ = strings.Cut(name, "[")
	return name, name != ""
}

// repoPackage names the package of a VCS URL without #egg= from its
// repository (git+https://github.com/openai/openai-python.git@v1.0 is
// openai): the last path segment without .git, @ref or fragment, and
// without the -python / -py / -sdk / python- affixes repositories add to a
// package's name.
func repoPackage(u string) (string, bool) {
	u, _, _ = strings.Cut(u, "#")
	u = strings.TrimRight(u, "/")
	seg := u[strings.LastIndexByte(u, '/')+1:]
	seg, _, _ = strings.Cut(seg, "@")
	seg = strings.TrimSuffix(seg, ".git")
	for _, suf := range []string{"-python", "-py", "-sdk"} {
		seg = strings.TrimSuffix(seg, suf)
	}
	seg = strings.TrimPrefix(seg, "python-")
	if seg == "" || strings.ContainsAny(seg, ":.") && !strings.Contains(seg, "-") {
		return "", false
	}
	return seg, true
}

// lineOf finds the first line on which a package name appears, for locations.
func lineOf(b []byte, name string) int {
	i := bytes.Index(b, []byte(name))
	if i < 0 {
		return 0
	}
	return 1 + bytes.Count(b[:i], []byte{'\n'})
}

// parsePyproject reads PEP 621 [project] dependencies and optional
// dependencies, [dependency-groups] and Poetry's dependency tables.
func parsePyproject(b []byte) ([]Dep, error) {
	var doc struct {
		Project struct {
			Dependencies         []string            `toml:"dependencies"`
			OptionalDependencies map[string][]string `toml:"optional-dependencies"`
		} `toml:"project"`
		DependencyGroups map[string][]any `toml:"dependency-groups"`
		Tool             struct {
			Poetry struct {
				Dependencies    map[string]any `toml:"dependencies"`
				DevDependencies map[string]any `toml:"dev-dependencies"`
				Group           map[string]struct {
					Dependencies map[string]any `toml:"dependencies"`
				} `toml:"group"`
			} `toml:"poetry"`
		} `toml:"tool"`
	}
	if _, err := toml.Decode(string(b), &doc); err != nil {
		return nil, fmt.Errorf("pyproject.toml: %w", err)
	}
	var out []Dep
	add := func(req string, dev bool) {
		if d, ok := parseRequirement(req); ok {
			d.Dev = dev
			d.Line = reqLine(b, d.Name)
			out = append(out, d)
		}
	}
	for _, r := range doc.Project.Dependencies {
		add(r, false)
	}
	for _, group := range sortedKeys(doc.Project.OptionalDependencies) {
		for _, r := range doc.Project.OptionalDependencies[group] {
			add(r, false)
		}
	}
	for _, group := range sortedKeys(doc.DependencyGroups) {
		for _, r := range doc.DependencyGroups[group] {
			if s, ok := r.(string); ok {
				add(s, true)
			}
		}
	}
	poetry := func(m map[string]any, dev bool) {
		for _, name := range sortedKeys(m) {
			if strings.EqualFold(name, "python") {
				continue
			}
			d := Dep{Name: name, Dev: dev, Line: reqLine(b, name)}
			switch v := m[name].(type) {
			case string:
				d.Spec = v
			case map[string]any:
				if s, ok := v["version"].(string); ok {
					d.Spec = s
				}
			}
			d.Version = exactPoetryVersion(d.Spec)
			out = append(out, d)
		}
	}
	poetry(doc.Tool.Poetry.Dependencies, false)
	poetry(doc.Tool.Poetry.DevDependencies, true)
	for _, g := range sortedKeys(doc.Tool.Poetry.Group) {
		poetry(doc.Tool.Poetry.Group[g].Dependencies, g == "dev" || g == "test")
	}
	return out, nil
}

// exactPoetryVersion: Poetry treats a bare "1.2.3" and "==1.2.3" as exact.
func exactPoetryVersion(spec string) string {
	if v := exactPyVersion(spec); v != "" {
		return v
	}
	if spec != "" && !strings.ContainsAny(spec, "^~*<>=!, ") {
		return spec
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// parsePipfile reads [packages] and [dev-packages].
func parsePipfile(b []byte) ([]Dep, error) {
	var doc struct {
		Packages    map[string]any `toml:"packages"`
		DevPackages map[string]any `toml:"dev-packages"`
	}
	if _, err := toml.Decode(string(b), &doc); err != nil {
		return nil, fmt.Errorf("pipfile: %w", err)
	}
	var out []Dep
	for _, set := range []struct {
		m   map[string]any
		dev bool
	}{{doc.Packages, false}, {doc.DevPackages, true}} {
		for _, name := range sortedKeys(set.m) {
			d := Dep{Name: name, Dev: set.dev, Line: reqLine(b, name)}
			switch v := set.m[name].(type) {
			case string:
				d.Spec = v
			case map[string]any:
				if s, ok := v["version"].(string); ok {
					d.Spec = s
				}
			}
			if d.Spec == "*" {
				d.Spec = ""
			}
			d.Version = exactPyVersion(d.Spec)
			out = append(out, d)
		}
	}
	return out, nil
}

// parsePipfileLock reads the "default" and "develop" sections.
func parsePipfileLock(b []byte) ([]Dep, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("pipfile.lock: %w", err)
	}
	var out []Dep
	for _, sec := range []string{"default", "develop"} {
		var pkgs map[string]struct {
			Version string `json:"version"`
		}
		if raw, ok := doc[sec]; ok {
			if err := json.Unmarshal(raw, &pkgs); err != nil {
				return out, fmt.Errorf("pipfile.lock %s: %w", sec, err)
			}
		}
		for _, name := range sortedKeys(pkgs) {
			out = append(out, Dep{Name: name, Version: strings.TrimPrefix(pkgs[name].Version, "=="), Dev: sec == "develop", Line: lineOf(b, `"`+name+`"`)})
		}
	}
	return out, nil
}

// parseTOMLLock reads poetry.lock, uv.lock and pdm.lock: [[package]] tables
// with a name and a version.
func parseTOMLLock(b []byte) ([]Dep, error) {
	var doc struct {
		Package []struct {
			Name    string `toml:"name"`
			Version string `toml:"version"`
		} `toml:"package"`
	}
	if _, err := toml.Decode(string(b), &doc); err != nil {
		return nil, fmt.Errorf("lockfile: %w", err)
	}
	out := make([]Dep, 0, len(doc.Package))
	for _, p := range doc.Package {
		if p.Name != "" {
			out = append(out, Dep{Name: p.Name, Version: p.Version, Line: lineOf(b, `"`+p.Name+`"`)})
		}
	}
	return out, nil
}

// parseFastMCPJSON reads a FastMCP project file's environment.dependencies
// (requirement strings, as in requirements.txt).
func parseFastMCPJSON(b []byte) ([]Dep, error) {
	var doc struct {
		Environment struct {
			Dependencies []string `json:"dependencies"`
		} `json:"environment"`
	}
	if err := json.Unmarshal(JSONC(b), &doc); err != nil {
		return nil, fmt.Errorf("fastmcp.json: %w", err)
	}
	var out []Dep
	for _, r := range doc.Environment.Dependencies {
		if d, ok := parseRequirement(r); ok {
			d.Line = reqLine(b, d.Name)
			out = append(out, d)
		}
	}
	return out, nil
}
