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
	var out []Dep
	for _, set := range []struct {
		m   map[string]string
		dev bool
	}{{doc.Dependencies, false}, {doc.DevDependencies, true}, {doc.PeerDependencies, false}, {doc.OptionalDependencies, false}} {
		for _, name := range sortedKeys(set.m) {
			spec := set.m[name]
			out = append(out, Dep{Name: name, Spec: spec, Version: exactSemver(spec), Dev: set.dev, Line: jsonKeyLine(b, name)})
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
		out = append(out, Dep{Name: name, Version: p.Version, Dev: p.Dev, Line: lineOf(b, `"`+key+`"`)})
	}
	for _, name := range sortedKeys(doc.Dependencies) {
		if !seen[name] {
			p := doc.Dependencies[name]
			out = append(out, Dep{Name: name, Version: p.Version, Dev: p.Dev, Line: lineOf(b, `"`+name+`"`)})
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
	var doc struct {
		Packages map[string]any `yaml:"packages"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("pnpm-lock.yaml: %w", err)
	}
	var out []Dep
	for _, key := range sortedKeys(doc.Packages) {
		name, version := splitNameVersion(key)
		if name != "" {
			out = append(out, Dep{Name: name, Version: version, Line: lineOf(b, key)})
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

// jsonKeyLine is the line of the first "name" that is an object key ("name":),
// so a dependency is not located at a "keywords" entry of the same name.
func jsonKeyLine(b []byte, name string) int {
	key := []byte(`"` + name + `"`)
	for off := 0; ; {
		i := bytes.Index(b[off:], key)
		if i < 0 {
			return lineOf(b, string(key))
		}
		at := off + i
		off = at + len(key)
		j := off
		for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n') {
			j++
		}
		if j < len(b) && b[j] == ':' {
			return 1 + bytes.Count(b[:at], []byte{'\n'})
		}
	}
}
