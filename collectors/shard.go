package collectors

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/aisight/aisight/model"
)

// Shard is one part of a scan split across N processes (pods of a
// Kubernetes Indexed Job): shard Index of Count takes the scopes whose
// stable hash falls on it. A scope is never split and is in exactly one
// shard, whatever the order in which collectors list scopes.
type Shard struct {
	Index, Count int
}

// ParseShard reads "I/N" (0 <= I < N).
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	idx, err1 := strconv.Atoi(i)
	cnt, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || cnt < 1 || idx < 0 || idx >= cnt {
		return Shard{}, fmt.Errorf("shard %q: want I/N with 0 <= I < N, e.g. 0/4", s)
	}
	return Shard{Index: idx, Count: cnt}, nil
}

// String is "I/N", or "" for an unsharded scan.
func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return strconv.Itoa(s.Index) + "/" + strconv.Itoa(s.Count)
}

// Owns reports whether the shard collects a scope (FNV-1a of its ID mod N).
func (s Shard) Owns(scopeID string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	h.Write([]byte(scopeID))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// filter keeps the scopes the shard owns.
func (s Shard) filter(scopes []model.Scope) []model.Scope {
	if s.Count <= 1 {
		return scopes
	}
	out := scopes[:0:0]
	for _, sc := range scopes {
		if s.Owns(sc.ID) {
			out = append(out, sc)
		}
	}
	return out
}
