package source

import (
	"github.com/BurntSushi/toml"
	"slices"

	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
)

// parsePom reads a pom.xml's dependencies and managed dependencies,
// resolving ${property} versions from <properties>.
func parsePom(b []byte) ([]Dep, error) {
	type dep struct {
		GroupID    string `xml:"groupId"`
		ArtifactID string `xml:"artifactId"`
		Version    string `xml:"version"`
		Scope      string `xml:"scope"`
		Type       string `xml:"type"`
	}
	var doc struct {
		Parent     dep `xml:"parent"`
		Properties struct {
			Any []struct {
				XMLName xml.Name
				Value   string `xml:",chardata"`
			} `xml:",any"`
		} `xml:"properties"`
		Dependencies []dep `xml:"dependencies>dependency"`
		Managed      []dep `xml:"dependencyManagement>dependencies>dependency"`
	}
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("pom.xml: %w", err)
	}
	props := map[string]string{}
	for _, p := range doc.Properties.Any {
		props[p.XMLName.Local] = strings.TrimSpace(p.Value)
	}
	resolve := func(v string) string {
		v = strings.TrimSpace(v)
		if strings.HasPrefix(v, "${") && strings.HasSuffix(v, "}") {
			if pv, ok := props[v[2:len(v)-1]]; ok {
				v = pv
			}
		}
		return v
	}
	// Versions this pom manages itself, and the BOMs it imports.
	managed := map[string]string{}
	var boms []string
	for _, d := range doc.Managed {
		g, a := strings.TrimSpace(d.GroupID), strings.TrimSpace(d.ArtifactID)
		if strings.TrimSpace(d.Scope) == "import" && strings.TrimSpace(d.Type) == "pom" {
			boms = append(boms, g+":"+a+":"+resolve(d.Version))
		} else {
			managed[g+":"+a] = resolve(d.Version)
		}
	}
	parent := ""
	if g, a := strings.TrimSpace(doc.Parent.GroupID), strings.TrimSpace(doc.Parent.ArtifactID); g != "" && a != "" {
		parent = g + ":" + a + ":" + strings.TrimSpace(doc.Parent.Version)
	}
	var out []Dep
	for i, d := range append(doc.Dependencies, doc.Managed...) {
		g, a := strings.TrimSpace(d.GroupID), strings.TrimSpace(d.ArtifactID)
		if g == "" || a == "" {
			continue
		}
		v := resolve(d.Version)
		dep := Dep{Name: g + ":" + a, Spec: v, Version: exactMavenVersion(v), Dev: d.Scope == "test", Line: lineOf(b, "<artifactId>"+a+"</artifactId>")}
		if v == "" && i < len(doc.Dependencies) {
			if mv, ok := managed[g+":"+a]; ok {
				dep.Spec, dep.Version = mv, exactMavenVersion(mv)
			} else {
				dep.ManagedBy = managingBOM(g, boms, parent)
			}
		}
		out = append(out, dep)
	}
	return out, nil
}

// managingBOM names what manages the version of a dependency declared
// without one: the imported BOM of its own group (dev.langchain4j's
// langchain4j-bom), else every BOM imported and the parent pom (one of
// them does). None when the pom names none.
func managingBOM(group string, boms []string, parent string) []string {
	for _, b := range boms {
		if g, _, _ := strings.Cut(b, ":"); g == group || strings.HasPrefix(group, g+".") {
			return []string{b}
		}
	}
	if parent != "" {
		boms = append(slices.Clip(boms), parent)
	}
	return boms
}

// managedPinned reports whether what manages a version fixes it: every
// BOM or parent named is at an exact version.
func managedPinned(by []string) bool {
	for _, b := range by {
		p := strings.Split(b, ":")
		if len(p) != 3 || exactMavenVersion(p[2]) == "" {
			return false
		}
	}
	return len(by) > 0
}

// exactMavenVersion: a plain version is a pin; ranges, properties and
// LATEST/RELEASE/SNAPSHOT are not.
func exactMavenVersion(v string) string {
	if v == "" || strings.ContainsAny(v, "[]()${},") || v == "LATEST" || v == "RELEASE" || strings.HasSuffix(v, "-SNAPSHOT") || strings.HasSuffix(v, "+") {
		return ""
	}
	return v
}

var gradleDep = regexp.MustCompile(`(?m)^\s*(implementation|api|compileOnly|runtimeOnly|testImplementation|testRuntimeOnly|annotationProcessor|kapt|ksp|compile|testCompile)\s*\(?\s*(?:platform\()?\s*["']([^:"'\s]+):([^:"'\s]+)(?::([^"'\s]+))?["']`)

// parseGradle reads string-notation dependencies of build.gradle(.kts); a
// dependency without a version is managed by the platform (BOM) the build
// imports (platform("g:a:v")).
func parseGradle(b []byte) ([]Dep, error) {
	var out []Dep
	var boms []string
	for _, m := range gradleDep.FindAllSubmatchIndex(b, -1) {
		conf := string(b[m[2]:m[3]])
		g, a := string(b[m[4]:m[5]]), string(b[m[6]:m[7]])
		v := ""
		if m[8] >= 0 {
			v = string(b[m[8]:m[9]])
		}
		if bytes.Contains(b[m[0]:m[1]], []byte("platform(")) {
			boms = append(boms, g+":"+a+":"+v)
		}
		out = append(out, Dep{Name: g + ":" + a, Spec: v, Version: exactMavenVersion(v), Dev: strings.HasPrefix(conf, "test"), Line: 1 + bytes.Count(b[:m[0]], []byte{'\n'})})
	}
	for i := range out {
		if out[i].Spec == "" {
			g, _, _ := strings.Cut(out[i].Name, ":")
			out[i].ManagedBy = managingBOM(g, boms, "")
		}
	}
	return out, nil
}

// parseGradleLock reads gradle.lockfile: "group:artifact:version=configurations".
func parseGradleLock(b []byte) ([]Dep, error) {
	var out []Dep
	sc := lineScanner(b)
	ln := 0
	for sc.Scan() {
		ln++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "empty=") {
			continue
		}
		if i := strings.IndexByte(line, '='); i >= 0 {
			line = line[:i]
		}
		p := strings.Split(line, ":")
		if len(p) == 3 {
			out = append(out, Dep{Name: p[0] + ":" + p[1], Version: p[2], Line: ln})
		}
	}
	return out, sc.Err()
}

// parseGradleCatalog reads a Gradle version catalog (gradle/libs.versions.toml):
// each [libraries] entry as "group:artifact:version", or a table with
// module = "group:artifact" (or group and name) and a version given
// directly, as version.ref to [versions], or as {strictly|require|prefer}.
func parseGradleCatalog(b []byte) ([]Dep, error) {
	var doc struct {
		Versions  map[string]any `toml:"versions"`
		Libraries map[string]any `toml:"libraries"`
	}
	if err := toml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("gradle version catalog: %w", err)
	}
	var version func(v any) string
	version = func(v any) string {
		switch t := v.(type) {
		case string:
			return t
		case map[string]any:
			if r, ok := t["ref"].(string); ok {
				return version(doc.Versions[r])
			}
			for _, k := range []string{"strictly", "require", "prefer"} {
				if s, ok := t[k].(string); ok {
					return s
				}
			}
		}
		return ""
	}
	var out []Dep
	for _, alias := range sortedKeys(doc.Libraries) {
		var name, v string
		switch t := doc.Libraries[alias].(type) {
		case string:
			p := strings.Split(t, ":")
			if len(p) < 2 {
				continue
			}
			name = p[0] + ":" + p[1]
			if len(p) > 2 {
				v = p[2]
			}
		case map[string]any:
			if m, ok := t["module"].(string); ok {
				name = m
			} else if g, ok := t["group"].(string); ok {
				if a, ok := t["name"].(string); ok {
					name = g + ":" + a
				}
			}
			v = version(t["version"]) // a string, or {ref|strictly|require|prefer = ...}
		}
		if name == "" {
			continue
		}
		out = append(out, Dep{Name: name, Spec: v, Version: exactMavenVersion(v), Line: lineOf(b, alias)})
	}
	return out, nil
}
