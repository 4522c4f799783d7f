package main

import (
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// connGuard is serve's listener: it keeps the server reachable when
// clients hold its connections open. Accept never blocks on a full server
// (netutil.LimitListener did: 1,024 keep-alive connections that each sent a
// request every 20 s held every slot and /healthz timed out). Instead, for
// each new connection:
//   - when fewer than a quarter of the slots are free, idle keep-alive
//     connections are closed, the longest idle first, until a quarter is
//     free again or none is idle;
//   - a client (by IP) at its cap has its own longest-idle connection
//     closed, or, with none idle, the new one is refused;
//   - with every slot busy serving a request, the new connection is
//     refused at once (closed), never queued.
//
// Its ConnState method must be the server's ConnState hook: it says which
// connections are idle and when a connection is gone.
type connGuard struct {
	net.Listener
	max, perClient int

	mu    sync.Mutex
	conns map[net.Conn]*guarded
	byIP  map[string]int
}

type guarded struct {
	ip        string
	idle      bool
	idleSince time.Time
}

func newConnGuard(l net.Listener, limit int) *connGuard {
	return &connGuard{Listener: l, max: limit, perClient: max(4, limit/4), conns: map[net.Conn]*guarded{}, byIP: map[string]int{}}
}

// Accept returns the next connection the guard lets in.
func (g *connGuard) Accept() (net.Conn, error) {
	for {
		c, err := g.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if g.admit(c) {
			return c, nil
		}
		c.Close()
	}
}

// admit decides about a new connection, closing idle ones to make room.
func (g *connGuard) admit(c net.Conn) bool {
	ip := clientIP(c.RemoteAddr())
	g.mu.Lock()
	defer g.mu.Unlock()
	for len(g.conns) > g.max*3/4 && g.evictIdle("") {
	}
	if g.byIP[ip] >= g.perClient && !g.evictIdle(ip) {
		return false
	}
	if len(g.conns) >= g.max {
		return false
	}
	g.conns[c] = &guarded{ip: ip}
	g.byIP[ip]++
	return true
}

// evictIdle closes the longest-idle connection (of ip, when given) and
// reports whether there was one. The server sees it closed and reports
// StateClosed, which forgets it. Called with g.mu held.
func (g *connGuard) evictIdle(ip string) bool {
	var oldest net.Conn
	var since time.Time
	for c, s := range g.conns {
		if s.idle && (ip == "" || s.ip == ip) && (oldest == nil || s.idleSince.Before(since)) {
			oldest, since = c, s.idleSince
		}
	}
	if oldest == nil {
		return false
	}
	g.forget(oldest)
	oldest.Close()
	return true
}

// forget drops a connection from the books. Called with g.mu held.
func (g *connGuard) forget(c net.Conn) {
	s, ok := g.conns[c]
	if !ok {
		return
	}
	delete(g.conns, c)
	if g.byIP[s.ip]--; g.byIP[s.ip] <= 0 {
		delete(g.byIP, s.ip)
	}
}

// ConnState is the server's ConnState hook.
func (g *connGuard) ConnState(c net.Conn, st http.ConnState) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch st {
	case http.StateIdle:
		if s := g.conns[c]; s != nil {
			s.idle, s.idleSince = true, time.Now()
		}
	case http.StateActive:
		if s := g.conns[c]; s != nil {
			s.idle = false
		}
	case http.StateClosed, http.StateHijacked:
		g.forget(c)
	}
}

func clientIP(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// errBusy is the answer of a route whose concurrent requests are at
// their limit.
var errBusy = errors.New("busy: too many requests in flight; retry shortly")

// limitInFlight answers 503 at once when n requests of h are already
// being served, so a flood of one route (the assessment API, the largest
// answers) cannot take the server's time from /healthz and /metrics.
func limitInFlight(n int, h http.Handler) http.Handler {
	sem := make(chan struct{}, n)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
			h.ServeHTTP(w, r)
		default:
			w.Header().Set("Retry-After", "1")
			http.Error(w, errBusy.Error(), http.StatusServiceUnavailable)
		}
	})
}
