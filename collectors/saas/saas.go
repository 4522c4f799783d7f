// Package saas holds the API/SaaS collectors: the OpenAI and Anthropic
// organisations, read through their admin APIs. Each inventories the
// organisation's projects or workspaces, API keys (by the provider's
// redacted hint: a fingerprint, never a secret), service accounts and
// admin-key holders, with the facts the scorer needs (key age, last use,
// owner, status; owners and admins counted). Linking a live key to the code
// and workloads that hold it is the enrich step's (internal/enrich).
//
// Both read only: their HTTP client (internal/restapi, shared with the
// other REST collectors) sends nothing but GET (enforced in its
// transport), with deadlines, bounded bodies, pacing and retries of 429
// (Retry-After) and 5xx.
//
// Files: saas.go (pagination, key hints), openai.go (options, enablement,
// the openai.* families), anthropic.go (the anthropic.* families).
package saas

import (
	"strings"
	"time"

	"github.com/aisight/aisight/model"
)

// page is the cursor pagination both providers use: data, has_more and
// last_id (OpenAI pages with ?after=, Anthropic with ?after_id=).
type page[T any] struct {
	Data    []T    `json:"data"`
	HasMore bool   `json:"has_more"`
	LastID  string `json:"last_id"`
}

// days is whole days from t to now (0 when t is in the future).
func days(now, t time.Time) int64 {
	if t.After(now) {
		return 0
	}
	return int64(now.Sub(t).Hours() / 24)
}

// hintFingerprint describes a live key by the provider's redacted hint
// ("sk-proj-...abcd", "sk-ant-api03-R2D...igAA"): the first four and last
// four characters it shows, which is all the link to a key found in code
// needs. The hint itself, longer, is not recorded.
func hintFingerprint(kind, hint, location string) *model.Fingerprint {
	head, tail, ok := cutHint(hint)
	if !ok {
		return &model.Fingerprint{Kind: kind, Location: location}
	}
	return &model.Fingerprint{Kind: kind, Prefix: head[:min(4, len(head))], Suffix: tail[max(0, len(tail)-4):], Location: location}
}

// cutHint splits a redacted hint at its ellipsis ("..." or "…").
func cutHint(hint string) (head, tail string, ok bool) {
	for _, sep := range []string{"...", "…", "***", "**"} {
		if h, t, found := strings.Cut(hint, sep); found && h != "" && t != "" {
			return h, t, true
		}
	}
	return "", "", false
}
