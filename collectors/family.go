package collectors

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aisight/aisight/model"
)

// Family is one named resource family of a scope ("bedrock.guardrails",
// "sagemaker.endpoints"): what it lists, and how. Its Collect writes assets
// and facts into the scope's sink; its pure response-to-asset mapping lives
// beside it in the collector's package, with its own table test.
type Family struct {
	Name    string
	Collect func(ctx context.Context) error
}

// Families runs the resource families of one scope.
type Families struct {
	Sink Sink
	// Classify gives an error's class (the collector's classifier).
	Classify func(error) model.ErrorClass
	// NotOffered recognises a family the scope does not offer (a service
	// absent from a region): counted as operations_not_offered, not a problem.
	NotOffered func(error) bool
	// Retries is how many more times a family that failed transiently
	// (throttled, unavailable) is run (default 2; -1 for none), after
	// Backoff, doubled each time (default 1s). Families report assets by ID,
	// so a rerun replaces what the failed attempt reported.
	Retries int
	Backoff time.Duration
	// ClientRetries says the calls' client already retries throttled and
	// unavailable answers under its own budget (the AWS, GCP and Azure SDKs,
	// the SaaS client): a family that still failed is not run again, or
	// one throttled call would cost its budget times the family's.
	ClientRetries bool
}

// Run runs every family in order. A family that fails is a problem of the
// scope (the run is partial) and the other families still run; when no
// family succeeds, the scope fails with every family's error kept (Join).
// A cancelled context ends the run at once with the context's error.
func (r Families) Run(ctx context.Context, fams ...Family) error {
	return r.RunGroups(ctx, fams)
}

// RunGroups runs groups of families at once, the families of a group in
// order (a later one may use what an earlier one listed): a scope's calls
// to different services wait on different latencies and rate limits, so
// they overlap. Errors are kept and judged as Run does, over every family
// of every group.
func (r Families) RunGroups(ctx context.Context, groups ...[]Family) error {
	// Each family's error in its place, so the problems keep the families'
	// order whichever group finishes first.
	results := make([][]error, len(groups))
	var wg sync.WaitGroup
	for i, g := range groups {
		results[i] = make([]error, len(g))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j, f := range g {
				if results[i][j] = r.collect(ctx, f); ctx.Err() != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	var errs []error
	succeeded := 0
	for _, res := range results {
		for _, err := range res {
			switch {
			case err == nil:
				succeeded++
			case r.NotOffered != nil && r.NotOffered(err):
				r.Sink.Count("operations_not_offered", 1)
			default:
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 && succeeded == 0 {
		return Join(r.Classify, errs...)
	}
	for _, err := range errs {
		r.Sink.Problem(Classed(r.classify(err), err))
	}
	return nil
}

func (r Families) classify(err error) model.ErrorClass {
	return Classify(err, classifierFunc(r.Classify))
}

// collect runs one family, again after a transient failure.
func (r Families) collect(ctx context.Context, f Family) error {
	retries, backoff := r.Retries, r.Backoff
	if retries == 0 {
		retries = 2
	}
	if r.ClientRetries {
		retries = 0
	}
	if backoff <= 0 {
		backoff = time.Second
	}
	for attempt := 0; ; attempt++ {
		err := f.Collect(ctx)
		if err == nil || ctx.Err() != nil || attempt >= retries || !Retryable(r.classify(err)) ||
			(r.NotOffered != nil && r.NotOffered(err)) {
			return err
		}
		r.Sink.Count("family_retries", 1)
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return err
		}
		backoff *= 2
	}
}

// ItemFailed records that one item of a listing could not be read (a failed
// Get or Describe of one resource): the item is counted and named as a
// problem of the scope, and the caller goes on with the other items.
func ItemFailed(sink Sink, classify func(error) model.ErrorClass, err error) {
	sink.Count("items_failed", 1)
	sink.Problem(Classed(Classify(err, classifierFunc(classify)), err))
}

type classifierFunc func(error) model.ErrorClass

func (f classifierFunc) ClassifyError(err error) model.ErrorClass {
	if f == nil {
		return model.ErrNone
	}
	return f(err)
}

// Join keeps every distinct error of errs in one error whose message lists
// them all ("a; b; c") and whose class is DominantClass of theirs. A single
// error is returned classed; none gives nil.
func Join(classify func(error) model.ErrorClass, errs ...error) error {
	errs = slices.DeleteFunc(slices.Clone(errs), func(e error) bool { return e == nil })
	if len(errs) == 0 {
		return nil
	}
	var classes []model.ErrorClass
	var distinct []error
	seen := map[string]bool{}
	for _, e := range errs {
		classes = append(classes, Classify(e, classifierFunc(classify)))
		if !seen[e.Error()] {
			seen[e.Error()] = true
			distinct = append(distinct, e)
		}
	}
	class := DominantClass(classes)
	if len(distinct) == 1 {
		return Classed(class, distinct[0])
	}
	return &ClassError{Class: class, Err: joined(distinct)}
}

// DominantClass is the class a run with several errors reports: the class
// they share, else a transient one (throttled, unavailable: worth a retry),
// else the first.
func DominantClass(classes []model.ErrorClass) model.ErrorClass {
	if len(classes) == 0 {
		return model.ErrNone
	}
	for _, c := range []model.ErrorClass{model.ErrUnavailable, model.ErrThrottled} {
		if slices.Contains(classes, c) {
			return c
		}
	}
	return classes[0]
}

// joined is errors.Join with a one-line message.
type joined []error

func (j joined) Error() string {
	parts := make([]string, len(j))
	for i, e := range j {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

func (j joined) Unwrap() []error { return j }
