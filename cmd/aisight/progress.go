package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/aisight/aisight/collectors"
)

// progress draws one self-overwriting line on stderr while a scan runs, only
// when stderr is a terminal; machine output on stdout is never touched.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	enabled bool
	last    time.Time
	drawn   bool
}

// newProgress draws on w, or on the terminal beneath the output wall: the
// line holds only counts, so it may bypass the scrubber (which buffers to
// the end of a line, and a progress line never ends).
func newProgress(w io.Writer, want bool) *progress {
	w = unwrapWriter(w)
	return &progress{w: w, enabled: want && isTerminal(w)}
}

// unwrapWriter is the writer beneath the output wall.
func unwrapWriter(w io.Writer) io.Writer {
	if u, ok := w.(interface{ Unwrap() io.Writer }); ok {
		return u.Unwrap()
	}
	return w
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) update(s collectors.Progress) {
	if !p.enabled {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Since(p.last) < 100*time.Millisecond && s.ScopesDone < s.ScopesTotal {
		return
	}
	p.last = time.Now()
	read := ""
	if s.Files > 0 {
		read += fmt.Sprintf(", %d files (%s) read", s.Files, humanBytes(s.Bytes))
	}
	if s.Requests > 0 {
		read += fmt.Sprintf(", %d API requests made", s.Requests)
	}
	fmt.Fprintf(p.w, "\r\033[Kscanning: %d/%d scopes done%s, %d assets found", s.ScopesDone, s.ScopesTotal, read, s.Assets)
	p.drawn = true
}

func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
	}
}

// humanBytes is a byte count for a person: "512 B", "3.4 MB", "1.2 GB".
func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
