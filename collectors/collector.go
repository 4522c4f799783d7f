// Package collectors owns the Collector contract and the Runner that fans
// collection out over scopes: a global and a per-collector concurrency limit,
// a per-scope timeout, retries of transient failures, panic recovery, error
// classification and progress events. Each subpackage (source, aws, kube, ...)
// implements one Collector; shared detection data lives in internal/detect/fingerprint.
//
// Collectors never import scoring or outputs: they report assets and facts into
// a Sink, and the Runner assembles the model.Inventory.
//
// Files: collector.go (Collector, Sink, Plan), options.go (Spec: a
// collector's options and enablement as the CLI sees them; Env), family.go
// (named resource families, every error kept), errors.go (error classes),
// runner.go.
package collectors

import (
	"context"

	"github.com/aisight/aisight/model"
)

// Collector inventories one kind of source (a cloud, Kubernetes, a file tree).
type Collector interface {
	// Name is the collector's stable name ("source", "aws", "kubernetes", ...).
	Name() string
	// Scopes enumerates what the collector will scan.
	Scopes(ctx context.Context) ([]model.Scope, error)
	// Collect streams the assets and facts of one scope into sink. An error
	// means the scope failed; problems that leave the scope partly collected
	// are reported with sink.Problem and the run is then partial.
	Collect(ctx context.Context, scope model.Scope, sink Sink) error
}

// ErrorClassifier is implemented by collectors whose SDK errors the runner
// cannot classify on its own (smithy API errors, gRPC status, ...).
type ErrorClassifier interface {
	ClassifyError(err error) model.ErrorClass
}

// Sink receives what a collector finds in one scope. It is safe for
// concurrent use by the goroutines of one Collect call.
type Sink interface {
	// Asset records an asset. An asset with an ID already seen in this scope
	// replaces the earlier one.
	Asset(a model.Asset)
	// ScopeFact records a fact about the scope itself.
	ScopeFact(f model.Fact)
	// Problem records a non-fatal failure (one region or resource type denied):
	// the run becomes partial with the problem's class.
	Problem(err error)
	// Count adds n to a named counter of the run ("api_calls", "files_scanned", ...).
	Count(name string, n int64)
	// Note records something a person may act on that does not make the
	// run partial (a file that could not be parsed, named with its error).
	Note(err error)
}

// Meter is implemented by the runner's sinks: a collector that reads much
// before it reports (the source collector over a large tree) tells it how
// far it got, for the progress line. Units are "files" and "bytes" (the
// source collector) and "requests" (calls to a cloud or SaaS API); n is
// added to the scan's running total.
type Meter interface {
	Meter(unit string, n int64)
}

// The units a Meter counts.
const (
	MeterFiles    = "files"
	MeterBytes    = "bytes"
	MeterRequests = "requests"
)

type meterKey struct{}

// WithMeter is ctx carrying m: the runner gives each scope's Collect a
// context with its sink's Meter, so a client deep in a collector (an SDK
// middleware, a gRPC interceptor, a transport) can count its requests.
func WithMeter(ctx context.Context, m Meter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

// MeterRequest counts one request to a service against the scope whose
// context ctx is (nothing when ctx carries no Meter).
func MeterRequest(ctx context.Context) {
	if m, ok := ctx.Value(meterKey{}).(Meter); ok && m != nil {
		m.Meter(MeterRequests, 1)
	}
}

// Plan is one collector the CLI decided about: either it runs, or it is
// skipped with a reason a user can act on.
type Plan struct {
	Name      string
	Collector Collector // nil when skipped
	// Reason says why the collector runs ("enabled by --aws") or why it is
	// skipped ("no AWS credentials in the environment; enable with --aws").
	Reason string
}
