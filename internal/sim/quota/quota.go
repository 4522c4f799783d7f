// Package quota is the emulators' metering of their callers: an injected
// per-call latency (Delay) and a rate limit, a token bucket per key (an
// account, region and service; a project, location and service; a
// subscription; an organisation) holding as many requests as a second
// allows, as the real services meter their callers. It also counts what
// it let through per key, which the scale benchmark turns into its lower
// bound (a scan cannot be faster than its busiest key's calls / rate).
package quota

import (
	"context"
	"sync"
	"time"
)

// Delay waits millis milliseconds (a service's latency), or until ctx ends,
// whose error it then returns. millis <= 0 does not wait.
func Delay(ctx context.Context, millis int) error {
	if millis <= 0 {
		return nil
	}
	t := time.NewTimer(time.Duration(millis) * time.Millisecond)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Limits are the buckets of one emulator. The zero value limits nothing
// and counts nothing.
type Limits struct {
	rate      float64
	mu        sync.Mutex
	buckets   map[string]*bucket
	throttled int
}

type bucket struct {
	tokens   float64
	last     time.Time
	accepted int
}

// New limits each key to rate requests per second (burst of the same
// size); rate <= 0 limits nothing but still counts.
func New(rate float64) *Limits {
	return &Limits{rate: rate, buckets: map[string]*bucket{}}
}

// Allow takes a token of key's bucket, or reports that the call is over
// the rate (and should be answered with the service's throttling error).
func (l *Limits) Allow(key string) bool {
	if l == nil || l.buckets == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.rate, last: now}
		l.buckets[key] = b
	}
	if l.rate > 0 {
		b.tokens = min(l.rate, b.tokens+now.Sub(b.last).Seconds()*l.rate)
		b.last = now
		if b.tokens < 1 {
			l.throttled++
			return false
		}
		b.tokens--
	}
	b.accepted++
	return true
}

// State is key's bucket as a service's rate-limit headers tell it: the
// requests a full bucket holds, those left now, and how long until it is
// full again. ok is false without a rate (nothing to tell).
func (l *Limits) State(key string) (limit, remaining int, untilFull time.Duration, ok bool) {
	if l == nil || l.rate <= 0 {
		return 0, 0, 0, false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	b, found := l.buckets[key]
	tokens := l.rate
	if found {
		tokens = min(l.rate, b.tokens+time.Since(b.last).Seconds()*l.rate)
	}
	full := time.Duration((l.rate - tokens) / l.rate * float64(time.Second))
	return int(l.rate), int(tokens), full, true
}

// Rate is the limit per key (0: none).
func (l *Limits) Rate() float64 {
	if l == nil {
		return 0
	}
	return l.rate
}

// Throttled is how many calls were over the rate.
func (l *Limits) Throttled() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.throttled
}

// LowerBound is the time the calls let through so far need at least under
// the rate: the busiest key's calls divided by it, and which key that is
// (0 without a rate).
func (l *Limits) LowerBound() (key string, seconds float64) {
	if l.Rate() <= 0 {
		return "", 0
	}
	k, n := l.Busiest()
	return k, float64(n) / l.Rate()
}

// Busiest is the key that was let through most often, and how often.
func (l *Limits) Busiest() (key string, calls int) {
	if l == nil {
		return "", 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	for k, b := range l.buckets {
		if b.accepted > calls || (b.accepted == calls && k < key) {
			key, calls = k, b.accepted
		}
	}
	return key, calls
}
