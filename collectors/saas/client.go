package saas

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

// maxBody bounds one admin API answer (a page of at most 100 objects).
const maxBody = 8 << 20

// client is the admin API client both collectors share: GET only (enforced
// in its transport: any other method is refused before a byte is sent),
// deadlines on every step, bounded bodies, pacing to the organisation's
// request budget (pacer), retries of 429 (honouring Retry-After) and 5xx,
// and a count of requests.
type client struct {
	base     string // the provider's base URL (OPENAI_BASE_URL, ANTHROPIC_BASE_URL)
	provider string
	auth     func(*http.Request)
	http     *http.Client
	attempts int
	backoff  time.Duration // first wait between retries (doubled; Retry-After wins)
	calls    atomic.Int64
	pace     pacer
}

// getOnly refuses every method but GET: the collectors only read.
type getOnly struct{ next http.RoundTripper }

func (g getOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodGet {
		return nil, collectors.Classedf(model.ErrInternal, "aisight is read-only: refused %s %s", r.Method, r.URL.Path)
	}
	return g.next.RoundTrip(r)
}

func newClient(provider, base string, auth func(*http.Request)) *client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       30 * time.Second,
		MaxIdleConnsPerHost:   4,
	}
	return &client{base: strings.TrimRight(base, "/"), provider: provider, auth: auth,
		http: &http.Client{Transport: getOnly{tr}, Timeout: 60 * time.Second, CheckRedirect: redact.CheckRedirect}, attempts: 5, backoff: time.Second}
}

// apiError is an answer that was not 2xx.
type apiError struct {
	provider string
	path     string
	status   int
	msg      string
}

func (e *apiError) Error() string {
	switch e.status {
	case http.StatusUnauthorized:
		return fmt.Sprintf("%s: the admin key was refused (GET %s: 401 %s): check that it is current and belongs to the organisation", e.provider, e.path, e.msg)
	case http.StatusForbidden:
		return fmt.Sprintf("%s: the admin key may not read %s (403 %s): it needs an admin key with read access", e.provider, e.path, e.msg)
	}
	return fmt.Sprintf("%s GET %s: %d %s", e.provider, e.path, e.status, e.msg)
}

// class maps an answer to an error class.
func (e *apiError) class() model.ErrorClass {
	switch {
	case e.status == http.StatusUnauthorized || e.status == http.StatusForbidden:
		return model.ErrDenied
	case e.status == http.StatusTooManyRequests:
		return model.ErrThrottled
	case e.status == http.StatusNotFound:
		return model.ErrNotEnabled
	case e.status >= 500:
		return model.ErrUnavailable
	}
	return model.ErrInternal
}

// classify gives the class of any error the client returns.
func classify(err error) model.ErrorClass {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae.class()
	}
	return model.ErrNone
}

// get fetches path (relative to the base) with query into out, retrying
// 429 and 5xx answers and network errors.
func (c *client) get(ctx context.Context, path string, query url.Values, out any) error {
	u := c.base + path
	if len(query) > 0 {
		u += "?" + query.Encode()
	}
	backoff := c.backoff
	var last error
	for attempt := 1; ; attempt++ {
		wait, err := c.once(ctx, u, path, out)
		if err == nil {
			return nil
		}
		last = err
		var ae *apiError
		var re *redact.RedirectError
		var ce *collectors.ClassError
		retry := errors.As(err, &ae) && (ae.status == http.StatusTooManyRequests || ae.status >= 500) ||
			!errors.As(err, &ae) && !errors.As(err, &re) && !errors.As(err, &ce) && ctx.Err() == nil
		if !retry || attempt >= c.attempts {
			return last
		}
		if wait <= 0 {
			wait = backoff + time.Duration(rand.Int64N(int64(backoff)/4+1))
			backoff *= 2
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return last
		}
	}
}

// once sends one request; for a 429 it returns how long Retry-After asks
// to wait.
func (c *client) once(ctx context.Context, u, path string, out any) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "aisight")
	c.auth(req)
	if err := c.pace.wait(ctx); err != nil {
		return 0, fmt.Errorf("%s GET %s: %w", c.provider, path, err)
	}
	c.calls.Add(1)
	collectors.MeterRequest(ctx)
	resp, err := c.http.Do(req)
	if err != nil {
		c.pace.done(nil)
		return 0, fmt.Errorf("%s GET %s: %w", c.provider, path, err)
	}
	c.pace.done(resp.Header)
	defer resp.Body.Close()
	body := io.LimitReader(resp.Body, maxBody)
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(body, 4<<10))
		e := &apiError{provider: c.provider, path: path, status: resp.StatusCode, msg: errorMessage(b)}
		return retryAfter(resp.Header.Get("Retry-After")), e
	}
	if err := json.NewDecoder(body).Decode(out); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		if errors.As(err, &syn) || errors.As(err, &typ) {
			// An answer that is not the documented JSON will not become
			// it on a second try: never retried, class unparsed.
			return 0, collectors.Classed(model.ErrUnparsed, fmt.Errorf("%s GET %s: the answer is not the documented JSON: %w", c.provider, path, err))
		}
		return 0, fmt.Errorf("%s GET %s: decode: %w", c.provider, path, err)
	}
	return 0, nil
}

// errorMessage extracts the provider's error message (both providers
// answer {"error": {"message": ...}}), scrubbed and cut short.
func errorMessage(b []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
			Type    string `json:"type"`
		} `json:"error"`
	}
	msg := strings.TrimSpace(string(b))
	if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
		msg = e.Error.Message
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
