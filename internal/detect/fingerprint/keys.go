package fingerprint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"unicode/utf8"

	"github.com/aisight/aisight/internal/detect/anchors"
	"github.com/aisight/aisight/model"
)

// KeyMatch is a provider key found in content. Start and End are byte
// offsets; the caller fingerprints content[Start:End] and then forgets it.
type KeyMatch struct {
	Key        *Key
	Start, End int
}

// FindKeys returns every provider key in content, in order of position. It
// searches for each key shape's literal anchor first, so content without
// any anchor costs one fast scan per anchor.
func (c *Catalog) FindKeys(content []byte) []KeyMatch {
	var h anchors.Hits
	c.anchorSet.Find(content, &h)
	return c.findKeys(content, &h, true)
}

// AnchorLiterals are the literals FindKeysWith and FindEnvAssignmentsWith
// need the offsets of: a caller that searches a buffer for its own anchors
// too adds these to its anchors.Set and searches once.
func (c *Catalog) AnchorLiterals() []string {
	out := make([]string, 0, len(c.anchors)+len(envAnchors))
	for _, g := range c.anchors {
		out = append(out, string(g.anchor))
	}
	for _, a := range envAnchors {
		out = append(out, string(a))
	}
	return out
}

// FindKeysWith is FindKeys over anchor offsets already found (h holds at
// least AnchorLiterals).
func (c *Catalog) FindKeysWith(content []byte, h *anchors.Hits) []KeyMatch {
	return c.findKeys(content, h, true)
}

// findKeys is FindKeys; with placeholders false it also returns key-shaped
// placeholders (the output wall redacts anything key-shaped).
func (c *Catalog) findKeys(content []byte, h *anchors.Hits, skipPlaceholders bool) []KeyMatch {
	var out []KeyMatch
	var taken map[int]bool // allocated on the first hit: most files have none
	for _, g := range c.anchors {
		off := 0
		for _, hit := range h.Of(string(g.anchor)) {
			if hit < off {
				continue
			}
			off = hit + 1
			for _, k := range g.keys {
				start := hit - k.Lookbehind
				if start < 0 || taken[start] || (start > 0 && isKeyByte(content[start-1])) {
					continue
				}
				loc := k.re.FindIndex(window(content, start))
				if loc == nil {
					continue
				}
				end := start + loc[1]
				if end < len(content) && isKeyByte(content[end]) || skipPlaceholders && Placeholder(content[start:end]) {
					continue
				}
				if taken == nil {
					taken = map[int]bool{}
				}
				taken[start] = true
				out = append(out, KeyMatch{Key: k, Start: start, End: end})
				off = end
				break
			}
		}
	}
	slices.SortStableFunc(out, func(a, b KeyMatch) int { return a.Start - b.Start })
	return out
}

// window bounds the text a key pattern looks at.
func window(b []byte, start int) []byte {
	const maxKey = 512
	end := min(start+maxKey, len(b))
	return b[start:end]
}

func isAlnum(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}

func isKeyByte(b byte) bool { return isAlnum(b) || b == '_' || b == '-' }

func isIdentByte(b byte) bool { return isAlnum(b) || b == '_' }

// EnvMatch is a literal value assigned to a credential env var name.
type EnvMatch struct {
	Env                  *EnvVar
	NameStart            int
	ValueStart, ValueEnd int
}

// maxEnvName bounds the credential env var names looked for; maxValue the
// values read after them (a credential is shorter; plausibleSecret agrees).
const (
	maxEnvName = 128
	maxValue   = 512
)

var envAnchors = [][]byte{[]byte("_KEY"), []byte("_key"), []byte("_TOKEN"), []byte("_token"), []byte("_CREDENTIAL"), []byte("_credential")}

// FindEnvAssignments returns literal values assigned to known credential env
// var names: NAME=value, NAME: value, "NAME": "value", os.environ["NAME"] = "value",
// and the Kubernetes/compose "- name: NAME" / "value: ..." pair. References
// (${NAME}, secretKeyRef, valueFrom), placeholders and empty values are not matches.
func (c *Catalog) FindEnvAssignments(content []byte) []EnvMatch {
	var h anchors.Hits
	c.anchorSet.Find(content, &h)
	return c.FindEnvAssignmentsWith(content, &h)
}

// FindEnvAssignmentsWith is FindEnvAssignments over anchor offsets already
// found (h holds at least AnchorLiterals).
func (c *Catalog) FindEnvAssignmentsWith(content []byte, h *anchors.Hits) []EnvMatch {
	var out []EnvMatch
	seen := map[int]bool{}
	for _, a := range envAnchors {
		off := 0
		runEnd := -1 // end of the identifier run the last hit was in
		for _, hit := range h.Of(string(a)) {
			if hit < off {
				continue
			}
			off = hit + len(a)
			if hit < runEnd {
				continue // the same name as the last hit: already judged
			}
			// The name around the hit, read at most maxEnvName bytes each
			// way: no credential name is longer, and a run of identifier
			// bytes with many anchors in it costs linear time, not quadratic.
			ns := hit
			for ns > 0 && hit-ns < maxEnvName && isIdentByte(content[ns-1]) {
				ns--
			}
			ne := hit + len(a)
			for ne < len(content) && isIdentByte(content[ne]) {
				ne++
			}
			runEnd = ne
			if ne-ns > maxEnvName || (ns > 0 && isIdentByte(content[ns-1])) {
				continue // longer than any credential name
			}
			if seen[ns] {
				continue
			}
			e, ok := c.EnvVar(string(content[ns:ne]))
			if !ok {
				continue
			}
			seen[ns] = true
			vs, ve, ok := assignedValue(content, ne)
			if !ok || !e.ValueLooksLikeKey(string(content[vs:ve])) {
				continue
			}
			out = append(out, EnvMatch{Env: e, NameStart: ns, ValueStart: vs, ValueEnd: ve})
		}
	}
	return out
}

// assignedValue finds the literal value assigned right after a name ending at i.
func assignedValue(b []byte, i int) (int, int, bool) {
	n := len(b)
	// closing quote / bracket of the name: "NAME": or ["NAME"] =
	for i < n && (b[i] == '"' || b[i] == '\'' || b[i] == ']' || b[i] == '`') {
		i++
	}
	for i < n && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i < n && (b[i] == '\n' || b[i] == '\r') {
		// "- name: NAME" followed by "value: X" on the next line.
		j := i
		for j < n && (b[j] == '\n' || b[j] == '\r' || b[j] == ' ' || b[j] == '\t') {
			j++
		}
		if !bytes.HasPrefix(b[j:], []byte("value:")) {
			return 0, 0, false
		}
		i = j + len("value")
	}
	switch {
	case i+1 < n && b[i] == ':' && b[i+1] == '=':
		i += 2
	case i < n && (b[i] == '=' || b[i] == ':'):
		i++
	default:
		return 0, 0, false
	}
	for i < n && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	var quote byte
	if i < n && (b[i] == '"' || b[i] == '\'' || b[i] == '`') {
		quote = b[i]
		i++
	}
	s := i
	for i < n {
		if i-s > maxValue {
			return 0, 0, false // longer than any credential: not one (and read no further)
		}
		c := b[i]
		if quote != 0 && c == quote || c == '\n' || c == '\r' {
			break
		}
		if quote == 0 && (c == ' ' || c == '\t' || c == ',' || c == ';' || c == '}' || c == '#' || c == ')') {
			break
		}
		i++
	}
	if i == s || !utf8.Valid(b[s:i]) {
		return 0, 0, false
	}
	return s, i, true
}

// Fingerprint describes a secret without revealing it: its first four and
// last four characters (the latter only for a secret of 16 or more, so at
// most half of a short one shows) and the first 12 hex digits of its
// SHA-256.
func Fingerprint(kind string, secret []byte, location string) model.Fingerprint {
	sum := sha256.Sum256(secret)
	prefix := secret
	if len(prefix) > 4 {
		prefix = prefix[:4]
	}
	fp := model.Fingerprint{Kind: kind, Prefix: string(prefix), SHA256: hex.EncodeToString(sum[:6]), Location: location}
	if len(secret) >= 16 {
		fp.Suffix = string(secret[len(secret)-4:])
	}
	return fp
}

// KeyRanges returns the byte ranges of the provider keys in b: what the
// output wall (internal/redact) replaces. Placeholders are included: the
// wall errs on the side of redacting.
func (c *Catalog) KeyRanges(b []byte) [][2]int {
	var h anchors.Hits
	c.anchorSet.Find(b, &h)
	ms := c.findKeys(b, &h, false)
	if len(ms) == 0 {
		return nil
	}
	out := make([][2]int, len(ms))
	for i, m := range ms {
		out[i] = [2]int{m.Start, m.End}
	}
	return out
}
