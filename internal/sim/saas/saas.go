// Package saas emulates the OpenAI and Anthropic Admin APIs, the Hugging
// Face Hub and Inference Endpoints APIs (huggingface.go) and GitHub's
// Copilot REST API (github.go) on loopback for tests, the demo and
// benchmarks: the real paths, JSON shapes, headers and
// cursor pagination of each provider (OpenAI: after/limit/has_more/last_id,
// Unix-second times; Anthropic: after_id/limit/has_more/last_id, RFC 3339
// times, x-api-key and anthropic-version), seeded from an estate file, with
// faults (401, 403 on a path, 429 with Retry-After, 5xx) and a request log.
// Keys are stored as their full synthetic value and answered only as the
// provider's redacted hint.
package saas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/sim/quota"
)

// Estate is what both organisations hold.
type Estate struct {
	OpenAI      *OpenAIOrg    `yaml:"openai"`
	Anthropic   *AnthropicOrg `yaml:"anthropic"`
	HuggingFace *HuggingFace  `yaml:"huggingface"`
	GitHub      *GitHub       `yaml:"github"`
	Faults      Faults        `yaml:"faults"`
}

// Faults shape the emulators' answers.
type Faults struct {
	// PageSize is the page size answered whatever the client asks (default 2).
	PageSize int `yaml:"page_size"`
	// ThrottleFirst answers the first N requests 429 with Retry-After: 1.
	ThrottleFirst int `yaml:"throttle_first"`
	// ServerErrorEvery answers every Nth request 503 (0: never).
	ServerErrorEvery int `yaml:"server_error_every"`
	// Forbidden paths (prefixes) are answered 403.
	Forbidden []string `yaml:"forbidden"`
	// DelayMillis delays every answer.
	DelayMillis int `yaml:"delay_ms"`
	// RatePerSecond, when set, is each organisation's request rate: a
	// token bucket of that many requests per second; a request over it is
	// answered 429 with Retry-After: 1.
	RatePerSecond float64 `yaml:"rate_per_second"`
}

// OpenAIOrg is an OpenAI organisation.
type OpenAIOrg struct {
	AdminKey  string    `yaml:"admin_key"`
	Users     []User    `yaml:"users"`
	Projects  []Project `yaml:"projects"`
	AdminKeys []Key     `yaml:"admin_keys"`
}

// User is a member of an organisation.
type User struct {
	ID    string `yaml:"id"`
	Name  string `yaml:"name"`
	Email string `yaml:"email"`
	Role  string `yaml:"role"`
}

// Member is a user's role in a project or workspace.
type Member struct {
	User string `yaml:"user"`
	Role string `yaml:"role"`
}

// ServiceAccount is an OpenAI project service account.
type ServiceAccount struct {
	ID             string `yaml:"id"`
	Name           string `yaml:"name"`
	Role           string `yaml:"role"`
	CreatedDaysAgo int    `yaml:"created_days_ago"`
}

// Project is an OpenAI project.
type Project struct {
	ID              string           `yaml:"id"`
	Name            string           `yaml:"name"`
	Archived        bool             `yaml:"archived"`
	CreatedDaysAgo  int              `yaml:"created_days_ago"`
	Members         []Member         `yaml:"members"`
	ServiceAccounts []ServiceAccount `yaml:"service_accounts"`
	RateLimits      []string         `yaml:"rate_limits"`
	Keys            []Key            `yaml:"keys"`
}

// Key is an API key (OpenAI project or admin key, Anthropic API key).
type Key struct {
	ID             string `yaml:"id"`
	Name           string `yaml:"name"`
	Value          string `yaml:"value"`
	CreatedDaysAgo int    `yaml:"created_days_ago"`
	// LastUsedDaysAgo is nil for a key never used.
	LastUsedDaysAgo *int   `yaml:"last_used_days_ago"`
	OwnerUser       string `yaml:"owner_user"`
	OwnerSA         string `yaml:"owner_service_account"`
	OwnerAccess     string `yaml:"owner_access"` // OpenAI: active (default) or inactive
	Status          string `yaml:"status"`       // Anthropic: active, inactive, archived, expired
	Workspace       string `yaml:"workspace"`    // Anthropic
}

// AnthropicOrg is an Anthropic organisation.
type AnthropicOrg struct {
	ID         string      `yaml:"id"`
	Name       string      `yaml:"name"`
	AdminKey   string      `yaml:"admin_key"`
	Users      []User      `yaml:"users"`
	Workspaces []Workspace `yaml:"workspaces"`
	Keys       []Key       `yaml:"keys"`
	Invites    []Invite    `yaml:"invites"`
}

// Workspace is an Anthropic workspace.
type Workspace struct {
	ID             string   `yaml:"id"`
	Name           string   `yaml:"name"`
	Archived       bool     `yaml:"archived"`
	CreatedDaysAgo int      `yaml:"created_days_ago"`
	Members        []Member `yaml:"members"`
}

// Invite is a pending or settled Anthropic invite.
type Invite struct {
	ID     string `yaml:"id"`
	Email  string `yaml:"email"`
	Role   string `yaml:"role"`
	Status string `yaml:"status"`
}

// LoadEstate reads an estate file.
func LoadEstate(path string) (*Estate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	e, err := ParseEstate(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

// ParseEstate parses an estate's YAML (unknown keys are errors).
func ParseEstate(b []byte) (*Estate, error) {
	var e Estate
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&e); err != nil {
		return nil, err
	}
	return &e, nil
}

// Request is one request the emulators answered.
type Request struct {
	Provider, Method, Path string
	Status                 int
}

// Server runs the emulators.
type Server struct {
	OpenAIURL, AnthropicURL string
	// HuggingFaceURL is the Hub (HF_ENDPOINT); HFEndpointsURL the
	// Inference Endpoints API's base (its /v2).
	HuggingFaceURL, HFEndpointsURL string
	GitHubURL                      string
	e                              *Estate
	now                            time.Time
	mu                             sync.Mutex
	n                              int
	log                            []Request
	servers                        []*httptest.Server
	limits                         *quota.Limits // per organisation (provider)
}

// Throttled is how many calls were answered as over the rate limit.
func (s *Server) Throttled() int { return s.limits.Throttled() }

// LowerBound is the time the calls let through so far need at least under
// the rate limit: the busiest organisation's calls divided by the rate.
func (s *Server) LowerBound() (provider string, seconds float64) { return s.limits.LowerBound() }

// Start serves the estate on two loopback ports.
func Start(e *Estate) *Server {
	if e.Faults.PageSize <= 0 {
		e.Faults.PageSize = 2
	}
	s := &Server{e: e, now: time.Now(), limits: quota.New(e.Faults.RatePerSecond)}
	start := func(h http.HandlerFunc) string {
		srv := httptest.NewServer(h)
		s.servers = append(s.servers, srv)
		return srv.URL
	}
	s.OpenAIURL = start(s.serveOpenAI) + "/v1" // the OpenAI convention: the base URL carries /v1
	s.AnthropicURL = start(s.serveAnthropic)
	s.HuggingFaceURL = start(s.serveHuggingFace)
	s.HFEndpointsURL = s.HuggingFaceURL + "/v2"
	s.GitHubURL = start(s.serveGitHub)
	return s
}

// Close stops every emulator.
func (s *Server) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// Requests returns the request log.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Hint is the redacted form each provider answers for a key value.
func Hint(provider, value string) string {
	head := 8
	if provider == "anthropic" {
		head = 16
	}
	if len(value) < head+8 {
		return "..."
	}
	return value[:head] + "..." + value[len(value)-4:]
}

// fault applies the shared faults; it reports whether it answered.
func (s *Server) fault(w http.ResponseWriter, r *http.Request, provider string, errBody func(int, string) any) bool {
	_ = quota.Delay(r.Context(), s.e.Faults.DelayMillis) // a request whose caller left is answered to no one
	s.mu.Lock()
	s.n++
	n := s.n
	s.mu.Unlock()
	status := 0
	switch {
	case r.Method != http.MethodGet:
		status = http.StatusMethodNotAllowed
	case n <= s.e.Faults.ThrottleFirst || !s.limits.Allow(provider):
		w.Header().Set("Retry-After", "1")
		status = http.StatusTooManyRequests
	}
	s.rateHeaders(w, provider)
	switch {
	case status != 0:
	case s.e.Faults.ServerErrorEvery > 0 && n%s.e.Faults.ServerErrorEvery == 0:
		status = http.StatusServiceUnavailable
	}
	for _, p := range s.e.Faults.Forbidden {
		if status == 0 && strings.HasPrefix(r.URL.Path, p) {
			status = http.StatusForbidden
		}
	}
	if status == 0 {
		return false
	}
	s.answer(w, r, provider, status, errBody(status, http.StatusText(status)))
	return true
}

// rateHeaders tell the caller its organisation's request budget, as each
// provider documents its rate-limit headers: OpenAI's
// x-ratelimit-{limit,remaining,reset}-requests (the reset a duration until
// the budget is whole again, "1s", "120ms"), Anthropic's
// anthropic-ratelimit-requests-{limit,remaining,reset} (the reset an RFC
// 3339 time). Sent only when the emulator limits its callers.
func (s *Server) rateHeaders(w http.ResponseWriter, provider string) {
	limit, remaining, full, ok := s.limits.State(provider)
	if !ok {
		return
	}
	h := w.Header()
	switch provider {
	case "openai":
		h.Set("x-ratelimit-limit-requests", strconv.Itoa(limit))
		h.Set("x-ratelimit-remaining-requests", strconv.Itoa(remaining))
		h.Set("x-ratelimit-reset-requests", full.Round(time.Millisecond).String())
	case "anthropic":
		h.Set("anthropic-ratelimit-requests-limit", strconv.Itoa(limit))
		h.Set("anthropic-ratelimit-requests-remaining", strconv.Itoa(remaining))
		h.Set("anthropic-ratelimit-requests-reset", time.Now().Add(full).UTC().Format(time.RFC3339Nano))
	case "github":
		h.Set("x-ratelimit-limit", strconv.Itoa(limit))
		h.Set("x-ratelimit-remaining", strconv.Itoa(remaining))
		h.Set("x-ratelimit-reset", strconv.FormatInt(time.Now().Add(full).Add(time.Second-1).Unix(), 10))
	case "huggingface", "huggingface-endpoints":
		h.Set("RateLimit", fmt.Sprintf(`"api";r=%d;t=%d`, remaining, int(full.Seconds()+0.999)))
		h.Set("RateLimit-Policy", fmt.Sprintf(`"fixed window";"api";q=%d;w=%d`, limit, max(1, int(full.Seconds()+0.999))))
	}
}

func (s *Server) answer(w http.ResponseWriter, r *http.Request, provider string, status int, body any) {
	s.mu.Lock()
	s.log = append(s.log, Request{Provider: provider, Method: r.Method, Path: r.URL.Path, Status: status})
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

// pageOf cuts a list at the cursor: objects after the one with ID after.
func pageOf[T any](items []T, id func(T) string, after string, size int) (out []T, more bool, last string) {
	start := 0
	if after != "" {
		for i, it := range items {
			if id(it) == after {
				start = i + 1
			}
		}
	}
	end := min(len(items), start+size)
	out = items[start:end]
	if len(out) > 0 {
		last = id(out[len(out)-1])
	}
	return out, end < len(items), last
}

func listBody[T any](items []T, id func(T) string, after string, size int) map[string]any {
	p, more, last := pageOf(items, id, after, size)
	first := ""
	if len(p) > 0 {
		first = id(p[0])
	}
	data := make([]any, len(p))
	for i, x := range p {
		data[i] = x
	}
	return map[string]any{"object": "list", "data": data, "has_more": more, "first_id": first, "last_id": last}
}

func sortByID[T any](items []T, id func(T) string) []T {
	out := append([]T(nil), items...)
	sort.Slice(out, func(i, j int) bool { return id(out[i]) < id(out[j]) })
	return out
}

func (s *Server) ago(days int) time.Time { return s.now.Add(-time.Duration(days) * 24 * time.Hour) }
