package restapi

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
//	GitHub      x-ratelimit-limit, x-ratelimit-remaining, x-ratelimit-reset
//	            (Unix seconds)
//	Hugging     RateLimit: "api";r=<remaining>;t=<seconds to reset> with
//	Face        RateLimit-Policy: "fixed window";"api";q=<limit>;w=<window>
//	            (the IETF RateLimit header fields draft)
//
// From them it keeps a token bucket: the budget left and the rate at which
// it refills ((limit - remaining) / reset). Before each request a token is
// taken, waiting for one when none is left. The first request goes alone:
// the others wait for its answer, so a collector that starts many scopes at
// once (twenty organisations) learns the budget before spending it. When a
// provider answers without these headers nothing is paced, and 429 answers
// are still retried after their Retry-After.
type pacer struct {
	mu       sync.Mutex
	limit    float64
	tokens   float64
	rate     float64 // tokens per second; 0 until an answer told the budget
	last     time.Time
	inflight int
	answered bool // an answer (or a failed request) came back
	// sent numbers the requests in the order they were let through;
	// applied is the number of the latest whose answer set the budget. An
	// answer to an earlier request, arriving after a later one's, tells an
	// older budget and is not applied (it would give back tokens the later
	// requests already spent).
	sent, applied uint64
}

// wait takes a token, waiting until there is one (or ctx ends), and
// returns the request's number for done.
func (p *pacer) wait(ctx context.Context) (uint64, error) {
	for {
		p.mu.Lock()
		if p.rate <= 0 && !p.answered && p.inflight > 0 {
			// The first request is out: wait for its answer to tell the budget.
			p.mu.Unlock()
			t := time.NewTimer(5 * time.Millisecond)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return 0, ctx.Err()
			}
			continue
		}
		if p.rate <= 0 {
			p.inflight++
			p.sent++
			n := p.sent
			p.mu.Unlock()
			return n, nil
		}
		now := time.Now()
		p.tokens = min(p.limit, p.tokens+now.Sub(p.last).Seconds()*p.rate)
		p.last = now
		if p.tokens >= 1 {
			p.tokens--
			p.inflight++
			p.sent++
			n := p.sent
			p.mu.Unlock()
			return n, nil
		}
		d := time.Duration((1 - p.tokens) / p.rate * float64(time.Second))
		p.mu.Unlock()
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return 0, ctx.Err()
		}
	}
}

// done records the answer to request n (h nil: no answer).
func (p *pacer) done(n uint64, h http.Header) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.inflight = max(0, p.inflight-1)
	p.answered = true
	limit, remaining, reset, ok := budget(h)
	if !ok || n < p.applied {
		return
	}
	p.applied = n
	now := time.Now()
	p.limit, p.last = limit, now
	// The answer counts the requests the provider had taken when it
	// answered; those still in flight will take theirs. One more is kept
	// back: a provider counts whole requests left but refills by the
	// fraction, so the rate read from the two may be up to one request per
	// reset too high until the next answer corrects it.
	p.tokens = max(0, remaining-float64(p.inflight)-1)
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
	{"x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", func(v string) (time.Duration, error) {
		n, err := strconv.ParseInt(v, 10, 64)
		return time.Until(time.Unix(n, 0)), err
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
	return fieldBudget(h)
}

// fieldBudget reads the IETF draft's structured fields (Hugging Face):
// RateLimit's r (remaining) and t (seconds until the window resets),
// RateLimit-Policy's q (the quota).
func fieldBudget(h http.Header) (limit, remaining float64, reset time.Duration, ok bool) {
	rl, pol := params(h.Get("RateLimit")), params(h.Get("RateLimit-Policy"))
	r, err1 := strconv.ParseFloat(rl["r"], 64)
	t, err2 := strconv.ParseFloat(rl["t"], 64)
	q, err3 := strconv.ParseFloat(pol["q"], 64)
	if err1 != nil || err2 != nil || err3 != nil || q <= 0 || r < 0 || t < 0 || t > 86400 {
		return 0, 0, 0, false
	}
	return q, min(r, q), time.Duration(t * float64(time.Second)), true
}

// params is the key=value parameters of a structured field's first item
// ("api";r=10;t=5 gives r and t).
func params(v string) map[string]string {
	v, _, _ = strings.Cut(v, ",")
	m := map[string]string{}
	for _, p := range strings.Split(v, ";") {
		if k, val, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			m[strings.ToLower(strings.TrimSpace(k))] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
	return m
}
