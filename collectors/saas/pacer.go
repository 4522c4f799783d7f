package saas

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// pacer keeps the client under the organisation's request budget as the
// provider reports it on every answer, so a scan of a large organisation
// waits for budget instead of spending it on 429s:
//
//	OpenAI      x-ratelimit-limit-requests, x-ratelimit-remaining-requests,
//	            x-ratelimit-reset-requests (a duration until the budget is
//	            whole again: "1s", "6m0s", "120ms")
//	Anthropic   anthropic-ratelimit-requests-limit, -remaining, -reset
//	            (an RFC 3339 time)
//
// From them it keeps a token bucket: the budget left and the rate at which
// it refills ((limit - remaining) / reset). Before each request a token is
// taken, waiting for one when none is left. Until a provider has answered
// with these headers (or when it never does) nothing is paced, and 429
// answers are still retried after their Retry-After.
type pacer struct {
	mu       sync.Mutex
	limit    float64
	tokens   float64
	rate     float64 // tokens per second; 0 until an answer told the budget
	last     time.Time
	inflight int
}

// wait takes a token, waiting until there is one (or ctx ends).
func (p *pacer) wait(ctx context.Context) error {
	for {
		p.mu.Lock()
		if p.rate <= 0 {
			p.inflight++
			p.mu.Unlock()
			return nil
		}
		now := time.Now()
		p.tokens = min(p.limit, p.tokens+now.Sub(p.last).Seconds()*p.rate)
		p.last = now
		if p.tokens >= 1 {
			p.tokens--
			p.inflight++
			p.mu.Unlock()
			return nil
		}
		d := time.Duration((1 - p.tokens) / p.rate * float64(time.Second))
		p.mu.Unlock()
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
}

// done records an answer's headers (h nil: no answer).
func (p *pacer) done(h http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight = max(0, p.inflight-1)
	limit, remaining, reset, ok := budget(h)
	if !ok {
		return
	}
	now := time.Now()
	p.limit, p.last = limit, now
	// The answer counts the requests the provider had taken when it
	// answered; those still in flight will take theirs.
	p.tokens = max(0, remaining-float64(p.inflight))
	if spent := limit - remaining; spent > 0 && reset > 0 {
		p.rate = spent / reset.Seconds()
	} else if p.rate <= 0 {
		p.rate = limit // a whole budget left: refill at least as fast as a budget a second
	}
}

// budgetHeaders are the providers' rate-limit headers and how each
// writes when the budget is whole again.
var budgetHeaders = []struct {
	limit, remaining, reset string
	untilReset              func(string) (time.Duration, error)
}{
	{"x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", time.ParseDuration},
	{"anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-remaining", "anthropic-ratelimit-requests-reset", func(v string) (time.Duration, error) {
		at, err := time.Parse(time.RFC3339Nano, v)
		return time.Until(at), err
	}},
}

// budget reads a provider's rate-limit headers.
func budget(h http.Header) (limit, remaining float64, reset time.Duration, ok bool) {
	for _, b := range budgetHeaders {
		l := h.Get(b.limit)
		if l == "" {
			continue
		}
		lim, err1 := strconv.ParseFloat(l, 64)
		rem, err2 := strconv.ParseFloat(h.Get(b.remaining), 64)
		d, err3 := b.untilReset(strings.TrimSpace(h.Get(b.reset)))
		if err1 != nil || err2 != nil || err3 != nil || lim <= 0 || rem < 0 {
			return 0, 0, 0, false
		}
		return lim, min(rem, lim), max(0, d), true
	}
	return 0, 0, 0, false
}
