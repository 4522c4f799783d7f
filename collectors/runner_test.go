package collectors

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aisight/aisight/model"
)

// fakeCollector is a test double of the Collector interface: each scope's
// behaviour is a function.
type fakeCollector struct {
	name      string
	scopes    []model.Scope
	scopesErr error
	collect   func(ctx context.Context, sc model.Scope, sink Sink, attempt int) error
	mu        sync.Mutex
	attempts  map[string]int
}

func (f *fakeCollector) Name() string { return f.name }
func (f *fakeCollector) Scopes(context.Context) ([]model.Scope, error) {
	return f.scopes, f.scopesErr
}
func (f *fakeCollector) Collect(ctx context.Context, sc model.Scope, sink Sink) error {
	f.mu.Lock()
	if f.attempts == nil {
		f.attempts = map[string]int{}
	}
	n := f.attempts[sc.ID]
	f.attempts[sc.ID]++
	f.mu.Unlock()
	return f.collect(ctx, sc, sink, n)
}

func scopes(prefix string, n int) []model.Scope {
	var out []model.Scope
	for i := range n {
		out = append(out, model.Scope{ID: fmt.Sprintf("%s-%d", prefix, i), Provider: prefix, Kind: "test"})
	}
	return out
}

func runOf(t *testing.T, inv model.Inventory, scope string) model.CollectorRun {
	t.Helper()
	for _, r := range inv.Scan.CollectorRuns {
		if r.Scope.ID == scope {
			return r
		}
	}
	t.Fatalf("no run for scope %q in %+v", scope, inv.Scan.CollectorRuns)
	return model.CollectorRun{}
}

func TestRunnerStatuses(t *testing.T) {
	c := &fakeCollector{name: "fake", scopes: scopes("s", 6), collect: func(ctx context.Context, sc model.Scope, sink Sink, attempt int) error {
		switch sc.ID {
		case "s-0": // ok with two assets and a scope fact
			sink.Asset(model.Asset{ID: "a1", Kind: model.KindModel})
			sink.Asset(model.Asset{ID: "a2", Kind: model.KindModel})
			sink.ScopeFact(model.Bool("logging.invocation_enabled", true, model.Observed, "test"))
			sink.Count("api_calls", 3)
		case "s-1": // denied outright
			return Classedf(model.ErrDenied, "AccessDenied")
		case "s-2": // partial: one problem, one asset
			sink.Asset(model.Asset{ID: "a3"})
			sink.Problem(Classedf(model.ErrNotEnabled, "service not offered in region"))
		case "s-3": // panics
			panic("boom")
		case "s-4": // throttled twice, then fine
			if attempt < 2 {
				sink.Asset(model.Asset{ID: "half-done"})
				return Classedf(model.ErrThrottled, "slow down")
			}
			sink.Asset(model.Asset{ID: "a4"})
		case "s-5": // unclassified error
			return errors.New("something odd")
		}
		return nil
	}}
	r := NewRunner(Options{RetryBackoff: time.Millisecond})
	inv := r.Run(context.Background(), []Plan{
		{Name: "fake", Collector: c, Reason: "test"},
		{Name: "aws", Reason: "no AWS credentials"},
	})

	tests := []struct {
		scope  string
		status model.Status
		class  model.ErrorClass
		assets int
	}{
		{"s-0", model.StatusOK, "", 2},
		{"s-1", model.StatusFailed, model.ErrDenied, 0},
		{"s-2", model.StatusPartial, model.ErrNotEnabled, 1},
		{"s-3", model.StatusFailed, model.ErrInternal, 0},
		{"s-4", model.StatusOK, "", 1},
		{"s-5", model.StatusFailed, model.ErrInternal, 0},
		{"aws", model.StatusSkipped, "", 0},
	}
	for _, tt := range tests {
		got := runOf(t, inv, tt.scope)
		if got.Status != tt.status || got.ErrorClass != tt.class || got.Assets != tt.assets {
			t.Errorf("scope %s: got status=%s class=%q assets=%d, want %s %q %d (err %q)", tt.scope, got.Status, got.ErrorClass, got.Assets, tt.status, tt.class, tt.assets, got.Error)
		}
	}
	if got := runOf(t, inv, "aws").Reason; got != "no AWS credentials" {
		t.Errorf("skipped reason = %q", got)
	}
	if got := runOf(t, inv, "s-0").APICalls; got != 3 {
		t.Errorf("api calls = %d, want 3", got)
	}
	if got := c.attempts["s-4"]; got != 3 {
		t.Errorf("throttled scope attempts = %d, want 3", got)
	}
	if got := c.attempts["s-1"]; got != 1 {
		t.Errorf("denied scope attempts = %d, want 1 (denied is not retried)", got)
	}
	var ids []string
	for _, a := range inv.Assets {
		ids = append(ids, a.ID)
	}
	if want := "[a1 a2 a3 a4]"; fmt.Sprint(ids) != want {
		t.Errorf("assets = %v, want %s (a retried attempt's assets are discarded)", ids, want)
	}
	if len(inv.ScopeFacts) != 1 || inv.ScopeFacts[0].Scope.ID != "s-0" {
		t.Errorf("scope facts = %+v", inv.ScopeFacts)
	}
}

func TestRunnerScopesError(t *testing.T) {
	c := &fakeCollector{name: "fake", scopesErr: Classedf(model.ErrInvalidConfig, "no such context")}
	inv := NewRunner(Options{}).Run(context.Background(), []Plan{{Name: "fake", Collector: c}})
	got := runOf(t, inv, "fake")
	if got.Status != model.StatusFailed || got.ErrorClass != model.ErrInvalidConfig {
		t.Errorf("got %+v", got)
	}
}

func TestRunnerLimits(t *testing.T) {
	var cur, peak atomic.Int64
	var peakPer sync.Map
	curPer := map[string]*atomic.Int64{"x": {}, "y": {}}
	mk := func(name string) *fakeCollector {
		return &fakeCollector{name: name, scopes: scopes(name, 20), collect: func(ctx context.Context, sc model.Scope, sink Sink, _ int) error {
			n := cur.Add(1)
			p := curPer[name].Add(1)
			for {
				old := peak.Load()
				if n <= old || peak.CompareAndSwap(old, n) {
					break
				}
			}
			if v, ok := peakPer.Load(name); !ok || p > v.(int64) {
				peakPer.Store(name, p)
			}
			time.Sleep(2 * time.Millisecond)
			curPer[name].Add(-1)
			cur.Add(-1)
			return nil
		}}
	}
	inv := NewRunner(Options{Concurrency: 3, PerCollector: 2}).Run(context.Background(), []Plan{
		{Name: "x", Collector: mk("x")}, {Name: "y", Collector: mk("y")},
	})
	if len(inv.Scan.CollectorRuns) != 40 {
		t.Fatalf("runs = %d, want 40", len(inv.Scan.CollectorRuns))
	}
	if p := peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak global concurrency = %d, want 2..3", p)
	}
	peakPer.Range(func(k, v any) bool {
		if v.(int64) > 2 {
			t.Errorf("collector %v peak concurrency = %d, want <= 2", k, v)
		}
		return true
	})
}

func TestRunnerTimeoutAndAbandon(t *testing.T) {
	c := &fakeCollector{name: "slow", scopes: scopes("t", 2), collect: func(ctx context.Context, sc model.Scope, sink Sink, _ int) error {
		if sc.ID == "t-0" { // honours the context
			<-ctx.Done()
			return ctx.Err()
		}
		time.Sleep(300 * time.Millisecond) // ignores it
		sink.Asset(model.Asset{ID: "late"})
		return nil
	}}
	var mu sync.Mutex
	var counted int64
	inv := NewRunner(Options{ScopeTimeout: 20 * time.Millisecond, AbandonGrace: 30 * time.Millisecond, Retries: -1,
		Progress: func(p Progress) { mu.Lock(); counted = max(counted, p.Assets); mu.Unlock() }}).
		Run(context.Background(), []Plan{{Name: "slow", Collector: c}})
	if got := runOf(t, inv, "t-0"); got.Status != model.StatusFailed || got.ErrorClass != model.ErrUnavailable {
		t.Errorf("timed-out scope: %+v", got)
	}
	if got := runOf(t, inv, "t-1"); got.Status != model.StatusFailed || got.ErrorClass != model.ErrInternal {
		t.Errorf("abandoned scope: %+v", got)
	}
	// The abandoned collector writes after the runner gave up on it: the
	// closed sink refuses the write, so nothing counts it, not even progress.
	time.Sleep(350 * time.Millisecond)
	mu.Lock()
	defer mu.Unlock()
	if len(inv.Assets) != 0 || counted != 0 {
		t.Errorf("an abandoned scope's late write was taken: %d assets, progress counted %d", len(inv.Assets), counted)
	}
}

// A collector whose scope enumeration never answers (and ignores its
// context) is given up on after the scope timeout: the scan goes on.
func TestRunnerBoundsScopeEnumeration(t *testing.T) {
	hang := make(chan struct{})
	defer close(hang)
	c := &hangingScopes{hang: hang}
	start := time.Now()
	inv := NewRunner(Options{ScopeTimeout: 50 * time.Millisecond, CancelGrace: 20 * time.Millisecond}).Run(context.Background(), []Plan{{Name: "hang", Collector: c}})
	r := runOf(t, inv, "hang")
	if r.Status != model.StatusFailed || r.ErrorClass != model.ErrUnavailable || time.Since(start) > 5*time.Second {
		t.Errorf("run %+v after %s", r, time.Since(start))
	}
}

type hangingScopes struct{ hang chan struct{} }

func (h *hangingScopes) Name() string { return "hang" }
func (h *hangingScopes) Scopes(context.Context) ([]model.Scope, error) {
	<-h.hang // ignores its context
	return nil, nil
}
func (h *hangingScopes) Collect(context.Context, model.Scope, Sink) error { return nil }

// A cancelled scan records the scopes it never started, and stops within
// the cancel grace even when a collector ignores its context.
func TestRunnerCancelRecordsUnstartedScopes(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &fakeCollector{name: "c", scopes: scopes("c", 10), collect: func(_ context.Context, sc model.Scope, sink Sink, _ int) error {
		cancel()
		time.Sleep(time.Hour) // ignores cancellation
		return nil
	}}
	start := time.Now()
	inv := NewRunner(Options{Concurrency: 1, PerCollector: 1, CancelGrace: 50 * time.Millisecond}).Run(ctx, []Plan{{Name: "c", Collector: c}})
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancelled scan took %s", d)
	}
	notStarted := 0
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status != model.StatusFailed || r.ErrorClass != model.ErrUnavailable {
			t.Errorf("%s: %s/%s", r.Scope.ID, r.Status, r.ErrorClass)
		}
		if strings.Contains(r.Error, "not started") {
			notStarted++
		}
	}
	if len(inv.Scan.CollectorRuns) != 10 || notStarted != 9 {
		t.Errorf("%d runs, %d not started; want 10 and 9", len(inv.Scan.CollectorRuns), notStarted)
	}
}

func TestRunnerProgress(t *testing.T) {
	c := &fakeCollector{name: "p", scopes: scopes("p", 4), collect: func(ctx context.Context, sc model.Scope, sink Sink, _ int) error {
		sink.Asset(model.Asset{ID: sc.ID + "/a"})
		MeterRequest(ctx) // a client deep in the collector counts a request
		MeterRequest(ctx)
		if m, ok := sink.(Meter); ok {
			m.Meter("files", 10)
			m.Meter("bytes", 1000)
		}
		return nil
	}}
	var mu sync.Mutex
	var last Progress
	NewRunner(Options{Progress: func(p Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.ScopesDone >= last.ScopesDone {
			last = p
		}
	}}).Run(context.Background(), []Plan{{Name: "p", Collector: c}})
	if last.ScopesDone != 4 || last.ScopesTotal != 4 || last.Assets != 4 || last.Requests != 8 || last.Files != 40 || last.Bytes != 4000 {
		t.Errorf("final progress = %+v, want 4/4 scopes, 4 assets, 8 requests, 40 files and 4000 bytes", last)
	}
}

// A scope the collector knows holds nothing (its service is not enabled)
// is skipped with its class, once, and is neither failed nor partial; an
// asset reported before the skip makes it partial, since the scope did
// hold something.
func TestSkippedScope(t *testing.T) {
	c := &fakeCollector{name: "x", scopes: scopes("x", 3), collect: func(_ context.Context, sc model.Scope, sink Sink, _ int) error {
		switch sc.ID {
		case "x-0":
			return SkipScope(model.ErrNotEnabled, errors.New("Vertex AI API has not been used in project p before or it is disabled"))
		case "x-1":
			sink.Asset(model.Asset{ID: "a", Kind: model.KindModel})
			return SkipScope(model.ErrNotEnabled, errors.New("disabled half way"))
		}
		return nil
	}}
	inv := NewRunner(Options{Retries: 2, RetryBackoff: time.Millisecond}).Run(context.Background(), []Plan{{Name: "x", Collector: c}})
	if r := runOf(t, inv, "x-0"); r.Status != model.StatusSkipped || r.ErrorClass != model.ErrNotEnabled || !strings.Contains(r.Error, "disabled") {
		t.Errorf("x-0: %+v", r)
	}
	if r := runOf(t, inv, "x-1"); r.Status != model.StatusPartial || r.ErrorClass != model.ErrNotEnabled {
		t.Errorf("x-1: %+v", r)
	}
	if r := runOf(t, inv, "x-2"); r.Status != model.StatusOK {
		t.Errorf("x-2: %+v", r)
	}
	if n := c.attempts["x-0"]; n != 1 {
		t.Errorf("a skipped scope was tried %d times", n)
	}
}

// retryingCollector's client retries its own calls (a cloud SDK).
type retryingCollector struct{ *fakeCollector }

func (retryingCollector) RetriesCalls() bool { return true }

// A scope of a collector whose calls are retried by its client is not run
// again after a transient failure; one whose calls are not is, within
// Retries.
func TestRunnerRetryBudget(t *testing.T) {
	throttled := func(context.Context, model.Scope, Sink, int) error {
		return Classedf(model.ErrThrottled, "slow down")
	}
	plain := &fakeCollector{name: "plain", scopes: scopes("plain", 1), collect: throttled}
	sdk := &fakeCollector{name: "sdk", scopes: scopes("sdk", 1), collect: throttled}
	r := NewRunner(Options{Concurrency: 2, RetryBackoff: time.Millisecond})
	inv := r.Run(context.Background(), []Plan{{Name: "plain", Collector: plain}, {Name: "sdk", Collector: retryingCollector{sdk}}})
	if plain.attempts["plain-0"] != 3 || sdk.attempts["sdk-0"] != 1 {
		t.Errorf("attempts: plain %d (want 3), sdk %d (want 1)", plain.attempts["plain-0"], sdk.attempts["sdk-0"])
	}
	if run := runOf(t, inv, "sdk-0"); run.Status != model.StatusFailed || run.ErrorClass != model.ErrThrottled {
		t.Errorf("sdk run: %s/%s", run.Status, run.ErrorClass)
	}
}
