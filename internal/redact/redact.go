// Package redact keeps credentials out of everything aisight records and
// prints. It has two walls:
//
//   - URL normalises a URL or URI before a collector records it (a fact, a
//     model source, an asset ID, a relation): userinfo is dropped, and so are
//     query and matrix parameters that carry secrets (signatures, tokens, keys,
//     SAS), fragments holding parameters, and path segments shaped like keys.
//   - Scrubber is the output boundary: every renderer, log line, error
//     message and metric label goes through it, and it replaces what still
//     looks like a credential (URL userinfo, secret parameters, provider key
//     shapes) with REDACTED. It is linear in its input.
//
// Neither wall ever needs the secret: both only recognise where one sits.
package redact

import (
	"math"
	"net/url"
	"strings"
)

// Mark replaces a redacted value.
const Mark = "REDACTED"

// sensitiveParams are query, matrix and form parameter names whose values
// are credentials (compared in lower case).
var sensitiveParams = map[string]bool{
	"sig": true, "signature": true, "x-amz-signature": true, "x-amz-credential": true, "x-amz-security-token": true,
	"x-goog-signature": true, "x-goog-credential": true, "googleaccessid": true, "x-ms-signature": true,
	"token": true, "access_token": true, "refresh_token": true, "id_token": true, "auth": true, "authorization": true,
	"api_key": true, "apikey": true, "api-key": true, "key": true, "secret": true, "client_secret": true,
	"password": true, "passwd": true, "pwd": true, "code": true, "sas": true, "private_token": true, "session_token": true,
}

// SensitiveParam reports whether a parameter name carries a credential.
func SensitiveParam(name string) bool { return sensitiveParams[strings.ToLower(name)] }

// URL returns raw without the credentials it may carry, by default-deny:
// userinfo is dropped; every query and matrix parameter's value is masked
// unless the parameter is one a model reference needs (keptParams: a
// revision, ref, version, tag or branch) and its value does not look like
// a key; path segments that look like tokens (key shapes, high-entropy
// strings, UUIDs, long hex outside a git revision's place) are masked.
// Anything without a scheme ("org/model", "/models/x") is returned
// unchanged; a URL that does not parse is scrubbed as text.
func URL(raw string) string {
	i := strings.Index(raw, "://")
	if i <= 0 || strings.ContainsAny(raw[:i], "/?#@ ") {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return string(scrubURLs([]byte(raw)))
	}
	u.User = nil
	if strings.ContainsAny(u.Fragment, "=&;") || LooksSecret(u.Fragment) {
		u.Fragment, u.RawFragment = "", "" // "#access_token=...": a credential; "#v1.2.0": a git ref, kept
	}
	u.RawQuery = keepParams(u.RawQuery, "&")
	segs := strings.Split(u.Path, "/")
	for k, s := range segs {
		if name, params, ok := strings.Cut(s, ";"); ok {
			s = name
			if kept := keepParams(params, ";"); kept != "" {
				s += ";" + kept
			}
		}
		prev := ""
		if k > 0 {
			prev = segs[k-1]
		}
		if LooksSecret(s) || tokenSegment(s, prev) {
			s = Mark
		}
		segs[k] = s
	}
	u.Path, u.RawPath = strings.Join(segs, "/"), ""
	return u.String()
}

// keptParams are the query parameters whose values a model or package
// reference needs and keeps (a value shaped like a key is still masked).
var keptParams = map[string]bool{"revision": true, "rev": true, "ref": true, "version": true, "v": true, "tag": true, "branch": true, "commit": true, "api-version": true, "format": true}

// keepParams masks the values of a sep-separated parameter list by
// default-deny: only keptParams keep theirs. Parameter names are kept (they
// say what was there); a sensitive one is dropped whole, as before.
func keepParams(raw, sep string) string {
	if raw == "" {
		return ""
	}
	var kept []string
	for _, p := range strings.Split(raw, sep) {
		name, value, hasValue := strings.Cut(p, "=")
		n := name
		if un, err := url.QueryUnescape(name); err == nil {
			n = un
		}
		switch {
		case SensitiveParam(n):
			continue
		case !hasValue || value == "":
			kept = append(kept, p)
		case keptParams[strings.ToLower(n)] && !LooksSecret(value) && !tokenSegment(value, "revision"):
			kept = append(kept, p)
		default:
			kept = append(kept, name+"="+Mark)
		}
	}
	return strings.Join(kept, sep)
}

// revisionPlaces are the path segments after which a hex string is a git
// revision or a digest, not a token (huggingface.co/org/m/resolve/<sha>/...).
var revisionPlaces = map[string]bool{"resolve": true, "blob": true, "tree": true, "commit": true, "commits": true, "raw": true, "revision": true, "revisions": true, "refs": true, "tags": true, "sha256": true, "blobs": true, "manifests": true}

// tokenSegment reports whether a URL path segment is shaped like a token
// that LooksSecret lets pass: a UUID, a long hex string (outside a
// revision's place), or a long lower-case or upper-case mix of letters and
// digits with high entropy (a generated id, not a word or a model name).
func tokenSegment(s, prev string) bool {
	if len(s) < 20 {
		return false
	}
	if isUUID(s) {
		return true
	}
	hex, letters, digits := true, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			digits = true
		case c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F':
			letters = true
		case c >= 'g' && c <= 'z' || c >= 'G' && c <= 'Z':
			letters, hex = true, false
		case c == '-' || c == '_':
			hex = false
		default:
			return false
		}
	}
	if hex && len(s) >= 32 {
		return !revisionPlaces[strings.ToLower(prev)]
	}
	return letters && digits && len(s) >= 24 && entropy(s) >= 3.5 && !wordy(s)
}

// isUUID reports the 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i == 8 || i == 13 || i == 18 || i == 23 {
			if c != '-' {
				return false
			}
			continue
		}
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// platformPrefixes start tokens of platforms that are not AI providers
// (source hosts, chat, payments, vector stores); the AI providers' key
// prefixes come from the detection catalog (catalogPrefixes, generated).
var platformPrefixes = []string{"ghp_", "gho_", "ghu_", "ghs_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "pk_live_", "sk_live_", "pcsk_"}

// LooksSecret reports whether a URL segment or parameter value is shaped
// like a credential: a known token prefix with enough after it, or a long
// high-entropy mix of upper case, lower case and digits. Hex strings
// (digests, commits) and words are not.
func LooksSecret(s string) bool {
	if len(s) < 16 {
		return false
	}
	for _, list := range [][]string{catalogPrefixes, platformPrefixes} {
		for _, p := range list {
			if strings.HasPrefix(s, p) && len(s) >= len(p)+12 {
				return true
			}
		}
	}
	if len(s) < 24 {
		return false
	}
	var upper, lower, digit bool
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		case c == '-' || c == '_' || c == '.' || c == '~' || c == '+' || c == '/' || c == '=' || c == '%':
		default:
			return false
		}
	}
	return upper && lower && digit && entropy(s) >= 4.0 && !wordy(s)
}

// wordy reports whether s reads as hyphenated words (a model or release
// name: Meta-Llama-3.1-8B-Instruct-FP8): three or more separators and no
// run of letters and digits longer than 12. A generated token has long
// runs between its rare separators.
func wordy(s string) bool {
	seps, run, longest := 0, 0, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '-', '_', '.':
			seps++
			run = 0
		default:
			run++
			longest = max(longest, run)
		}
	}
	return seps >= 3 && longest <= 12
}

// entropy is the Shannon entropy of s in bits per byte.
func entropy(s string) float64 {
	var counts [256]int
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	h := 0.0
	n := float64(len(s))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// URLsIn normalises every URL inside free text (a dependency spec such as
// "openai @ git+https://token@github.com/org/repo", a command line) with URL,
// leaving the rest as it is.
func URLsIn(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '"' || r == '\'' })
	for _, f := range fields {
		if strings.Contains(f, "://") {
			s = strings.Replace(s, f, URL(f), 1)
		}
	}
	return s
}
