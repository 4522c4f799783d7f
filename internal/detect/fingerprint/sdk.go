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
	if ecosystem != "pypi" {
		return name
	}
	plain := true // the common case: already lower case with single dashes
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' || c == '_' || c == '.' || c == '-' && i > 0 && name[i-1] == '-' {
			plain = false
			break
		}
	}
	if plain {
		return name
	}
	return pypiSep.ReplaceAllString(strings.ToLower(name), "-")
}

// MayMatchPyPI reports whether a PyPI name's first dash-separated word
// begins any name or pattern of the catalog: a cheap test before the
// lookups that map a Python module path to a package.
func (c *Catalog) MayMatchPyPI(name string) bool {
	first, _, _ := strings.Cut(NormalizePackage("pypi", name), "-")
	return c.pypiFirst[first]
}

// MatchSDK returns the SDK entry a package of an ecosystem belongs to: the
// first entry, in catalog order, with the exact name or a prefix pattern
// ("langchain-*", which matches the bare prefix too) that matches it.
func (c *Catalog) MatchSDK(ecosystem, name string) (*SDK, bool) {
	n := NormalizePackage(ecosystem, name)
	if n == "" {
		return nil, false
	}
	best := -1
	if i, ok := c.sdkExact[ecosystem+"\x00"+n]; ok {
		best = i
	}
	for _, p := range c.sdkPrefix[ecosystem] {
		if (best < 0 || p.entry < best) && strings.HasPrefix(n, p.prefix) {
			best = p.entry
		}
	}
	if best < 0 {
		return nil, false
	}
	return &c.SDKs[best], true
}

// sdkPrefix is one prefix pattern of an SDK entry.
type sdkPrefix struct {
	prefix string
	entry  int
}

// Generated reports whether an SDK entry of the catalog comes from the
// generated list (sdk_generated.yaml) rather than the hand-written one.
func (c *Catalog) Generated(s *SDK) bool { return s.generated }
