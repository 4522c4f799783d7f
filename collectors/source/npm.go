package source

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// exactSemver returns v when an npm spec is an exact version ("4.2.0", "=4.2.0").
func exactSemver(spec string) string {
	v := strings.TrimPrefix(strings.TrimSpace(spec), "=")
	v = strings.TrimPrefix(v, "v")
	if v == "" || strings.ContainsAny(v, "^~<>*|xX: /") || v[0] < '0' || v[0] > '9' {
		return ""
	}
	return v
}

// parsePackageJSON reads the dependency maps of a package.json.
func parsePackageJSON(b []byte) ([]Dep, error) {
	var doc struct {
		Dependencies         map[string]string `json:"dependencies"`
		DevDependencies      map[string]string `json:"devDependencies"`
		PeerDependencies     map[string]string `json:"peerDependencies"`
		OptionalDependencies map[string]string `json:"optionalDependencies"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("package.json: %w", err)
	}
	sections := jsonSectionLines(b)
	var out []Dep
	for _, set := range []struct {
		section string
		m       map[string]string
		dev     bool
	}{{"dependencies", doc.Dependencies, false}, {"devDependencies", doc.DevDependencies, true},
		{"peerDependencies", doc.PeerDependencies, false}, {"optionalDependencies", doc.OptionalDependencies, false}} {
		for _, name := range sortedKeys(set.m) {
			spec := set.m[name]
			out = append(out, Dep{Name: name, Spec: spec, Version: exactSemver(spec), Dev: set.dev, Line: sections[set.section][name]})
		}
	}
	return out, nil
}

// parsePackageLock reads package-lock.json v1 ("dependencies") and v2/v3 ("packages").
func parsePackageLock(b []byte) ([]Dep, error) {
	var doc struct {
		Packages map[string]struct {
			Version string `json:"version"`
			Dev     bool   `json:"dev"`
		} `json:"packages"`
		Dependencies map[string]struct {
			Version string `json:"version"`
			Dev     bool   `json:"dev"`
		} `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("package-lock.json: %w", err)
	}
	var out []Dep
	seen := map[string]bool{}
	lines := jsonSectionLines(b)
	for _, key := range sortedKeys(doc.Packages) {
		i := strings.LastIndex(key, "node_modules/")
		if i < 0 {
			continue // the root package itself
		}
		name := key[i+len("node_modules/"):]
		if seen[name] {
			continue
		}
		seen[name] = true
		p := doc.Packages[key]
		out = append(out, Dep{Name: name, Version: p.Version, Dev: p.Dev, Line: lines["packages"][key]})
	}
	for _, name := range sortedKeys(doc.Dependencies) {
		if !seen[name] {
			p := doc.Dependencies[name]
			out = append(out, Dep{Name: name, Version: p.Version, Dev: p.Dev, Line: lines["dependencies"][name]})
		}
	}
	return out, nil
}

// splitNameVersion splits "name@1.2.3", "@scope/name@1.2.3(peer@x)",
// "/name@1.2.3" and the pnpm v5 form "/name/1.2.3".
func splitNameVersion(key string) (string, string) {
	key = strings.TrimPrefix(key, "/")
	if i := strings.IndexByte(key, '('); i >= 0 {
		key = key[:i]
	}
	at := strings.LastIndexByte(key, '@')
	if at > 0 {
		return key[:at], key[at+1:]
	}
	// pnpm v5: name/version or @scope/name/version
	if i := strings.LastIndexByte(key, '/'); i > 0 {
		if v := key[i+1:]; v != "" && v[0] >= '0' && v[0] <= '9' {
			return key[:i], v
		}
	}
	return key, ""
}

// parsePnpmLock reads the package keys of pnpm-lock.yaml (v5 to v9).
func parsePnpmLock(b []byte) ([]Dep, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("pnpm-lock.yaml: %w", err)
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("pnpm-lock.yaml: not a mapping")
	}
	// The keys of "packages", each at its own line (the same name@version
	// also appears in importers' versions and in snapshots' peer suffixes).
	lines := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value != "packages" || root.Content[i+1].Kind != yaml.MappingNode {
			continue
		}
		pkgs := root.Content[i+1].Content
		for j := 0; j+1 < len(pkgs); j += 2 {
			if _, dup := lines[pkgs[j].Value]; !dup {
				lines[pkgs[j].Value] = pkgs[j].Line
			}
		}
	}
	var out []Dep
	for _, key := range sortedKeys(lines) {
		name, version := splitNameVersion(key)
		if name != "" {
			out = append(out, Dep{Name: name, Version: version, Line: lines[key]})
		}
	}
	return out, nil
}

// parseYarnLock reads yarn.lock v1 and Berry: an unindented entry line of
// one or more "name@range" descriptors, then an indented version line.
func parseYarnLock(b []byte) ([]Dep, error) {
	var out []Dep
	sc := lineScanner(b)
	var names []string
	entryLine, ln := 0, 0
	for sc.Scan() {
		ln++
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line[0] != ' ' {
			names = names[:0]
			entryLine = ln
			for _, d := range strings.Split(strings.TrimSuffix(line, ":"), ",") {
				d = strings.Trim(strings.TrimSpace(d), `"`)
				if d == "__metadata" || d == "" {
					continue
				}
				name, _ := splitNameVersion(d)
				name = strings.TrimSuffix(name, "@npm")
				if i := strings.Index(name, "@npm:"); i > 0 {
					name = name[:i]
				}
				names = append(names, name)
			}
			continue
		}
		t := strings.TrimSpace(line)
		if v, ok := strings.CutPrefix(t, "version"); ok && len(names) > 0 && (strings.HasPrefix(v, " ") || strings.HasPrefix(v, ":")) {
			v = strings.Trim(strings.TrimSpace(strings.TrimPrefix(v, ":")), `"`)
			seen := map[string]bool{}
			for _, n := range names {
				if !seen[n] {
					seen[n] = true
					out = append(out, Dep{Name: n, Version: v, Line: entryLine})
				}
			}
			names = names[:0]
		}
	}
	return out, sc.Err()
}

// jsonSectionLines returns, for each object under the document's root (a
// section: "dependencies", "packages"), the line of each of its member
// keys, in one pass: an entry is located at its own key, not at the same
// name elsewhere (a package's "requires", "keywords", "overrides"). A
// malformed document yields the lines read before the error.
func jsonSectionLines(b []byte) map[string]map[string]int {
	type frame struct {
		obj, wantKey bool
		key          string
	}
	out := map[string]map[string]int{}
	dec := json.NewDecoder(bytes.NewReader(b))
	var frames []frame
	line, counted := 1, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		top := len(frames) - 1
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				frames = append(frames, frame{obj: d == '{', wantKey: true})
			default:
				frames = frames[:top]
				if top > 0 && frames[top-1].obj {
					frames[top-1].wantKey = true
				}
			}
			continue
		}
		if top < 0 || !frames[top].obj {
			continue
		}
		if !frames[top].wantKey {
			frames[top].wantKey = true // a scalar value ends the member
			continue
		}
		key, _ := tok.(string)
		frames[top].key, frames[top].wantKey = key, false
		if top != 1 {
			continue // not a member of a section
		}
		off := int(dec.InputOffset())
		line += bytes.Count(b[counted:off], []byte{'\n'})
		counted = off
		section := out[frames[0].key]
		if section == nil {
			section = map[string]int{}
			out[frames[0].key] = section
		}
		if _, dup := section[key]; !dup {
			section[key] = line
		}
	}
}
