package redact

import (
	"encoding/binary"
	"strings"
	"sync"
)

// runLen is the shortest run of a registered secret that is masked: any
// 8 bytes of it, wherever they appear (a token quoted in part, cut by a
// peer's message, or split by an encoder).
const runLen = 8

// minExact is the shortest secret masked at all (exact occurrences only
// below runLen): shorter values are words, not credentials.
const minExact = 6

// values are the credentials registered with a Scrubber: every 8-byte
// window of each, and the short ones whole.
type values struct {
	mu      sync.RWMutex
	windows map[uint64]struct{}
	pairs   [1 << 16 / 8]byte // bitset of the first two bytes of every window: most bytes of output stop here
	short   []string
	seen    map[string]bool
}

// Register adds a credential aisight was given or obtained (an admin key,
// a cloud secret or session token, a bearer token, a password) to the
// values the scrubber masks wherever they, or any 8-byte run of them,
// appear. The output wall then needs no knowledge of the secret's shape.
// It is safe for concurrent use and cheap to repeat.
func (s *Scrubber) Register(secret string) {
	if s == nil {
		return
	}
	secret = strings.TrimSpace(secret)
	if len(secret) < minExact {
		return
	}
	v := &s.values
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.seen[secret] {
		return
	}
	if v.seen == nil {
		v.seen, v.windows = map[string]bool{}, map[uint64]struct{}{}
	}
	v.seen[secret] = true
	if len(secret) < runLen {
		v.short = append(v.short, secret)
		return
	}
	for i := 0; i+runLen <= len(secret); i++ {
		v.windows[binary.LittleEndian.Uint64([]byte(secret[i:i+runLen]))] = struct{}{}
		p := uint16(secret[i])<<8 | uint16(secret[i+1])
		v.pairs[p/8] |= 1 << (p % 8)
	}
}

// ranges returns the byte ranges of b that hold registered secrets.
func (v *values) ranges(b []byte) [][2]int {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if len(v.seen) == 0 {
		return nil
	}
	var out [][2]int
	in := func(i int) bool {
		p := uint16(b[i])<<8 | uint16(b[i+1])
		if v.pairs[p/8]&(1<<(p%8)) == 0 {
			return false
		}
		_, ok := v.windows[binary.LittleEndian.Uint64(b[i:i+runLen])]
		return ok
	}
	for i := 0; i+runLen <= len(b); i++ {
		if !in(i) {
			continue
		}
		j := i
		for j+1+runLen <= len(b) && in(j+1) {
			j++
		}
		out = append(out, [2]int{i, j + runLen})
		i = j + runLen - 1
	}
	for _, sh := range v.short {
		for off := 0; ; {
			k := strings.Index(string(b[off:]), sh)
			if k < 0 {
				break
			}
			out = append(out, [2]int{off + k, off + k + len(sh)})
			off += k + len(sh)
		}
	}
	return out
}
