package collectors

import (
	"sync"

	"golang.org/x/time/rate"
)

// Limiters are client-side rate limiters by key, each made on first use
// with the same rate (burst: one second's worth, at least 1). The clouds
// meter their callers per account, region, service, project or
// subscription, so a cloud collector keys its limiters the same way and
// one key's limit never slows another's calls.
type Limiters struct {
	perSecond float64
	mu        sync.Mutex
	m         map[string]*rate.Limiter
}

// NewLimiters returns limiters of perSecond requests per second per key.
func NewLimiters(perSecond float64) *Limiters {
	return &Limiters{perSecond: perSecond, m: map[string]*rate.Limiter{}}
}

// Get is key's limiter.
func (l *Limiters) Get(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, ok := l.m[key]
	if !ok {
		r = rate.NewLimiter(rate.Limit(l.perSecond), max(1, int(l.perSecond)))
		l.m[key] = r
	}
	return r
}
