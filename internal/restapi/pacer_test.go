package restapi

import (
	"context"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// Both providers' documented header forms are read; anything else leaves
// the client unpaced (it then relies on 429 and Retry-After).
func TestBudgetHeaders(t *testing.T) {
	at := time.Now().Add(2 * time.Second).UTC().Format(time.RFC3339Nano)
	for _, tc := range []struct {
		name     string
		h        http.Header
		ok       bool
		lim, rem float64
		minReset time.Duration
		maxReset time.Duration
	}{
		{"openai", http.Header{"X-Ratelimit-Limit-Requests": {"5000"}, "X-Ratelimit-Remaining-Requests": {"4999"}, "X-Ratelimit-Reset-Requests": {"12ms"}}, true, 5000, 4999, 12 * time.Millisecond, 12 * time.Millisecond},
		{"openai minutes", http.Header{"X-Ratelimit-Limit-Requests": {"60"}, "X-Ratelimit-Remaining-Requests": {"0"}, "X-Ratelimit-Reset-Requests": {"6m0s"}}, true, 60, 0, 6 * time.Minute, 6 * time.Minute},
		{"anthropic", http.Header{"Anthropic-Ratelimit-Requests-Limit": {"50"}, "Anthropic-Ratelimit-Requests-Remaining": {"10"}, "Anthropic-Ratelimit-Requests-Reset": {at}}, true, 50, 10, time.Second, 2 * time.Second},
		{"none", http.Header{"Retry-After": {"1"}}, false, 0, 0, 0, 0},
		{"garbage", http.Header{"X-Ratelimit-Limit-Requests": {"many"}, "X-Ratelimit-Remaining-Requests": {"1"}, "X-Ratelimit-Reset-Requests": {"1s"}}, false, 0, 0, 0, 0},
		{"negative", http.Header{"X-Ratelimit-Limit-Requests": {"10"}, "X-Ratelimit-Remaining-Requests": {"-5"}, "X-Ratelimit-Reset-Requests": {"1s"}}, false, 0, 0, 0, 0},
		{"no reset", http.Header{"Anthropic-Ratelimit-Requests-Limit": {"50"}, "Anthropic-Ratelimit-Requests-Remaining": {"10"}}, false, 0, 0, 0, 0},
	} {
		lim, rem, reset, ok := budget(tc.h)
		if ok != tc.ok || ok && (lim != tc.lim || rem != tc.rem || reset < tc.minReset || reset > tc.maxReset) {
			t.Errorf("%s: budget = %v %v %v %v", tc.name, lim, rem, reset, ok)
		}
	}
}

// A pacer told the budget is spent makes the next request wait for the
// refill; one never told anything never waits.
func TestPacerWaitsForBudget(t *testing.T) {
	var p pacer
	n, err := p.wait(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	p.done(n, http.Header{"X-Ratelimit-Limit-Requests": {"10"}, "X-Ratelimit-Remaining-Requests": {"0"}, "X-Ratelimit-Reset-Requests": {"1s"}})
	p.mu.Lock()
	tokens, rate := p.tokens, p.rate
	p.mu.Unlock()
	if tokens != 0 || rate != 10 {
		t.Fatalf("after a spent budget: tokens %v rate %v, want 0 and 10/s", tokens, rate)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	if _, err := p.wait(ctx); err == nil {
		t.Error("a request went out with no budget left and none refilled yet")
	}
}

// GitHub's and Hugging Face's forms.
func TestBudgetHeadersGitHubAndHub(t *testing.T) {
	reset := strconv.FormatInt(time.Now().Add(30*time.Second).Unix(), 10)
	lim, rem, d, ok := budget(http.Header{"X-Ratelimit-Limit": {"5000"}, "X-Ratelimit-Remaining": {"4990"}, "X-Ratelimit-Reset": {reset}})
	if !ok || lim != 5000 || rem != 4990 || d < 28*time.Second || d > 31*time.Second {
		t.Errorf("github: %v %v %v %v", lim, rem, d, ok)
	}
	lim, rem, d, ok = budget(http.Header{"Ratelimit": {`"api";r=489;t=189`}, "Ratelimit-Policy": {`"fixed window";"api";q=500;w=300`}})
	if !ok || lim != 500 || rem != 489 || d != 189*time.Second {
		t.Errorf("hub: %v %v %v %v", lim, rem, d, ok)
	}
	for _, h := range []http.Header{
		{"Ratelimit": {`"api";r=489;t=189`}},
		{"Ratelimit": {`"api";r=-1;t=189`}, "Ratelimit-Policy": {`q=500`}},
		{"Ratelimit": {`"api";r=1;t=1e12`}, "Ratelimit-Policy": {`q=500`}},
		{"X-Ratelimit-Limit": {"5000"}, "X-Ratelimit-Remaining": {"1"}, "X-Ratelimit-Reset": {"soon"}},
	} {
		if _, _, _, ok := budget(h); ok {
			t.Errorf("accepted %v", h)
		}
	}
}

// An answer to an earlier request that arrives after a later one's tells
// an older budget: it does not give back the tokens spent since.
func TestStaleAnswerDoesNotRefill(t *testing.T) {
	var p pacer
	h := func(remaining string) http.Header {
		return http.Header{"X-Ratelimit-Limit-Requests": {"10"}, "X-Ratelimit-Remaining-Requests": {remaining}, "X-Ratelimit-Reset-Requests": {"10s"}}
	}
	probe, _ := p.wait(t.Context())
	p.done(probe, h("9"))
	first, _ := p.wait(t.Context())
	second, _ := p.wait(t.Context())
	p.done(second, h("0"))
	p.done(first, h("5"))
	p.mu.Lock()
	tokens := p.tokens
	p.mu.Unlock()
	if tokens >= 1 {
		t.Errorf("tokens %v after a stale answer: the later answer said none were left", tokens)
	}
}

// Before any answer only one request is out: the rest wait for it to tell
// the budget; once an answer without budget headers came back, nothing is
// paced.
func TestFirstRequestGoesAlone(t *testing.T) {
	var p pacer
	first, err := p.wait(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
	defer cancel()
	if _, err := p.wait(ctx); err == nil {
		t.Fatal("a second request went out before the first was answered")
	}
	p.done(first, http.Header{})
	for range 3 {
		if _, err := p.wait(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
}
