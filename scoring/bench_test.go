package scoring

import (
	"fmt"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/testenv/benchtest"
	"github.com/aisight/aisight/model"
)

// syntheticInventory builds n assets across every kind the catalog judges,
// spread over 50 scopes, with a realistic mix of passing, failing and
// missing facts.
func syntheticInventory(n int) model.Inventory {
	t0 := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	inv := model.Inventory{Scan: model.Scan{Started: t0, Finished: t0}}
	for _, col := range []string{"aws", "kubernetes", "source", "openai"} {
		for s := range 50 {
			kind := map[string]string{"aws": "account_region", "kubernetes": "cluster", "source": "directory", "openai": "organization"}[col]
			sc := model.Scope{ID: fmt.Sprintf("%s:%d", col, s), Provider: col, Kind: kind}
			inv.Scan.CollectorRuns = append(inv.Scan.CollectorRuns, model.CollectorRun{Collector: col, Scope: sc, Status: model.StatusOK})
			inv.ScopeFacts = append(inv.ScopeFacts, model.ScopeFacts{Scope: sc, Facts: []model.Fact{
				model.Bool("logging.invocation_enabled", s%3 != 0, model.Observed, ""), model.Int("logging.retention_days", int64(s*10), model.Observed, ""),
				model.Bool("admission.requires_labels", s%2 == 0, model.Observed, "")}})
		}
	}
	kinds := []struct {
		kind  model.Kind
		dt    model.DeploymentType
		col   string
		facts func(i int) []model.Fact
	}{
		{model.KindInferenceWorkload, model.SelfHosted, "kubernetes", func(i int) []model.Fact {
			return []model.Fact{model.String("image.ref", "r/vllm:1", model.Declared, ""), model.Bool("image.pinned_digest", i%4 != 0, model.Observed, ""),
				model.Bool("image.registry_public", i%5 == 0, model.Observed, ""), model.Bool("identity.dedicated", i%3 != 0, model.Observed, ""),
				model.Bool("rbac.cluster_admin", false, model.Observed, ""), model.Bool("rbac.wildcard_verbs", i%7 == 0, model.Observed, ""),
				model.Bool("model.revision_pinned", i%2 == 0, model.Observed, ""), model.String("model.id", "org/m", model.Declared, "")}
		}},
		{model.KindAPIKey, model.APISaaS, "openai", func(i int) []model.Fact {
			return []model.Fact{model.Int("key.age_days", int64(i%200), model.Observed, ""), model.Int("key.last_used_days", int64(i%120), model.Observed, ""), model.Bool("key.short_lived", false, model.Inferred, "")}
		}},
		{model.KindSDKDependency, model.APISaaS, "source", func(i int) []model.Fact {
			return []model.Fact{model.Bool("dependency.locked", i%2 == 0, model.Observed, ""), model.Bool("dependency.pinned", i%3 == 0, model.Observed, "")}
		}},
		{model.KindEndpoint, model.PaaS, "aws", func(i int) []model.Fact {
			return []model.Fact{model.Bool("identity.dedicated", true, model.Observed, ""), model.Bool("guardrail.attached", i%2 == 0, model.Observed, "")}
		}},
		{model.KindModelFile, model.SelfHosted, "source", func(i int) []model.Fact {
			return []model.Fact{model.Bool("model.serialization_safe", i%6 != 0, model.Observed, ""), model.String("file.sha256", "sha256:x", model.Observed, "")}
		}},
		{model.KindIdentity, model.PaaS, "aws", func(i int) []model.Fact {
			return []model.Fact{model.Bool("iam.ai_wildcard_actions", i%9 == 0, model.Observed, "")}
		}},
	}
	for i := range n {
		k := kinds[i%len(kinds)]
		a := model.Asset{ID: fmt.Sprintf("asset-%07d", i), Kind: k.kind, DeploymentType: k.dt, Provider: k.col,
			Scope: fmt.Sprintf("%s:%d", k.col, i%50), Facts: k.facts(i)}
		if i%3 == 0 {
			a.Owner = "team-a"
			a.Tags = map[string]string{"environment": "prod", "data_classification": "internal"}
		}
		inv.Assets = append(inv.Assets, a)
	}
	return inv
}

// BenchmarkAssess scores 100,000 assets against the full catalog and reports
// the peak live heap during assessment (the inventory itself excluded).
func BenchmarkAssess(b *testing.B) {
	cat := catalog(b)
	inv := syntheticInventory(100_000)
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	baseline := sample[0].Value.Uint64()
	var peak atomic.Uint64
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
				s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
				metrics.Read(s)
				if v := s[0].Value.Uint64(); v > peak.Load() {
					peak.Store(v)
				}
			}
		}
	}()
	b.ResetTimer()
	var a model.Assessment
	start := time.Now()
	for range b.N {
		a = Assess(inv, cat, nil)
	}
	per := time.Since(start).Seconds() / float64(b.N)
	b.StopTimer()
	close(stop)
	if len(a.Categories) != 12 {
		b.Fatal("incomplete assessment")
	}
	benchtest.Metric(b, float64(len(inv.Assets)), "assets")
	benchtest.Metric(b, per, "s/assessment")
	benchtest.Metric(b, float64(peak.Load()-min(peak.Load(), baseline))/1e6, "peak-extra-heap-MB")
	benchtest.Metric(b, float64(baseline)/1e6, "inventory-heap-MB")
}
