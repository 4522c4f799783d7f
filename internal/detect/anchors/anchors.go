// Package anchors finds every occurrence of a set of literal strings in
// one pass over a buffer. Detectors search for literal anchors (a key
// prefix, a call name, a flag) before they look closer; with dozens of
// anchors, one bytes.Index pass per anchor reads each file dozens of times
// and stalls on anchors whose first byte is common ("model", "sk-"). Here
// a table of the anchors' first two bytes rejects almost every position
// with one load, and only candidate positions are compared.
package anchors

import "bytes"

// Set is an immutable set of literals (each at least two bytes long).
type Set struct {
	lits  [][]byte
	index map[string]int
	pair  [1 << 16]uint8 // 1 + the candidate group of a byte pair, 0 when none
	cands [][]int        // groups of literal indexes sharing their first two bytes
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
	pair := &s.pair
	prev := uint16(b[0])
	for j, c := range b[1:] { // the pair (b[j], b[j+1]); one load per byte
		g := pair[prev<<8|uint16(c)]
		prev = uint16(c)
		if g == 0 {
			continue
		}
		for _, li := range s.cands[g-1] {
			if l := s.lits[li]; len(l) <= len(b)-j && (len(l) == 2 || bytes.Equal(b[j+2:j+len(l)], l[2:])) {
				h.at[li] = append(h.at[li], j)
			}
		}
	}
}
