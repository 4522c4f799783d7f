package collectors

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aisight/aisight/model"
)

// Options bound and shape a Runner. Zero values take the defaults noted.
type Options struct {
	// Concurrency is the global limit of scopes collected at once (default
	// 1024: two cloud collectors' CloudScopesAtOnce).
	Concurrency int
	// PerCollector is the limit of scopes of one collector at once; 0 (the
	// default) is the collector's own (ScopesAtOnce), else 4.
	PerCollector int
	// ScopeTimeout bounds one attempt at one scope (default 10 minutes).
	ScopeTimeout time.Duration
	// Retries is how many more attempts a throttled or unavailable scope gets (default 2; -1 for none).
	Retries int
	// RetryBackoff is the first wait between attempts, doubled each time (default 1s).
	RetryBackoff time.Duration
	// AbandonGrace is how long the runner waits for a collector that ignores a
	// cancelled context before it gives up on the scope (default 10s).
	AbandonGrace time.Duration
	// CancelGrace is the same wait when the whole scan is cancelled (SIGTERM),
	// short so the scan can stop promptly with what finished (default 1s).
	CancelGrace time.Duration
	// Logger receives structured logs (default: discard).
	Logger *slog.Logger
	// Progress, if set, is called on every scope start and finish and every
	// asset found. It must be quick and safe for concurrent use.
	Progress func(Progress)
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Shard, when Count > 1, collects only the scopes this shard owns
	// (Shard.Owns); a failure to enumerate a collector's scopes is reported
	// by the shard that owns the collector's name.
	Shard Shard
}

// Progress is a snapshot of a running scan.
type Progress struct {
	ScopesTotal int
	ScopesDone  int
	Assets      int64
	// Files and Bytes are what collectors have read so far (Meter): the
	// source collector's files; Requests the calls made to cloud, cluster
	// and SaaS APIs.
	Files, Bytes, Requests int64
	// Collector and Scope name the scope whose state changed, if any.
	Collector string
	Scope     string
}

// ScopesAtOnce is implemented by a collector whose scopes are independent
// remote units (cloud accounts and regions, projects, subscriptions), each
// latency-bound and rate-limited on its own, so that many can run at once.
type ScopesAtOnce interface {
	ScopesAtOnce() int
}

// CloudScopesAtOnce is what the AWS, GCP and Azure collectors return from
// ScopesAtOnce. A cloud scope is a chain of calls that wait on latency and
// on its own account's (region's, service's) rate limit, which its
// collector paces, so running many at once costs goroutines and
// connections, not quota: at 20 AWS accounts x 17 regions (361 scopes) all
// at once is 1.2-1.4x the rate-limit lower bound, 16 at once 11x
// (docs/benchmarks.md).
const CloudScopesAtOnce = 512

// scopesAtOnce is how many scopes of c run at once: the option when set,
// else the collector's own, else 4 (file trees: each scope is heavy on its
// own).
func scopesAtOnce(c Collector, option int) int {
	if option > 0 {
		return option
	}
	if s, ok := c.(ScopesAtOnce); ok && s.ScopesAtOnce() > 0 {
		return s.ScopesAtOnce()
	}
	return 4
}

// Runner collects from many collectors and scopes into one Inventory.
type Runner struct {
	opts Options
	log  *slog.Logger
}

// NewRunner returns a Runner with defaults filled in.
func NewRunner(o Options) *Runner {
	if o.Concurrency <= 0 {
		o.Concurrency = 1024
	}
	if o.ScopeTimeout <= 0 {
		o.ScopeTimeout = 10 * time.Minute
	}
	if o.Retries == 0 {
		o.Retries = 2
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.RetryBackoff <= 0 {
		o.RetryBackoff = time.Second
	}
	if o.AbandonGrace <= 0 {
		o.AbandonGrace = 10 * time.Second
	}
	if o.CancelGrace <= 0 {
		o.CancelGrace = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Runner{opts: o, log: log}
}

// scan is the mutable state of one Run.
type scan struct {
	r       *Runner
	global  chan struct{}
	mu      sync.Mutex
	inv     model.Inventory
	seen    map[string]bool
	total   atomic.Int64
	done    atomic.Int64
	assets  atomic.Int64
	files   atomic.Int64
	bytes   atomic.Int64
	reqs    atomic.Int64
	scopeWG sync.WaitGroup
}

// Run executes the plans and returns the inventory. It never fails as a
// whole: every problem is a CollectorRun with a status and class.
func (r *Runner) Run(ctx context.Context, plans []Plan) model.Inventory {
	s := &scan{r: r, global: make(chan struct{}, r.opts.Concurrency), seen: map[string]bool{}}
	s.inv.Scan.Started = r.opts.Now().UTC()
	var wg sync.WaitGroup
	s.inv.Scan.Shard = r.opts.Shard.String()
	for _, p := range plans {
		if p.Collector == nil {
			if !r.opts.Shard.Owns(p.Name) {
				continue // the shard that owns the collector's name says it was skipped
			}
			s.record(model.CollectorRun{
				Collector: p.Name,
				Scope:     model.Scope{ID: p.Name, Provider: p.Name, Kind: "collector"},
				Status:    model.StatusSkipped,
				Reason:    p.Reason,
				Started:   s.inv.Scan.Started,
			}, nil, nil)
			r.log.Info("collector skipped", "collector", p.Name, "reason", p.Reason)
			continue
		}
		wg.Add(1)
		go func(p Plan) {
			defer wg.Done()
			s.runCollector(ctx, p)
		}(p)
	}
	wg.Wait()
	s.scopeWG.Wait()
	s.inv.Scan.Finished = r.opts.Now().UTC()
	s.inv.Normalize()
	return s.inv
}

func (s *scan) runCollector(ctx context.Context, p Plan) {
	log := s.r.log.With("collector", p.Name)
	log.Info("collector enabled", "reason", p.Reason)
	started := s.r.opts.Now()
	// Enumerating scopes is bounded like collecting one: a peer that never
	// answers cannot hang the scan.
	var scopes []model.Scope
	sctx, cancel := context.WithTimeout(ctx, s.r.opts.ScopeTimeout)
	done := make(chan error, 1)
	go func() {
		done <- s.guard(func() error {
			var err error
			scopes, err = p.Collector.Scopes(sctx)
			return err
		})
	}()
	var err error
	select {
	case err = <-done:
		if err != nil && sctx.Err() != nil && ctx.Err() == nil {
			err = Classed(model.ErrUnavailable, fmt.Errorf("timed out after %s: %w", s.r.opts.ScopeTimeout, err))
		}
	case <-sctx.Done():
		select {
		case err = <-done:
		case <-time.After(s.r.opts.CancelGrace):
			err = Classed(model.ErrUnavailable, fmt.Errorf("enumerating scopes did not finish within %s; abandoned", s.r.opts.ScopeTimeout))
		}
		if err == nil { // finished in the grace period
			break
		}
	}
	cancel()
	if err != nil {
		if !s.r.opts.Shard.Owns(p.Name) {
			log.Info("cannot enumerate scopes; another shard reports it", "err", err)
			return
		}
		class := Classify(err, classifierOf(p.Collector))
		log.Warn("cannot enumerate scopes", "class", class, "err", err)
		s.record(model.CollectorRun{
			Collector: p.Name, Scope: model.Scope{ID: p.Name, Provider: p.Name, Kind: "collector"},
			Status: model.StatusFailed, ErrorClass: class, Error: fmt.Sprintf("enumerate scopes: %v", err),
			Started: started.UTC(), Duration: model.Duration(s.r.opts.Now().Sub(started)),
		}, nil, nil)
		return
	}
	scopes = s.r.opts.Shard.filter(scopes)
	s.total.Add(int64(len(scopes)))
	s.progress(p.Name, "")
	per := make(chan struct{}, scopesAtOnce(p.Collector, s.r.opts.PerCollector))
	for i, sc := range scopes {
		if !s.acquire(ctx, per) {
			for _, left := range scopes[i:] {
				s.record(model.CollectorRun{Collector: p.Name, Scope: left, Status: model.StatusFailed, ErrorClass: model.ErrUnavailable,
					Error: "not started: the scan was cancelled", Started: s.r.opts.Now().UTC()}, nil, nil)
				s.done.Add(1)
			}
			return
		}
		s.scopeWG.Add(1)
		go func(sc model.Scope) {
			defer s.scopeWG.Done()
			defer func() { <-s.global; <-per }()
			s.runScope(ctx, p, sc)
		}(sc)
	}
}

// acquire takes a slot of the collector's limit and of the global one, or
// gives up (false, holding neither) when ctx ends first.
func (s *scan) acquire(ctx context.Context, per chan struct{}) bool {
	select {
	case per <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	select {
	case s.global <- struct{}{}:
		return true
	case <-ctx.Done():
		<-per
		return false
	}
}

// runScope collects one scope with retries and records its run.
func (s *scan) runScope(ctx context.Context, p Plan, sc model.Scope) {
	log := s.r.log.With("collector", p.Name, "scope", sc.ID)
	started := s.r.opts.Now()
	var (
		sink    *scopeSink
		err     error
		class   model.ErrorClass
		backoff = s.r.opts.RetryBackoff
	)
	for attempt := 0; ; attempt++ {
		sink = newScopeSink(func() { s.assets.Add(1); s.progress(p.Name, sc.ID) })
		sink.meter = func(unit string, n int64) {
			switch unit {
			case MeterFiles:
				s.files.Add(n)
			case MeterBytes:
				s.bytes.Add(n)
			case MeterRequests:
				s.reqs.Add(n)
			}
			s.progress(p.Name, sc.ID)
		}
		err = s.attempt(ctx, p.Collector, sc, sink)
		class = Classify(err, classifierOf(p.Collector))
		if err == nil || !Retryable(class) || attempt >= s.r.opts.Retries || ctx.Err() != nil || retriesCalls(p.Collector) {
			break
		}
		log.Info("retrying scope", "attempt", attempt+1, "class", class, "err", err)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
		}
		backoff *= 2
	}
	run := model.CollectorRun{Collector: p.Name, Scope: sc, Started: started.UTC(), Duration: model.Duration(s.r.opts.Now().Sub(started))}
	assets, facts, problems, stats := sink.drain()
	var skip *skipError
	switch {
	case errors.As(err, &skip) && len(assets) == 0:
		run.Status, run.ErrorClass, run.Error = model.StatusSkipped, class, err.Error()
	case err != nil && len(assets) > 0:
		run.Status, run.ErrorClass, run.Error = model.StatusPartial, class, err.Error()
	case err != nil:
		run.Status, run.ErrorClass, run.Error = model.StatusFailed, class, err.Error()
	case len(problems) > 0:
		run.Status = model.StatusPartial
		classes := make([]model.ErrorClass, len(problems))
		for i, pr := range problems {
			classes[i] = Classify(pr, classifierOf(p.Collector))
		}
		run.ErrorClass = DominantClass(classes)
		run.Error = summarize(problems)
	default:
		run.Status = model.StatusOK
	}
	if msgs := distinctMessages(append([]error{err}, problems...)); len(msgs) > 1 {
		run.Problems = msgs // more than the run's error says
	}
	run.Notes = distinctMessages(sink.drainedNotes)
	for _, n := range run.Notes {
		log.Info("note", "msg", n)
	}
	switch {
	case run.Status == model.StatusSkipped:
		log.Info("scope skipped", "class", class, "reason", err)
	case err != nil:
		log.Warn("scope failed", "class", class, "err", err)
	case len(problems) > 0:
		log.Warn("scope partly collected", "class", run.ErrorClass, "problems", len(problems), "err", run.Error)
	}
	run.APICalls = stats["api_calls"]
	delete(stats, "api_calls")
	if len(stats) > 0 {
		run.Stats = stats
	}
	run.Assets = len(assets)
	s.record(run, assets, facts)
	s.done.Add(1)
	s.progress(p.Name, sc.ID)
	log.Debug("scope done", "status", run.Status, "assets", run.Assets, "duration", time.Duration(run.Duration))
}

// attempt runs Collect once under the scope timeout, recovering panics and
// giving up on a collector that ignores cancellation.
func (s *scan) attempt(ctx context.Context, c Collector, sc model.Scope, sink *scopeSink) error {
	actx, cancel := context.WithTimeout(ctx, s.r.opts.ScopeTimeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.guard(func() error { return c.Collect(WithMeter(actx, sink), sc, sink) }) }()
	select {
	case err := <-done:
		if err != nil && errors.Is(actx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return Classed(model.ErrUnavailable, fmt.Errorf("timed out after %s: %w", s.r.opts.ScopeTimeout, err))
		}
		return err
	case <-actx.Done():
	}
	grace := s.r.opts.AbandonGrace
	if ctx.Err() != nil {
		grace = s.r.opts.CancelGrace
	}
	select {
	case err := <-done:
		if ctx.Err() != nil {
			return Classed(model.ErrUnavailable, fmt.Errorf("cancelled: the scan was interrupted (%v)", err))
		}
		if err == nil {
			err = actx.Err()
		}
		return Classed(model.ErrUnavailable, fmt.Errorf("timed out after %s: %w", s.r.opts.ScopeTimeout, err))
	case <-time.After(grace):
		sink.close()
		if ctx.Err() != nil {
			return Classed(model.ErrUnavailable, fmt.Errorf("cancelled: the scan was interrupted and the collector did not stop within %s; scope abandoned", grace))
		}
		return Classed(model.ErrInternal, fmt.Errorf("collector did not stop within %s of its %s timeout; scope abandoned", grace, s.r.opts.ScopeTimeout))
	}
}

// guard turns a panic into an internal error carrying the stack in the log.
func (s *scan) guard(f func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			s.r.log.Error("collector panicked", "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			err = Classedf(model.ErrInternal, "collector panicked: %v", v)
		}
	}()
	return f()
}

func (s *scan) record(run model.CollectorRun, assets []model.Asset, facts []model.Fact) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inv.Scan.CollectorRuns = append(s.inv.Scan.CollectorRuns, run)
	for _, a := range assets {
		if s.seen[a.ID] {
			s.r.log.Warn("duplicate asset id across scopes; keeping the first", "id", a.ID, "scope", run.Scope.ID)
			continue
		}
		s.seen[a.ID] = true
		s.inv.Assets = append(s.inv.Assets, a)
	}
	if len(facts) > 0 {
		s.inv.ScopeFacts = append(s.inv.ScopeFacts, model.ScopeFacts{Scope: run.Scope, Facts: facts})
	}
}

func (s *scan) progress(collector, scope string) {
	if s.r.opts.Progress == nil {
		return
	}
	s.r.opts.Progress(Progress{
		ScopesTotal: int(s.total.Load()), ScopesDone: int(s.done.Load()), Assets: s.assets.Load(),
		Files: s.files.Load(), Bytes: s.bytes.Load(), Requests: s.reqs.Load(),
		Collector: collector, Scope: scope,
	})
}

func classifierOf(c Collector) ErrorClassifier {
	ec, _ := c.(ErrorClassifier)
	return ec
}

// maxProblems bounds the problems one run lists; the rest are counted.
const maxProblems = 100

// distinctMessages lists every distinct message of errs (nil ones
// skipped, joined errors split into their parts), in order, at most
// maxProblems and then a count of the rest.
func distinctMessages(errs []error) []string {
	var out []string
	seen := map[string]bool{}
	more := 0
	var add func(e error)
	add = func(e error) {
		if e == nil {
			return
		}
		if ce, ok := e.(*ClassError); ok {
			e = ce.Err
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				add(x)
			}
			return
		}
		m := e.Error()
		if seen[m] {
			return
		}
		seen[m] = true
		if len(out) == maxProblems {
			more++
			return
		}
		out = append(out, m)
	}
	for _, e := range errs {
		add(e)
	}
	if more > 0 {
		out = append(out, fmt.Sprintf("and %d more", more))
	}
	return out
}

func summarize(problems []error) string {
	const show = 3
	var parts []string
	for i, p := range problems {
		if i == show {
			parts = append(parts, fmt.Sprintf("and %d more", len(problems)-show))
			break
		}
		parts = append(parts, p.Error())
	}
	return strings.Join(parts, "; ")
}

// scopeSink buffers one attempt at one scope, so that a retried attempt
// starts clean and an abandoned one cannot write after the fact.
type scopeSink struct {
	mu       sync.Mutex
	closed   bool
	order    []string
	assets   map[string]model.Asset
	facts    map[string]model.Fact
	problems []error
	notes    []error
	stats    map[string]int64
	// drainedNotes are the notes at drain time (drain's other results are returned).
	drainedNotes []error
	onAsset      func()
	meter        func(unit string, n int64)
}

// Meter implements Meter.
func (k *scopeSink) Meter(unit string, n int64) {
	if k.meter != nil {
		k.meter(unit, n)
	}
}

func newScopeSink(onAsset func()) *scopeSink {
	return &scopeSink{assets: map[string]model.Asset{}, facts: map[string]model.Fact{}, stats: map[string]int64{}, onAsset: onAsset}
}

func (k *scopeSink) Asset(a model.Asset) {
	k.mu.Lock()
	if k.closed {
		k.mu.Unlock()
		return
	}
	_, dup := k.assets[a.ID]
	if !dup {
		k.order = append(k.order, a.ID)
	}
	k.assets[a.ID] = a
	k.mu.Unlock()
	if !dup {
		k.onAsset()
	}
}

func (k *scopeSink) ScopeFact(f model.Fact) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.closed {
		k.facts[f.Key] = f
	}
}

func (k *scopeSink) Problem(err error) {
	if err == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.closed {
		k.problems = append(k.problems, err)
	}
}

func (k *scopeSink) Note(err error) {
	if err == nil {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.closed {
		k.notes = append(k.notes, err)
	}
}

func (k *scopeSink) Count(name string, n int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.closed {
		k.stats[name] += n
	}
}

func (k *scopeSink) close() {
	k.mu.Lock()
	k.closed = true
	k.mu.Unlock()
}

func (k *scopeSink) drain() ([]model.Asset, []model.Fact, []error, map[string]int64) {
	k.drainedNotes = k.notes
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed = true
	assets := make([]model.Asset, 0, len(k.order))
	for _, id := range k.order {
		assets = append(assets, k.assets[id])
	}
	facts := make([]model.Fact, 0, len(k.facts))
	for _, f := range k.facts {
		facts = append(facts, f)
	}
	sort.Slice(facts, func(i, j int) bool { return facts[i].Key < facts[j].Key })
	stats := make(map[string]int64, len(k.stats))
	for n, v := range k.stats {
		stats[n] = v
	}
	return assets, facts, k.problems, stats
}

// CallRetrier is implemented by collectors whose clients retry every call
// that is throttled or unavailable under their own budget (the cloud SDKs,
// the SaaS client). Their scopes are not run again: a scope that failed
// after its calls were retried would only spend the same budget again.
type CallRetrier interface {
	RetriesCalls() bool
}

func retriesCalls(c Collector) bool {
	r, ok := c.(CallRetrier)
	return ok && r.RetriesCalls()
}
