package redact

import (
	"bytes"
	"io"
	"sync"
)

// KeyFinder returns the byte ranges of provider keys in b (the detection
// catalog's FindKeys, adapted), so the scrubber knows every key shape the
// collectors know.
type KeyFinder func(b []byte) [][2]int

// Scrubber replaces what looks like a credential in output, and every
// credential registered with it by value (Register). The zero value
// scrubs URLs and parameters only; New adds key shapes.
type Scrubber struct {
	keys   KeyFinder
	values values
}

// New returns a Scrubber that also replaces the key shapes keys finds.
func New(keys KeyFinder) *Scrubber { return &Scrubber{keys: keys} }

// Bytes returns b with credentials replaced; b is not modified.
func (s *Scrubber) Bytes(b []byte) []byte {
	if s != nil {
		b = replaceRanges(b, s.values.ranges(b))
	}
	out := scrubURLs(b)
	if s != nil && s.keys != nil {
		out = replaceRanges(out, s.keys(out))
	}
	return out
}

// String scrubs a string.
func (s *Scrubber) String(v string) string { return string(s.Bytes([]byte(v))) }

// delimiters end a URL's userinfo, a parameter value or a path segment in text.
func endOfValue(c byte) bool {
	switch c {
	case '&', '#', ' ', '\t', '\n', '\r', '"', '\'', '<', '>', '`', ',', ')', ']', '}', '\\', ';', '|':
		return true
	}
	return false
}

// scrubURLs replaces URL userinfo ("scheme://user:pass@") and the values
// of sensitive parameters ("?token=...", "&sig=...", ";key=...") in text.
func scrubURLs(b []byte) []byte {
	var ranges [][2]int
	// userinfo: after each "://", up to an "@" before any "/", "?", "#" or space.
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("://"))
		if i < 0 {
			break
		}
		start := off + i + 3
		j := start
		for j < len(b) && b[j] != '/' && b[j] != '?' && b[j] != '#' && b[j] != '@' && !endOfValue(b[j]) {
			j++
		}
		if j < len(b) && b[j] == '@' && j > start {
			ranges = append(ranges, [2]int{start, j})
		}
		off = start
	}
	// parameters: NAME=VALUE right after "?", "&" or ";".
	for i := 0; i < len(b); i++ {
		if b[i] != '=' {
			continue
		}
		k := i
		for k > 0 && i-k < 40 && paramChar(b[k-1]) {
			k--
		}
		name := b[k:i]
		// JSON encoders escape "&" as \u0026: "\u0026token=" is "&token=".
		escapedAmp := k > 0 && b[k-1] == '\\' && bytes.HasPrefix(name, []byte("u0026"))
		if escapedAmp {
			name = name[5:]
		}
		if len(name) == 0 || (!escapedAmp && (k == 0 || (b[k-1] != '?' && b[k-1] != '&' && b[k-1] != ';'))) {
			continue
		}
		if !SensitiveName(string(name)) {
			continue
		}
		j := i + 1
		for j < len(b) && !endOfValue(b[j]) {
			j++
		}
		if j > i+1 {
			ranges = append(ranges, [2]int{i + 1, j})
		}
		i = j - 1
	}
	return replaceRanges(b, ranges)
}

func paramChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// replaceRanges returns a copy of b with each range replaced by Mark.
// Ranges may overlap and come in any order.
func replaceRanges(b []byte, ranges [][2]int) []byte {
	if len(ranges) == 0 {
		return b
	}
	// sort by start (few ranges: insertion sort keeps it dependency-free)
	for i := 1; i < len(ranges); i++ {
		for j := i; j > 0 && ranges[j][0] < ranges[j-1][0]; j-- {
			ranges[j], ranges[j-1] = ranges[j-1], ranges[j]
		}
	}
	var out bytes.Buffer
	out.Grow(len(b))
	pos := 0
	for _, r := range ranges {
		if r[1] <= pos {
			continue
		}
		start := max(r[0], pos)
		out.Write(b[pos:start])
		out.WriteString(Mark)
		pos = r[1]
	}
	out.Write(b[pos:])
	return out.Bytes()
}

// Writer scrubs each line written to it before passing it on. Writes are
// buffered until a newline (log handlers write whole lines), so a secret
// split across two writes is still seen whole. Close flushes the rest.
type Writer struct {
	mu  sync.Mutex
	s   *Scrubber
	w   io.Writer
	buf []byte
}

// NewWriter wraps w.
func (s *Scrubber) NewWriter(w io.Writer) *Writer { return &Writer{s: s, w: w} }

// Write implements io.Writer.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if i := bytes.LastIndexByte(w.buf, '\n'); i >= 0 {
		if _, err := w.w.Write(w.s.Bytes(w.buf[:i+1])); err != nil {
			return 0, err
		}
		w.buf = append(w.buf[:0], w.buf[i+1:]...)
	}
	if len(w.buf) > 1<<20 { // a line with no end: do not hold it forever
		if _, err := w.w.Write(w.s.Bytes(w.buf)); err != nil {
			return 0, err
		}
		w.buf = w.buf[:0]
	}
	return len(p), nil
}

// Unwrap returns the writer underneath, for what must bypass the wall by
// design (a terminal progress line of counts).
func (w *Writer) Unwrap() io.Writer { return w.w }

// Flush writes what is buffered.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.w.Write(w.s.Bytes(w.buf))
	w.buf = w.buf[:0]
	return err
}
