package fingerprint

import (
	"regexp"
	"strings"
)

var pypiSep = regexp.MustCompile(`[-_.]+`)

// NormalizePackage puts a package name in the form the catalog matches:
// PEP 503 for PyPI (lower case, runs of -_. become -), as written elsewhere.
func NormalizePackage(ecosystem, name string) string {
	name = strings.TrimSpace(name)
	if ecosystem == "pypi" {
		return pypiSep.ReplaceAllString(strings.ToLower(name), "-")
	}
	return name
}

// MatchSDK returns the SDK entry a package of an ecosystem belongs to.
func (c *Catalog) MatchSDK(ecosystem, name string) (*SDK, bool) {
	n := NormalizePackage(ecosystem, name)
	if n == "" {
		return nil, false
	}
	for i := range c.SDKs {
		s := &c.SDKs[i]
		if s.Ecosystem != ecosystem {
			continue
		}
		for _, pat := range s.Names {
			if nameMatches(NormalizePackage(ecosystem, strings.TrimSuffix(pat, "*"))+suffixStar(pat), n) {
				return s, true
			}
		}
	}
	return nil, false
}

func suffixStar(p string) string {
	if strings.HasSuffix(p, "*") {
		return "*"
	}
	return ""
}

// nameMatches matches an exact name or a prefix pattern ending in "*" (which matches the bare prefix too).
func nameMatches(pattern, name string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(name, prefix)
	}
	return pattern == name
}
