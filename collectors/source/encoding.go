package source

import (
	"bytes"
	"encoding/binary"
	"path"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// encoding is what a file's first bytes say its text is.
type encoding int

const (
	encUTF8 encoding = iota // UTF-8, ASCII, or text with invalid bytes (no NUL)
	encUTF16LE
	encUTF16BE
	encUTF32LE
	encUTF32BE
	encBinary // NUL bytes in no Unicode pattern
)

// sniffEncoding tells UTF-16 and UTF-32 (with a byte-order mark, or
// without one when the NUL bytes fall where ASCII text in them puts
// them) from UTF-8 and from binary data, by the head of a file.
func sniffEncoding(head []byte) encoding {
	switch {
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE, 0, 0}):
		return encUTF32LE
	case bytes.HasPrefix(head, []byte{0, 0, 0xFE, 0xFF}):
		return encUTF32BE
	case bytes.HasPrefix(head, []byte{0xFF, 0xFE}):
		return encUTF16LE
	case bytes.HasPrefix(head, []byte{0xFE, 0xFF}):
		return encUTF16BE
	}
	if bytes.IndexByte(head, 0) < 0 {
		return encUTF8
	}
	h := head[:min(len(head), 4096)]
	if len(h) < 4 {
		return encBinary
	}
	// zero[i] counts NUL bytes at offsets i mod 4.
	var zero [4]int
	for i, c := range h {
		if c == 0 {
			zero[i%4]++
		}
	}
	quarter := len(h) / 4
	mostly := func(n int) bool { return n*10 >= quarter*9 }
	rarely := func(n int) bool { return n*10 < quarter }
	switch {
	case rarely(zero[0]) && mostly(zero[1]) && mostly(zero[2]) && mostly(zero[3]):
		return encUTF32LE
	case mostly(zero[0]) && mostly(zero[1]) && mostly(zero[2]) && rarely(zero[3]):
		return encUTF32BE
	case rarely(zero[0]) && rarely(zero[2]) && mostly(zero[1]) && mostly(zero[3]):
		return encUTF16LE
	case mostly(zero[0]) && mostly(zero[2]) && rarely(zero[1]) && rarely(zero[3]):
		return encUTF16BE
	}
	return encBinary
}

// decodeUnicode decodes UTF-16 or UTF-32 text (a byte-order mark is
// dropped) to UTF-8, line for line. It reports false when the result
// still holds NUL characters (binary data that only looked like text).
func decodeUnicode(b []byte, enc encoding) ([]byte, bool) {
	var out []byte
	switch enc {
	case encUTF16LE, encUTF16BE:
		var order binary.ByteOrder = binary.LittleEndian
		if enc == encUTF16BE {
			order = binary.BigEndian
		}
		units := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			units = append(units, order.Uint16(b[i:]))
		}
		if len(units) > 0 && units[0] == 0xFEFF {
			units = units[1:]
		}
		out = make([]byte, 0, len(units))
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
	case encUTF32LE, encUTF32BE:
		var order binary.ByteOrder = binary.LittleEndian
		if enc == encUTF32BE {
			order = binary.BigEndian
		}
		out = make([]byte, 0, len(b)/4)
		for i := 0; i+3 < len(b); i += 4 {
			r := rune(order.Uint32(b[i:]))
			if i == 0 && r == 0xFEFF {
				continue
			}
			if !utf8.ValidRune(r) {
				r = utf8.RuneError
			}
			out = utf8.AppendRune(out, r)
		}
	default:
		return b, true
	}
	return out, bytes.IndexByte(out, 0) < 0
}

// replaceInvalidUTF8 returns b with each byte that is not part of valid
// UTF-8 replaced by '?': offsets and lines stay as they were, and what is
// valid (keys, names) is read as usual.
func replaceInvalidUTF8(b []byte) []byte {
	out := make([]byte, len(b))
	copy(out, b)
	for i := 0; i < len(out); {
		r, n := utf8.DecodeRune(out[i:])
		if r == utf8.RuneError && n <= 1 {
			out[i] = '?'
			i++
			continue
		}
		i += n
	}
	return out
}

// textExts are the extensions of files that hold text: one that holds
// binary data is a gap of the scan, not a skipped binary.
var textExts = map[string]bool{
	".py": true, ".pyi": true, ".ipynb": true, ".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".tsx": true, ".jsx": true,
	".go": true, ".java": true, ".kt": true, ".kts": true, ".scala": true, ".rb": true, ".php": true, ".cs": true, ".rs": true,
	".c": true, ".h": true, ".cc": true, ".cpp": true, ".hpp": true, ".swift": true, ".m": true, ".r": true, ".jl": true, ".lua": true,
	".sh": true, ".bash": true, ".zsh": true, ".ps1": true, ".bat": true, ".cmd": true,
	".env": true, ".yaml": true, ".yml": true, ".json": true, ".jsonc": true, ".json5": true, ".toml": true, ".ini": true, ".cfg": true,
	".conf": true, ".properties": true, ".xml": true, ".tf": true, ".tfvars": true, ".hcl": true, ".bicep": true, ".gradle": true,
	".txt": true, ".md": true, ".rst": true, ".adoc": true, ".csv": true, ".sql": true, ".lock": true, ".sum": true, ".mod": true,
	".dockerfile": true, ".tpl": true, ".j2": true, ".html": true, ".vue": true, ".svelte": true, ".dart": true, ".ex": true, ".exs": true,
}

// textNames are file names without a text extension that hold text.
var textNames = map[string]bool{
	"dockerfile": true, "containerfile": true, "makefile": true, "modelfile": true, "procfile": true, "gemfile": true,
	"pipfile": true, "jenkinsfile": true, "vagrantfile": true, ".npmrc": true, ".netrc": true, ".pypirc": true, ".gitignore": true,
}

// textName reports whether a file's name says it holds text.
func textName(rel string) bool {
	b := strings.ToLower(path.Base(rel))
	if textNames[b] || b == ".env" || strings.HasPrefix(b, ".env.") || strings.HasPrefix(b, "dockerfile.") {
		return true
	}
	return textExts[path.Ext(b)]
}
