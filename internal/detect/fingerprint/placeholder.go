package fingerprint

import (
	"bytes"
	"math"
	"strings"
)

// placeholderWords are what documentation and .env.example files put where
// a key goes, matched as written in lower, upper or title case (not in
// mixed case: a random key holds "xXxX" or "YoUR" about once in 10,000).
var placeholderWords = casings("xxxx", "your", "example", "placeholder", "redacted", "dummy", "changeme",
	"replace", "sample", "insert", "...", "…")

func casings(words ...string) [][]byte {
	var out [][]byte
	for _, w := range words {
		title := strings.ToUpper(w[:1]) + w[1:]
		out = append(out, []byte(w), []byte(strings.ToUpper(w)), []byte(title))
	}
	return out
}

// Placeholder reports whether a key-shaped value is a stand-in rather than
// a credential: a placeholder word, a run of one character (sk-...xxxxxx,
// 000000), an ascending run (123456789, abcdef), or, for values of 20
// characters or more, too little entropy for a generated key (a random key
// of the catalog's alphabets carries 3.5 to 6 bits per character; a
// placeholder typed by a person far less).
func Placeholder(v []byte) bool {
	for _, w := range placeholderWords {
		if bytes.Contains(v, w) {
			return true
		}
	}
	run, asc := 1, 1
	for i := 1; i < len(v); i++ {
		if v[i] == v[i-1] {
			run++
		} else {
			run = 1
		}
		if v[i] == v[i-1]+1 && isAlnum(v[i]) {
			asc++
		} else {
			asc = 1
		}
		if run >= 6 || asc >= 6 {
			return true
		}
	}
	return len(v) >= 20 && (entropy(v) < 3.0 || periodic(v))
}

// periodic reports whether most of v repeats itself with a short period
// (abcd1234abcd1234...): typed filler, not a generated key.
func periodic(v []byte) bool {
	for p := 2; p <= 8; p++ {
		same := 0
		for i := p; i < len(v); i++ {
			if v[i] == v[i-p] {
				same++
			}
		}
		if n := len(v) - p; n >= 16 && same*10 >= n*8 {
			return true
		}
	}
	return false
}

// entropy is the Shannon entropy of v in bits per byte.
func entropy(v []byte) float64 {
	var counts [256]int
	for _, c := range v {
		counts[c]++
	}
	h, n := 0.0, float64(len(v))
	for _, c := range counts {
		if c > 0 {
			p := float64(c) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}
