package source

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/aisight/aisight/collectors/fingerprint"
	"github.com/aisight/aisight/internal/anchors"
)

func TestZZAnchors(t *testing.T) {
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	lits := append(cat.AnchorLiterals(), modelRefAnchors...)
	t.Log(len(lits), "literals")
	set := anchors.New(lits...)
	var bufs [][]byte
	filepath.Walk("/tmp/aisight-bench-tree-v2-100000/d000", func(p string, fi os.FileInfo, err error) error {
		if fi.Mode().IsRegular() && fi.Size() < 1<<20 {
			b, _ := os.ReadFile(p)
			bufs = append(bufs, b)
		}
		return nil
	})
	total := 0
	for _, b := range bufs {
		total += len(b)
	}
	var h anchors.Hits
	t0 := time.Now()
	for range 5 {
		for _, b := range bufs {
			set.Find(b, &h)
		}
	}
	el := time.Since(t0) / 5
	t.Logf("%d files %d MB: %v = %.0f MB/s", len(bufs), total>>20, el, float64(total)/el.Seconds()/1e6)
	counts := map[string]int{}
	for _, b := range bufs {
		set.Find(b, &h)
		for _, l := range lits {
			counts[l] += len(h.Of(l))
		}
	}
	type kv struct {
		k string
		v int
	}
	var l []kv
	for k, v := range counts {
		l = append(l, kv{k, v})
	}
	sort.Slice(l, func(i, j int) bool { return l[i].v > l[j].v })
	for _, x := range l[:15] {
		t.Log(x.k, x.v)
	}
	pairs := map[string]bool{}
	for _, x := range lits {
		pairs[x[:2]] = true
	}
	ps := []string{}
	for p := range pairs {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	t.Log(len(ps), "pairs:", ps)
}
