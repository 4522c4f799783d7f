// Package azure is an emulator of the Azure Resource Manager APIs the
// Azure collector reads, over TLS on loopback (azcore sends bearer tokens
// only over TLS): subscriptions, Cognitive Services accounts (Azure OpenAI,
// AI Services / AI Foundry) with their deployments, RAI policies and
// projects, Azure Machine Learning workspaces with online endpoints,
// deployments and computes, registries, diagnostic settings, role
// assignments and role definitions. The real SDK clients talk to it.
//
// It serves an Estate file, pages every list with nextLink, answers 403
// AuthorizationFailed for denied subscriptions, 409
// MissingSubscriptionRegistration for unregistered providers, injects 429
// with Retry-After and checks that retries waited for it, and logs the
// RBAC action every call needs (Actions), so a test can compare it with
// the custom role the project ships. Anything but the read routes is
// refused and recorded (Unexpected).
//
// Files: estate.go (the estate format), sim.go (server, faults, call log),
// routes.go (the ARM routes).
package azure

import (
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aisight/aisight/internal/sim/quota"
)

// Token is the bearer token the emulator accepts.
const Token = "aisight-emulator-token"

// Server is a running emulator.
type Server struct {
	// URL is the https:// base URL (the ARM endpoint for the SDK).
	URL string

	estate *Estate
	srv    *httptest.Server

	mu         sync.Mutex
	rng        *rand.Rand
	actions    map[string]int
	unexpected []string
	calls      int
	throttled  map[string]time.Time // request -> when it was answered 429
	early      []string             // retries that came before Retry-After
	tokens     map[string]int       // Authorization headers seen, by host asked
	limits     *quota.Limits        // subscription/namespace
}

// Throttled is how many calls were answered as over the rate limit.
func (s *Server) Throttled() int { return s.limits.Throttled() }

// LowerBound is the time the calls let through so far need at least under
// the rate limit: the busiest subscription/namespace's calls divided by the rate.
func (s *Server) LowerBound() (key string, seconds float64) { return s.limits.LowerBound() }

// Start serves the estate over TLS on a free loopback port.
func Start(e *Estate) *Server {
	s := &Server{estate: e, rng: rand.New(rand.NewSource(e.Faults.Seed)), actions: map[string]int{},
		throttled: map[string]time.Time{}, tokens: map[string]int{}, limits: quota.New(e.Faults.RatePerSecond)}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// CertPEM is the server's certificate, for a client to trust.
func (s *Server) CertPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// WriteCert writes CertPEM to path.
func (s *Server) WriteCert(path string) error { return os.WriteFile(path, s.CertPEM(), 0o600) }

// Actions are the RBAC actions the calls so far needed, sorted.
func (s *Server) Actions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for a := range s.actions {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// Unexpected are the requests outside the read routes.
func (s *Server) Unexpected() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.unexpected)
}

// Early are the retries that came before the Retry-After they were given.
func (s *Server) Early() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.early)
}

// Calls is how many requests were made.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

// armError writes ARM's error body.
func armError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-ms-failure-cause", "gateway")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": msg}})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.calls++
	s.mu.Unlock()
	if quota.Delay(r.Context(), s.estate.Faults.DelayMillis) != nil {
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+Token {
		armError(w, http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing or invalid.")
		return
	}
	rt, vars := match(r.Method, r.URL.Path)
	if rt == nil {
		s.mu.Lock()
		s.unexpected = append(s.unexpected, r.Method+" "+r.URL.Path)
		s.mu.Unlock()
		armError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "aisight emulator: "+r.Method+" "+r.URL.Path+" is not a read route")
		return
	}
	if got := r.URL.Query().Get("api-version"); got != rt.apiVersion {
		armError(w, http.StatusBadRequest, "InvalidApiVersionParameter", fmt.Sprintf("The api-version '%s' is invalid for %s; supported: %s.", got, rt.action, rt.apiVersion))
		return
	}
	// A retry is the same request sent again: the same URI and the same
	// client request id (two subscriptions reading one shared definition
	// are two requests).
	key := r.URL.RequestURI() + " " + r.Header.Get("x-ms-client-request-id")
	s.mu.Lock()
	s.actions[rt.action]++
	if at, ok := s.throttled[key]; ok {
		if wait := s.retryAfter(); time.Since(at) < wait {
			s.early = append(s.early, fmt.Sprintf("%s after %s, told %s", key, time.Since(at).Round(time.Millisecond), wait))
		}
		delete(s.throttled, key)
	}
	roll := s.rng.Float64()
	s.mu.Unlock()

	sub := s.estate.SubscriptionByID(vars["sub"])
	if vars["sub"] != "" {
		if sub == nil {
			armError(w, http.StatusNotFound, "SubscriptionNotFound", fmt.Sprintf("The subscription '%s' could not be found.", vars["sub"]))
			return
		}
		if sub.Denied || slices.ContainsFunc(sub.DeniedPaths, func(p string) bool { return strings.Contains(strings.ToLower(r.URL.Path), strings.ToLower(p)) }) {
			armError(w, http.StatusForbidden, "AuthorizationFailed", fmt.Sprintf("The client 'aisight' with object id '00000000-0000-0000-0000-00000000a151' does not have authorization to perform action '%s' over scope '%s' or the scope is invalid. If access was recently granted, please refresh your credentials.", rt.action, strings.TrimSuffix(r.URL.Path, "/")))
			return
		}
		if ns := rt.namespace; ns != "" && slices.ContainsFunc(sub.Unregistered, func(u string) bool { return strings.EqualFold(u, ns) }) {
			armError(w, http.StatusConflict, "MissingSubscriptionRegistration", fmt.Sprintf("The subscription is not registered to use namespace '%s'. See https://aka.ms/rps-not-found for how to register subscriptions.", ns))
			return
		}
	}
	if roll < s.estate.Faults.ThrottleRate || !s.limits.Allow(vars["sub"]+"/"+strings.ToLower(rt.namespace)) {
		s.mu.Lock()
		s.throttled[key] = time.Now()
		s.mu.Unlock()
		if ms := s.estate.Faults.RetryAfterMillis; ms > 0 {
			w.Header().Set("retry-after-ms", strconv.Itoa(ms))
		}
		w.Header().Set("Retry-After", strconv.Itoa(max(s.estate.Faults.RetryAfterSeconds, 1)))
		armError(w, http.StatusTooManyRequests, "TooManyRequests", "The request is being throttled as the limit has been reached for operation type - Read_ObservationWindow_00:05:00.")
		return
	}
	items, err := rt.list(s, sub, vars)
	if err != nil {
		armError(w, http.StatusNotFound, "ResourceNotFound", err.Error())
		return
	}
	if rt.single {
		writeJSON(w, items[0])
		return
	}
	s.page(w, r, items)
}

// retryAfter is the wait a 429 asks for.
func (s *Server) retryAfter() time.Duration {
	if ms := s.estate.Faults.RetryAfterMillis; ms > 0 {
		return time.Duration(ms) * time.Millisecond
	}
	return time.Duration(max(s.estate.Faults.RetryAfterSeconds, 1)) * time.Second
}

// page writes one page of items with a nextLink ($skiptoken) when more remain.
func (s *Server) page(w http.ResponseWriter, r *http.Request, items []any) {
	off := 0
	if t := r.URL.Query().Get("$skiptoken"); t != "" {
		i, err := strconv.Atoi(t)
		if err != nil || i < 0 || i > len(items) {
			armError(w, http.StatusBadRequest, "InvalidSkipToken", "invalid $skiptoken")
			return
		}
		off = i
	}
	end := min(off+s.estate.PageSize, len(items))
	body := map[string]any{"value": items[off:end]}
	if end < len(items) {
		q := r.URL.Query()
		q.Set("$skiptoken", strconv.Itoa(end))
		base := s.URL
		if f := s.estate.Faults.ForeignNextLink; f != "" {
			base = f
		}
		body["nextLink"] = base + r.URL.Path + "?" + q.Encode()
	}
	writeJSON(w, body)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v)
}
