package model

import (
	"sort"
	"time"
)

// SchemaVersion is the version of the JSON output contract. It changes major on
// any incompatible change; additive fields bump the minor part.
const SchemaVersion = "1.3"

// Scope is one unit of collection: an account×region, a project×location, a
// subscription, a cluster, an organisation, or a directory tree.
type Scope struct {
	// ID is unique within a scan, e.g. "aws:123456789012:eu-west-1" or "source:./repo".
	ID       string `json:"id"`
	Provider string `json:"provider"`
	// Kind is what the scope is: account_region, account, project_location,
	// subscription, cluster, organization, directory.
	Kind    string `json:"kind"`
	Account string `json:"account,omitempty"`
	Region  string `json:"region,omitempty"`
	Name    string `json:"name,omitempty"`
}

// Status of one collector run over one scope.
type Status string

// Run statuses.
const (
	StatusOK      Status = "ok"
	StatusPartial Status = "partial"
	StatusFailed  Status = "failed"
	StatusSkipped Status = "skipped"
)

// Statuses lists every run status, in the order reports and metrics show them.
var Statuses = []Status{StatusOK, StatusPartial, StatusFailed, StatusSkipped}

// ErrorClass classifies why a run was partial, failed or skipped.
type ErrorClass string

// Error classes. The set is closed: anything unrecognised is internal.
const (
	ErrNone          ErrorClass = ""
	ErrDenied        ErrorClass = "denied"
	ErrNotEnabled    ErrorClass = "not_enabled"
	ErrThrottled     ErrorClass = "throttled"
	ErrUnavailable   ErrorClass = "unavailable"
	ErrInvalidConfig ErrorClass = "invalid_config"
	ErrInternal      ErrorClass = "internal"
	// ErrUnparsed: input that was read but could not be understood (a
	// file that did not parse, binary data under a text name): the run
	// is partial and names it.
	ErrUnparsed ErrorClass = "unparsed"
)

// ErrorClasses lists every non-empty error class.
var ErrorClasses = []ErrorClass{ErrDenied, ErrNotEnabled, ErrThrottled, ErrUnavailable, ErrInvalidConfig, ErrInternal, ErrUnparsed}

// CollectorRun records what one collector did for one scope.
type CollectorRun struct {
	Collector  string     `json:"collector"`
	Scope      Scope      `json:"scope"`
	Status     Status     `json:"status"`
	ErrorClass ErrorClass `json:"error_class,omitempty"`
	// Error says why the run failed or was partial; Reason why it was skipped.
	// Neither ever contains a secret.
	Error  string `json:"error,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Problems lists every distinct error of a partial or failed run (its
	// Error summarises them), when there is more than one.
	Problems []string `json:"problems,omitempty"`
	// Notes name what a person may act on that did not make the run
	// partial: files that could not be parsed, with why.
	Notes    []string  `json:"notes,omitempty"`
	Started  time.Time `json:"started"`
	Duration Duration  `json:"duration_seconds"`
	APICalls int64     `json:"api_calls"`
	Assets   int       `json:"assets"`
	// Stats are collector-specific counters (files scanned, files skipped by reason, ...).
	Stats map[string]int64 `json:"stats,omitempty"`
}

// Duration is a time.Duration that marshals as fractional seconds.
type Duration time.Duration

// ScopeFacts are facts about a scope rather than one asset (an account's
// invocation logging configuration, an organisation's AI guardrail policy).
type ScopeFacts struct {
	Scope Scope  `json:"scope"`
	Facts []Fact `json:"facts"`
}

// Scan describes one scan.
type Scan struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	// Shard is "I/N" when this scan is shard I of N (scan --shard); a
	// merged scan (aisight merge) lists the shards it joined in Merged.
	Shard         string         `json:"shard,omitempty"`
	Merged        []string       `json:"merged,omitempty"`
	CollectorRuns []CollectorRun `json:"collector_runs"`
}

// Inventory is everything a scan observed.
type Inventory struct {
	Scan       Scan         `json:"scan"`
	Assets     []Asset      `json:"assets"`
	ScopeFacts []ScopeFacts `json:"scope_facts,omitempty"`
}

// Normalize sorts assets, runs and facts into a deterministic order.
func (inv *Inventory) Normalize() {
	for i := range inv.Assets {
		inv.Assets[i].Normalize()
	}
	sort.SliceStable(inv.Assets, func(i, j int) bool { return inv.Assets[i].ID < inv.Assets[j].ID })
	sort.SliceStable(inv.Scan.CollectorRuns, func(i, j int) bool {
		a, b := inv.Scan.CollectorRuns[i], inv.Scan.CollectorRuns[j]
		if a.Collector != b.Collector {
			return a.Collector < b.Collector
		}
		return a.Scope.ID < b.Scope.ID
	})
	for i := range inv.ScopeFacts {
		fs := inv.ScopeFacts[i].Facts
		sort.SliceStable(fs, func(a, b int) bool { return fs[a].Key < fs[b].Key })
	}
	sort.SliceStable(inv.ScopeFacts, func(i, j int) bool { return inv.ScopeFacts[i].Scope.ID < inv.ScopeFacts[j].Scope.ID })
}

// RunsFor returns the runs of the named collector.
func (inv *Inventory) RunsFor(collector string) []CollectorRun {
	var out []CollectorRun
	for _, r := range inv.Scan.CollectorRuns {
		if r.Collector == collector {
			out = append(out, r)
		}
	}
	return out
}
