package collectors

import (
	"context"
	"fmt"
	"slices"
	"testing"

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
