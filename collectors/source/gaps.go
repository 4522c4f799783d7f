package source

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// A gap is a kind of file the scan could not read in full. Any gap makes
// the scope partial, with a count and the first paths, so an incomplete
// scan never reads as clean (--fail-on-partial exits 4 on it).
type gapKind int

const (
	gapUnreadable gapKind = iota // permission denied, I/O error
	gapUnparsed                  // a structured file that did not parse
	gapBinaryText                // a file whose name says text holding binary data
	gapTooLarge                  // a text file over --max-file-size
	gapKinds
)

// gapInfo is how each kind is classed and said.
var gapInfo = [gapKinds]struct {
	class model.ErrorClass
	stat  string // counter of the run
	what  string
}{
	gapUnreadable: {model.ErrDenied, "unreadable", "not read (permission or I/O error)"},
	gapUnparsed:   {model.ErrUnparsed, "unparsed", "not parsed (keys and lines still searched)"},
	gapBinaryText: {model.ErrUnparsed, "binary_text", "binary data under a text name (keys searched in the raw bytes only)"},
	gapTooLarge:   {model.ErrUnparsed, "too_large", "over --max-file-size, not read for findings"},
}

// maxGapPaths is how many paths of each kind a run names.
const maxGapPaths = 5

// gaps collects what the scan could not read, by kind.
type gaps struct {
	mu    sync.Mutex
	n     [gapKinds]int64
	paths [gapKinds][]string
}

// add records one path (a directory ends in "/"; a parse error may carry
// its reason after the path).
func (g *gaps) add(k gapKind, path string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n[k]++
	g.paths[k] = append(g.paths[k], path)
	if len(g.paths[k]) > 4*maxGapPaths { // keep the first in name order, bounded
		sort.Strings(g.paths[k])
		g.paths[k] = g.paths[k][:maxGapPaths]
	}
}

// report turns every kind with files into one problem of the run (which
// makes it partial) and a counter.
func (g *gaps) report(sink collectors.Sink) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for k := range gapKinds {
		n := g.n[k]
		if n == 0 {
			continue
		}
		info := gapInfo[k]
		sink.Count(info.stat, n)
		paths := g.paths[k]
		sort.Strings(paths)
		paths = paths[:min(len(paths), maxGapPaths)]
		more := ""
		if n > int64(len(paths)) {
			more = fmt.Sprintf(", +%d more", n-int64(len(paths)))
		}
		noun := "files"
		if n == 1 {
			noun = "file"
		}
		sink.Problem(collectors.Classed(info.class, fmt.Errorf("%s: %d %s: %s%s", info.what, n, noun, strings.Join(paths, ", "), more)))
	}
}

// unreadable counts a file or directory that could not be opened or read.
func (s *scanner) unreadable(rel string, err error) {
	s.count(statSkipUnreadable, 1)
	why := "error"
	switch {
	case errors.Is(err, fs.ErrPermission):
		why = "permission denied"
	case errors.Is(err, fs.ErrNotExist):
		why = "removed during the scan"
	}
	s.gaps.add(gapUnreadable, rel+" ("+why+")")
}
