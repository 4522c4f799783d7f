package collectors

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aisight/aisight/model"
)

func TestParseShard(t *testing.T) {
	for in, ok := range map[string]bool{"0/4": true, "3/4": true, "0/1": true, "4/4": false, "-1/4": false, "1/0": false, "a/4": false, "1": false, "": false} {
		if _, err := ParseShard(in); (err == nil) != ok {
			t.Errorf("ParseShard(%q): err %v", in, err)
		}
	}
}

// Every scope is in exactly one shard, whatever N.
func TestShardsPartitionScopes(t *testing.T) {
	var ids []string
	for i := range 1000 {
		ids = append(ids, fmt.Sprintf("aws:%012d:eu-west-%d", i, i%3))
	}
	for _, n := range []int{1, 2, 3, 4, 7} {
		count := make([]int, n)
		for _, id := range ids {
			owners := 0
			for i := range n {
				if (Shard{Index: i, Count: n}).Owns(id) {
					owners++
					count[i]++
				}
			}
			if owners != 1 {
				t.Fatalf("N=%d: %s owned by %d shards", n, id, owners)
			}
		}
		if n > 1 && slices.Min(count) < len(ids)/n/2 {
			t.Errorf("N=%d: unbalanced shards %v", n, count)
		}
	}
}

// The runner collects only the shard's scopes, reports a skipped
// collector once across shards, and marks the inventory with its shard.
func TestRunnerShard(t *testing.T) {
	scopes := []model.Scope{}
	for i := range 20 {
		scopes = append(scopes, model.Scope{ID: fmt.Sprintf("fake:%d", i), Provider: "fake"})
	}
	seen := map[string]int{}
	skipped := 0
	for i := range 3 {
		sh := Shard{Index: i, Count: 3}
		inv := NewRunner(Options{Shard: sh}).Run(context.Background(), []Plan{
			{Name: "fake", Collector: &fakeCollector{name: "fake", scopes: scopes, collect: func(context.Context, model.Scope, Sink, int) error { return nil }}},
			{Name: "off", Reason: "turned off"},
		})
		if inv.Scan.Shard != sh.String() {
			t.Errorf("shard %s: inventory says %q", sh, inv.Scan.Shard)
		}
		for _, r := range inv.Scan.CollectorRuns {
			if r.Status == model.StatusSkipped {
				skipped++
				continue
			}
			seen[r.Scope.ID]++
		}
	}
	if len(seen) != len(scopes) || skipped != 1 {
		t.Errorf("%d of %d scopes collected, skipped reported %d times", len(seen), len(scopes), skipped)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("%s collected by %d shards", id, n)
		}
	}
}

// wideCollector is a fakeCollector whose scopes may run 16 at once.
type wideCollector struct{ *fakeCollector }

func (wideCollector) ScopesAtOnce() int { return 16 }

// A collector runs its own number of scopes at once (ScopesAtOnce), 4
// when it has none, and --per-collector overrides both.
func TestScopesAtOnce(t *testing.T) {
	peak := func(c Collector, option int) int {
		var mu sync.Mutex
		running, most := 0, 0
		f := c.(interface{ base() *fakeCollector }).base()
		f.collect = func(context.Context, model.Scope, Sink, int) error {
			mu.Lock()
			running++
			most = max(most, running)
			mu.Unlock()
			time.Sleep(20 * time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			return nil
		}
		NewRunner(Options{PerCollector: option}).Run(context.Background(), []Plan{{Name: "fake", Collector: c}})
		return most
	}
	mk := func() *fakeCollector { return &fakeCollector{name: "fake", scopes: scopes("s", 40)} }
	for _, tc := range []struct {
		c      Collector
		option int
		want   int
	}{{narrow{mk()}, 0, 4}, {wideCollector{mk()}, 0, 16}, {wideCollector{mk()}, 2, 2}} {
		if got := peak(tc.c, tc.option); got != tc.want {
			t.Errorf("%T with --per-collector %d: %d scopes at once, want %d", tc.c, tc.option, got, tc.want)
		}
	}
}

// narrow is a fakeCollector with no ScopesAtOnce.
type narrow struct{ *fakeCollector }

func (n narrow) base() *fakeCollector        { return n.fakeCollector }
func (w wideCollector) base() *fakeCollector { return w.fakeCollector }
