// Package restapi is the read-only HTTP JSON client the SaaS and platform
// collectors share (OpenAI, Anthropic, Hugging Face, GitHub Copilot): GET
// only, enforced in its transport (any other method is refused before a
// byte is sent); deadlines on every step; bounded bodies; pacing to the
// request budget a provider reports in its rate-limit headers (pacer.go);
// retries of 429 (honouring Retry-After) and 5xx; cursor-free paging by the
// Link header (rel="next", same origin only, so the credential never goes
// to another host); a count of requests; and the error classes the runner
// reports.
//
// Files: client.go (the client, errors, classes), pacer.go (the request
// budget), settings.go (credential files and base URLs as the collectors'
// options read them).
package restapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// maxBody bounds one answer (a page of at most a few hundred objects).
const maxBody = 8 << 20

// Client is one provider's read-only API client.
type Client struct {
	base       string // the provider's base URL, without a trailing slash
	provider   string
	credential string // what authenticates, for error messages ("admin key", "token")
	auth       func(*http.Request)
	http       *http.Client
	attempts   int
	backoff    time.Duration // first wait between retries (doubled; Retry-After wins)
	calls      atomic.Int64
	pace       pacer
}

// getOnly refuses every method but GET: the collectors only read.
type getOnly struct{ next http.RoundTripper }

func (g getOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet {
		return nil, collectors.Classedf(model.ErrInternal, "aisight is read-only: refused %s %s", r.Method, r.URL.Path)
	}
	return g.next.RoundTrip(r)
}

// New returns a client of provider's API at base; auth sets the request's
// credential headers; credential names it in error messages.
func New(provider, base, credential string, auth func(*http.Request)) *Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       30 * time.Second,
		MaxIdleConnsPerHost:   4,
	}
	return &Client{base: strings.TrimRight(base, "/"), provider: provider, credential: credential, auth: auth,
		http: &http.Client{Transport: getOnly{tr}, Timeout: 60 * time.Second, CheckRedirect: redact.CheckRedirect}, attempts: 5, backoff: time.Second}
}

// SetBackoff sets the first wait between retries (tests shorten it).
func (c *Client) SetBackoff(d time.Duration) {
	if d > 0 {
		c.backoff = d
	}
}

// TakeCalls returns the requests sent since the last call and resets the count.
func (c *Client) TakeCalls() int64 { return c.calls.Swap(0) }

// Close releases idle connections (serve plans collectors for every scan).
func (c *Client) Close() { c.http.CloseIdleConnections() }

// HTTP is the underlying client (its transport is the read-only guard).
func (c *Client) HTTP() *http.Client { return c.http }

// APIError is an answer that was not 2xx.
type APIError struct {
	Provider   string
	Path       string
	Status     int
	Msg        string
	credential string
}

func (e *APIError) Error() string {
	cred := firstOf(e.credential, "credential")
	switch e.Status {
	case http.StatusUnauthorized:
		return fmt.Sprintf("%s: the %s was refused (GET %s: 401 %s): check that it is current and belongs to the organisation", e.Provider, cred, e.Path, e.Msg)
	case http.StatusForbidden:
		return fmt.Sprintf("%s: the %s may not read %s (403 %s): it needs read access to it", e.Provider, cred, e.Path, e.Msg)
	}
	return fmt.Sprintf("%s GET %s: %d %s", e.Provider, e.Path, e.Status, e.Msg)
}

// Class maps an answer to an error class.
func (e *APIError) Class() model.ErrorClass {
	switch {
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return model.ErrDenied
	case e.Status == http.StatusTooManyRequests:
		return model.ErrThrottled
	case e.Status == http.StatusNotFound || e.Status == http.StatusPaymentRequired:
		// 402: a feature of a plan the organisation does not have
		// (Hugging Face resource groups without Team/Enterprise).
		return model.ErrNotEnabled
	case e.Status >= 500:
		return model.ErrUnavailable
	}
	return model.ErrInternal
}

// Classify gives the class of any error the client returns.
func Classify(err error) model.ErrorClass {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Class()
	}
	return model.ErrNone
}

// StatusOf is the HTTP status of an APIError in err's chain (0 for none).
func StatusOf(err error) int {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status
	}
	return 0
}

// Get fetches path (relative to the base) with query into out, retrying
// 429 and 5xx answers and network errors.
func (c *Client) Get(ctx context.Context, path string, query url.Values, out any) error {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	_, err := c.get(ctx, u, path, out)
	return err
}

// GetPage fetches one page: the first from path and query (relative to
// the base), a later one from the next URL an earlier page gave. It
// returns the page's next URL from its Link header (rel="next"), "" on the
// last page. A next URL on another origin than the base is refused: the
// credential is sent only where it was given for.
func (c *Client) GetPage(ctx context.Context, path string, query url.Values, next string, out any) (string, error) {
	u := c.base + path
	if next != "" {
		if err := c.sameOrigin(next); err != nil {
			return "", err
		}
		u = next
	} else if len(query) > 0 {
		u += "?" + query.Encode()
	}
	h, err := c.get(ctx, u, path, out)
	if err != nil {
		return "", err
	}
	n := NextLink(h.Get("Link"))
	if n == "" {
		return "", nil
	}
	if ref, err := url.Parse(n); err == nil {
		if base, err := url.Parse(u); err == nil {
			n = base.ResolveReference(ref).String()
		}
	}
	if err := c.sameOrigin(n); err != nil {
		return "", err
	}
	return n, nil
}

// sameOrigin refuses a URL that is not on the base's scheme and host.
func (c *Client) sameOrigin(raw string) error {
	b, err1 := url.Parse(c.base)
	u, err2 := url.Parse(raw)
	if err1 != nil || err2 != nil || u.Scheme != b.Scheme || !strings.EqualFold(u.Host, b.Host) || u.User != nil {
		return collectors.Classedf(model.ErrUnparsed, "%s: a page link leads off %s (to %s): not followed, the %s is not sent elsewhere", c.provider, redact.URL(c.base), redact.URL(raw), firstOf(c.credential, "credential"))
	}
	return nil
}

// NextLink is the rel="next" target of an RFC 8288 Link header.
func NextLink(h string) string {
	for _, part := range strings.Split(h, ",") {
		target, params, ok := strings.Cut(part, ";")
		if !ok {
			continue
		}
		target = strings.TrimSpace(target)
		if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "rel") {
				for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
					if strings.EqualFold(rel, "next") {
						return target[1 : len(target)-1]
					}
				}
			}
		}
	}
	return ""
}

// get fetches u into out with the retries; path names it in errors.
func (c *Client) get(ctx context.Context, u, path string, out any) (http.Header, error) {
	backoff := c.backoff
	var last error
	for attempt := 1; ; attempt++ {
		h, wait, err := c.once(ctx, u, path, out)
		if err == nil {
			return h, nil
		}
		last = err
		var ae *APIError
		var re *redact.RedirectError
		var ce *collectors.ClassError
		retry := errors.As(err, &ae) && (ae.Status == http.StatusTooManyRequests || ae.Status >= 500) ||
			!errors.As(err, &ae) && !errors.As(err, &re) && !errors.As(err, &ce) && ctx.Err() == nil
		if !retry || attempt >= c.attempts {
			return nil, last
		}
		if wait <= 0 {
			wait = backoff + time.Duration(rand.Int64N(int64(backoff)/4+1))
			backoff *= 2
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil, last
		}
	}
}

// once sends one request; for a 429 it returns how long Retry-After asks
// to wait.
func (c *Client) once(ctx context.Context, u, path string, out any) (http.Header, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "aisight")
	c.auth(req)
	seq, err := c.pace.wait(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("%s GET %s: %w", c.provider, path, err)
	}
	c.calls.Add(1)
	collectors.MeterRequest(ctx)
	resp, err := c.http.Do(req)
	if err != nil {
		c.pace.done(seq, nil)
		return nil, 0, fmt.Errorf("%s GET %s: %w", c.provider, path, err)
	}
	c.pace.done(seq, resp.Header)
	defer resp.Body.Close()
	body := io.LimitReader(resp.Body, maxBody)
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(body, 4<<10))
		e := &APIError{Provider: c.provider, Path: path, Status: resp.StatusCode, Msg: errorMessage(b), credential: c.credential}
		return nil, retryAfter(resp.Header.Get("Retry-After")), e
	}
	if err := json.NewDecoder(body).Decode(out); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syn) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			// An answer that is not the documented JSON will not become
			// it on a second try: never retried, class unparsed.
			return nil, 0, collectors.Classed(model.ErrUnparsed, fmt.Errorf("%s GET %s: the answer is not the documented JSON: %w", c.provider, path, err))
		}
		return nil, 0, fmt.Errorf("%s GET %s: decode: %w", c.provider, path, err)
	}
	return resp.Header, 0, nil
}

// errorMessage extracts the provider's error message ({"error": {"message":
// ...}} for OpenAI and Anthropic, {"error": "..."} for Hugging Face,
// {"message": ...} for GitHub), scrubbed and cut short.
func errorMessage(b []byte) string {
	msg := strings.TrimSpace(string(b))
	var nested struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	var flat struct {
		Error   string `json:"error"`
		Message string `json:"message"`
	}
	switch {
	case json.Unmarshal(b, &nested) == nil && nested.Error.Message != "":
		msg = nested.Error.Message
	case json.Unmarshal(b, &flat) == nil && (flat.Error != "" || flat.Message != ""):
		msg = firstOf(flat.Message, flat.Error)
	}
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	return redact.New(nil).String(msg)
}

// retryAfter reads Retry-After in seconds (capped at a minute).
func retryAfter(v string) time.Duration {
	if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 {
		return min(time.Duration(n)*time.Second, time.Minute)
	}
	return 0
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// Base is embedded by the REST collectors: the runner's optional
// interfaces they all implement alike. Close releases every client's idle
// connections (serve plans collectors afresh for every scan: without it
// each scan's connections stayed open until their idle timeout);
// RetriesCalls says the client retries its own calls
// (collectors.CallRetrier); ClassifyError gives the client's error classes
// (collectors.ErrorClassifier).
type Base struct{ Clients []*Client }

// Close implements io.Closer.
func (b Base) Close() error {
	for _, c := range b.Clients {
		c.Close()
	}
	return nil
}

// RetriesCalls implements collectors.CallRetrier.
func (Base) RetriesCalls() bool { return true }

// ClassifyError implements collectors.ErrorClassifier.
func (Base) ClassifyError(err error) model.ErrorClass { return Classify(err) }

// Pages follows a listing's Link pages from path and query, decoding each
// into a fresh T for each. A page link that comes back (a server that
// pages in a loop) ends the listing with an error, class unparsed, instead
// of paging for ever; so does a listing of more than maxPages pages.
func Pages[T any](ctx context.Context, c *Client, path string, query url.Values, each func(T) error) error {
	seen := map[string]bool{}
	next := ""
	for n := 1; ; n++ {
		var page T
		nx, err := c.GetPage(ctx, path, query, next, &page)
		if err != nil {
			return err
		}
		if err := each(page); err != nil {
			return err
		}
		switch {
		case nx == "":
			return nil
		case seen[nx]:
			return collectors.Classedf(model.ErrUnparsed, "%s GET %s: the page link %s came back: the listing loops, not followed", c.provider, path, redact.URL(nx))
		case n >= maxPages:
			return collectors.Classedf(model.ErrUnparsed, "%s GET %s: more than %d pages: not followed further", c.provider, path, maxPages)
		}
		seen[nx] = true
		next = nx
	}
}

// maxPages bounds one listing (100,000 pages of at least one item).
const maxPages = 100_000

// Provider is the provider's name the client was made for.
func (c *Client) Provider() string { return c.provider }
