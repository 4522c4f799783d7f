package source

import (
	"strings"
)

// parseGoMod reads require directives (single and block form). Go versions
// are exact by construction (minimal version selection).
func parseGoMod(b []byte) ([]Dep, error) {
	var out []Dep
	sc := lineScanner(b)
	inBlock := false
	ln := 0
	for sc.Scan() {
		ln++
		line := strings.TrimSpace(sc.Text())
		indirect := strings.Contains(line, "// indirect")
		if i := strings.Index(line, "//"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		switch {
		case line == "":
			continue
		case line == "require (" || line == "require(":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimSpace(strings.TrimPrefix(line, "require "))
		case !inBlock:
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		out = append(out, Dep{Name: strings.Trim(f[0], `"`), Spec: f[1], Version: f[1], Line: ln, Indirect: indirect})
	}
	return out, sc.Err()
}

// parseGoSum reads go.sum: "module version[/go.mod] hash".
func parseGoSum(b []byte) ([]Dep, error) {
	var out []Dep
	seen := map[string]bool{}
	sc := lineScanner(b)
	ln := 0
	for sc.Scan() {
		ln++
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			continue
		}
		v := strings.TrimSuffix(f[1], "/go.mod")
		if k := f[0] + "@" + v; !seen[k] {
			seen[k] = true
			out = append(out, Dep{Name: f[0], Version: v, Line: ln})
		}
	}
	return out, sc.Err()
}
