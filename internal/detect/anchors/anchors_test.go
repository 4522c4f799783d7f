package anchors

import (
	"bytes"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"
)

// Find reports exactly what one bytes.Index loop per literal reports,
// overlaps included, on random buffers over a small alphabet (many hits),
// with one Hits used for two sets in turn (as a worker does for YAML and
// other files).
func TestFindMatchesIndexLoops(t *testing.T) {
	litsOf := [][]string{
		{"sk-", "sk-proj-", "model", "mo", "--model", "_KEY", "hf_", "hf://", "aa", "aaa"},
		{"sk-", "model", "ap", "del", "KEY"},
	}
	sets := []*Set{New(litsOf[0]...), New(litsOf[1]...)}
	rng := rand.New(rand.NewPCG(1, 2))
	var h Hits
	for range 500 {
		b := make([]byte, rng.IntN(400))
		for i := range b {
			b[i] = "skmo-_KEYhf:/apdel"[rng.IntN(18)]
		}
		which := rng.IntN(len(sets))
		lits := litsOf[which]
		sets[which].Find(b, &h)
		if slices.Contains(lits, "ap") && h.Of("hf_") != nil {
			t.Fatal("a literal of the other set has hits")
		}
		for _, l := range lits {
			var want []int
			for off := 0; ; {
				i := bytes.Index(b[off:], []byte(l))
				if i < 0 {
					break
				}
				want = append(want, off+i)
				off += i + 1
			}
			if got := h.Of(l); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("%q in %q: got %v, want %v", l, b, got, want)
			}
		}
	}
	if h.Of("absent") != nil {
		t.Error("a literal not in the set has hits")
	}
}

func FuzzFind(f *testing.F) {
	s := New("sk-", "model", "--model", "hf_", "{{")
	f.Add([]byte("sk-proj model --model hf_x {{"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var h Hits
		s.Find(b, &h)
		for _, l := range []string{"sk-", "model", "--model", "hf_", "{{"} {
			for _, at := range h.Of(l) {
				if !bytes.HasPrefix(b[at:], []byte(l)) {
					t.Fatalf("%q reported at %d", l, at)
				}
			}
			if got, want := len(h.Of(l)), overlapping(b, l); got != want {
				t.Fatalf("%q: %d hits, want %d", l, got, want)
			}
		}
	})
}

func overlapping(b []byte, l string) int {
	n := 0
	for i := range b {
		if bytes.HasPrefix(b[i:], []byte(l)) {
			n++
		}
	}
	return n
}

func BenchmarkFind(b *testing.B) {
	s := New("sk-", "sk-proj-", "AIza", "hf_", "model", "MODEL", "--model", "_KEY", "_key", "_TOKEN", "from_pretrained(", "hf://", "vllm serve", "ollama run")
	rng := rand.New(rand.NewPCG(3, 4))
	words := [][]byte{[]byte("def "), []byte("return "), []byte("model "), []byte("self.value "), []byte("token "), []byte("\n    ")}
	var buf []byte
	for len(buf) < 1<<20 {
		buf = append(buf, words[rng.IntN(len(words))]...)
	}
	var h Hits
	b.SetBytes(int64(len(buf)))
	for b.Loop() {
		s.Find(buf, &h)
	}
}

// A Hits used for two sets in turn keeps each set's buffers: after the
// first use of each, finding allocates nothing.
func TestHitsReusedAcrossSets(t *testing.T) {
	a, b := New("sk-", "model"), New("sk-", "image", "repository")
	buf := []byte("model = 'sk-x' image: repository: sk-y model")
	var h Hits
	a.Find(buf, &h)
	b.Find(buf, &h)
	if n := testing.AllocsPerRun(100, func() {
		a.Find(buf, &h)
		b.Find(buf, &h)
	}); n != 0 {
		t.Errorf("%v allocations per pair of finds, want 0", n)
	}
	if got := h.Of("repository"); len(got) != 1 {
		t.Errorf("repository at %v", got)
	}
}

func TestGroupAnyIn(t *testing.T) {
	s1 := New("model", "openai:", "hf://")
	s2 := New("zz", "hf://", "model")
	g := NewGroup("openai:", "hf://")
	var h Hits
	s1.Find([]byte("a model here"), &h)
	if h.AnyIn(g) {
		t.Error("no literal of the group is in the text")
	}
	s2.Find([]byte("x hf://a/b"), &h)
	if !h.AnyIn(g) {
		t.Error("hf:// is in the text (second set)")
	}
	s1.Find([]byte(`"openai:gpt-4o"`), &h)
	if !h.AnyIn(g) {
		t.Error("openai: is in the text (first set again)")
	}
}

// A package-level Group used with many sets keeps none of them alive: a
// long-running process builds new sets for every scan (serve grew by each
// scan's anchor tables when the groups cached their sets).
func TestGroupsDoNotKeepSets(t *testing.T) {
	g := NewGroup("ab")
	freed := make(chan struct{}, 64)
	for range 64 {
		s := New("ab", "cd")
		var h Hits
		s.Find([]byte("xxab"), &h)
		if !h.AnyIn(g) {
			t.Fatal("AnyIn missed a hit")
		}
		runtime.AddCleanup(s, func(ch chan struct{}) { ch <- struct{}{} }, freed)
	}
	n := 0
	for try := 0; try < 50 && n < 60; try++ {
		runtime.GC()
		for len(freed) > 0 {
			<-freed
			n++
		}
		time.Sleep(10 * time.Millisecond) // cleanups run on their own goroutine
	}
	runtime.KeepAlive(g) // as a package-level group stays
	if n < 60 {
		t.Errorf("%d of 64 sets freed after use with one group: the group keeps them", n)
	}
}
