// Package anchors finds every occurrence of a set of literal strings in
// one pass over a buffer. Detectors search for literal anchors (a key
// prefix, a call name, a flag) before they look closer; with dozens of
// anchors, one bytes.Index pass per anchor reads each file dozens of times
// and stalls on anchors whose first byte is common ("model", "sk-"). Here
// a table of the anchors' first two bytes rejects almost every position
// with one load, and only candidate positions are compared.
package anchors

import (
	"bytes"
	"sync"
)

// Set is an immutable set of literals (each at least two bytes long).
type Set struct {
	lits  [][]byte
	index map[string]int
	pair  [1 << 16]uint8 // 1 + the candidate group of a byte pair, 0 when none
	cands [][]int        // groups of literal indexes sharing their first two bytes
	// third is, per group, the set of third bytes its literals have (a
	// 256-bit mask), and short whether one of them is two bytes long: a
	// common byte pair ("re", "co") is rejected on its third byte before
	// any literal is compared.
	third [255][4]uint64
	short [255]bool
	// groups caches each Group's literal positions in this set (*Group ->
	// []int). The cache lives in the set, not the group: groups are
	// package-level, and one holding every set it met kept each scan's
	// sets alive in a long-running process (serve grew by its anchor
	// tables every scan).
	groups sync.Map
}

// New builds a set; duplicate literals are kept once. It panics on a
// literal shorter than two bytes or on more than 255 distinct two-byte
// prefixes (a programming error: anchors are fixed in code and catalog).
func New(lits ...string) *Set {
	s := &Set{index: map[string]int{}}
	for _, l := range lits {
		if _, ok := s.index[l]; ok {
			continue
		}
		if len(l) < 2 {
			panic("anchors: literal shorter than two bytes: " + l)
		}
		s.index[l] = len(s.lits)
		s.lits = append(s.lits, []byte(l))
		p := uint16(l[0])<<8 | uint16(l[1])
		if s.pair[p] == 0 {
			if len(s.cands) == 255 {
				panic("anchors: more than 255 two-byte prefixes")
			}
			s.cands = append(s.cands, nil)
			s.pair[p] = uint8(len(s.cands))
		}
		g := s.pair[p] - 1
		s.cands[g] = append(s.cands[g], s.index[l])
		if len(l) == 2 {
			s.short[g] = true
		} else {
			s.third[g][l[2]>>6] |= 1 << (l[2] & 63)
		}
	}
	return s
}

// Hits are the offsets of each literal in one buffer, ascending. A Hits
// is reused across buffers (Find resets it) so a worker allocates once,
// also when it alternates between sets: each set's buffers are kept.
type Hits struct {
	set   *Set
	at    [][]int
	other map[*Set][][]int // the buffers of the other sets used with h
}

// Of returns the offsets of lit, nil when lit is not in the set or absent.
func (h *Hits) Of(lit string) []int {
	if h == nil || h.set == nil {
		return nil
	}
	i, ok := h.set.index[lit]
	if !ok {
		return nil
	}
	return h.at[i]
}

// Find records in h every offset of every literal in b (overlapping
// occurrences included), in one pass.
func (s *Set) Find(b []byte, h *Hits) {
	if h.set != s {
		if h.set != nil {
			if h.other == nil {
				h.other = map[*Set][][]int{}
			}
			h.other[h.set] = h.at
		}
		h.set, h.at = s, h.other[s]
		if h.at == nil {
			h.at = make([][]int, len(s.lits))
		}
	}
	for i := range h.at {
		h.at[i] = h.at[i][:0]
	}
	if len(b) < 2 {
		return
	}
	pair, third, short := &s.pair, &s.third, &s.short
	prev := uint16(b[0])
	for j, c := range b[1:] { // the pair (b[j], b[j+1]); one load per byte
		g := pair[prev<<8|uint16(c)]
		prev = uint16(c)
		if g == 0 {
			continue
		}
		if j+2 < len(b) && !short[g-1] {
			if t := b[j+2]; third[g-1][t>>6]&(1<<(t&63)) == 0 {
				continue
			}
		}
		for _, li := range s.cands[g-1] {
			if l := s.lits[li]; len(l) <= len(b)-j && (len(l) == 2 || bytes.Equal(b[j+2:j+len(l)], l[2:])) {
				h.at[li] = append(h.at[li], j)
			}
		}
	}
}

// Group is a list of literals whose hits a detector tests together before
// it looks at any one of them: AnyIn answers from the literals' positions
// in the Hits' set, found once per set, without hashing a literal per call.
type Group struct {
	lits []string
}

// NewGroup returns a group of literals (each should be in the sets it is
// used with; a literal missing from a set never has hits there).
func NewGroup(lits ...string) *Group { return &Group{lits: lits} }

// indexes returns the positions of g's literals in s.
func (g *Group) indexes(s *Set) []int {
	if at, ok := s.groups.Load(g); ok {
		return at.([]int)
	}
	var at []int
	for _, l := range g.lits {
		if i, ok := s.index[l]; ok {
			at = append(at, i)
		}
	}
	v, _ := s.groups.LoadOrStore(g, at)
	return v.([]int)
}

// AnyIn reports whether any literal of g was found.
func (h *Hits) AnyIn(g *Group) bool {
	if h == nil || h.set == nil {
		return false
	}
	for _, i := range g.indexes(h.set) {
		if len(h.at[i]) > 0 {
			return true
		}
	}
	return false
}
