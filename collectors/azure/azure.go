// Package azure is the Azure collector: Azure OpenAI and AI Services (AI
// Foundry) accounts with their model deployments, content filter (RAI)
// policies, Foundry projects, diagnostic settings and role assignments;
// Azure Machine Learning workspaces with their online endpoints (auth
// mode), deployments, compute instances and registries; and the principals
// that hold AI roles on them, across every subscription the credential can
// see.
//
// It is read-only by construction: a pipeline policy on every client
// refuses any request that is not a GET (so listKeys is never called) and
// any request to a host other than the Resource Manager endpoint (a
// nextLink elsewhere is not followed with the token); deploy/azure ships a
// custom role with exactly the */read actions it uses.
//
// Files: options.go (flags, validation, credentials), azure.go (scopes,
// clients, pipeline policies, error classes), cognitive.go
// (cognitive.accounts), ml.go (ml.workspaces, ml.registries), rbac.go (role
// assignments, role definitions, rbac.principals); each *_test.go beside
// its file.
package azure

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/resources/armsubscriptions"
	"golang.org/x/time/rate"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// Name is the collector's name.
const Name = "azure"

// Options configure the collector.
type Options struct {
	// Subscriptions to scan (ids); empty means every enabled subscription
	// the credential can see.
	Subscriptions []string
	// Cloud is the Azure cloud (default public).
	Cloud cloud.Configuration
	// Credential authenticates every call.
	Credential azcore.TokenCredential
	// RootCAs, when set, are the only certificates trusted (an emulator's).
	RootCAs *x509.CertPool
	// OwnerTags are tag keys read as the owner, in order (case-insensitive).
	OwnerTags []string
	// RatePerSubscription bounds requests per second per subscription (default 10).
	RatePerSubscription float64
	// MaxRetries bounds retries of 429 and 5xx answers (default 6);
	// RetryDelay is the first pause when no Retry-After is given (default
	// 2s); a Retry-After above MaxRetryDelay (default 60s) is not waited for.
	MaxRetries    int32
	RetryDelay    time.Duration
	MaxRetryDelay time.Duration
	Logger        *slog.Logger
}

// Collector implements collectors.Collector for Azure.
type Collector struct {
	opts   Options
	cat    *fingerprint.Catalog
	arm    *url.URL // the Resource Manager endpoint: the one origin the token goes to
	client *http.Client
	copts  *arm.ClientOptions
	// limiters pace calls by subscription ("" for tenant-level calls).
	limiters *collectors.Limiters

	mu    sync.Mutex
	subs  map[string]string // id -> display name
	roles *roleCache
}

// New prepares the clients; no call is made until Scopes.
func New(o Options, cat *fingerprint.Catalog) (*Collector, error) {
	if o.Credential == nil {
		return nil, collectors.Classedf(model.ErrInvalidConfig, "azure: no credential")
	}
	if o.Cloud.Services == nil {
		o.Cloud = cloud.AzurePublic
	}
	if o.RatePerSubscription <= 0 {
		o.RatePerSubscription = 10
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 6
	}
	if o.RetryDelay <= 0 {
		o.RetryDelay = 2 * time.Second
	}
	if o.MaxRetryDelay <= 0 {
		o.MaxRetryDelay = 60 * time.Second
	}
	if len(o.OwnerTags) == 0 {
		o.OwnerTags = []string{"owner", "team", "aisight-owner"}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	endpoint := o.Cloud.Services[cloud.ResourceManager].Endpoint
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, collectors.Classedf(model.ErrInvalidConfig, "azure: resource manager endpoint %q is not an https URL", endpoint)
	}
	c := &Collector{opts: o, cat: cat, arm: u, limiters: collectors.NewLimiters(o.RatePerSubscription), subs: map[string]string{}}
	c.client = boundedClient(o.RootCAs)
	c.copts = &arm.ClientOptions{
		// Registering a resource provider is a write: never.
		DisableRPRegistration: true,
		ClientOptions: policy.ClientOptions{
			Cloud:     o.Cloud,
			Transport: limitedTransport{c.client},
			Retry: policy.RetryOptions{MaxRetries: o.MaxRetries, RetryDelay: o.RetryDelay, MaxRetryDelay: o.MaxRetryDelay,
				TryTimeout: time.Minute},
			PerCallPolicies:  []policy.Policy{guard{arm: c.arm}},
			PerRetryPolicies: []policy.Policy{pacer{c: c}},
			Telemetry:        policy.TelemetryOptions{ApplicationID: "aisight"},
		}}
	c.roles = newRoleCache(c)
	return c, nil
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return Name }

// RetriesCalls implements collectors.CallRetrier: azcore's retry policy
// retries each throttled or failing call (MaxRetries, Retry-After).
func (c *Collector) RetriesCalls() bool { return true }

// ScopesAtOnce implements collectors.ScopesAtOnce (see CloudScopesAtOnce).
func (c *Collector) ScopesAtOnce() int { return collectors.CloudScopesAtOnce }

// Close releases idle connections.
func (c *Collector) Close() error {
	c.client.CloseIdleConnections()
	return nil
}

// maxResponse bounds one response body.
const maxResponse = 16 << 20

// boundedClient has a deadline on every step (dial 10s, TLS 10s, headers
// 30s, a whole request 2m) and trusts roots when given.
func boundedClient(roots *x509.CertPool) *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConnsPerHost:   16,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots},
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute, CheckRedirect: redact.CheckRedirect}
}

// limitedTransport caps what a response body may hold.
type limitedTransport struct{ c *http.Client }

func (t limitedTransport) Do(req *http.Request) (*http.Response, error) {
	resp, err := t.c.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body = &capped{r: io.LimitReader(resp.Body, maxResponse+1), c: resp.Body}
	return resp, nil
}

type capped struct {
	r io.Reader
	c io.Closer
	n int64
}

func (b *capped) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.n > maxResponse {
		return n, fmt.Errorf("azure: response larger than %d bytes", maxResponse)
	}
	return n, err
}

func (b *capped) Close() error { return b.c.Close() }

// guard refuses, before anything is sent, a request that is not a GET or
// that goes to another origin than Resource Manager (a nextLink pointing
// elsewhere would otherwise carry the bearer token there). The origin is
// compared as redact.SameOrigin does: ARM writes nextLinks with the
// default port (https://management.azure.com:443/...), the same origin.
type guard struct{ arm *url.URL }

func (g guard) Do(req *policy.Request) (*http.Response, error) {
	if err := g.allows(req.Raw()); err != nil {
		return nil, err
	}
	return req.Next()
}

func (g guard) allows(r *http.Request) error {
	if r.Method != http.MethodGet {
		return collectors.Classedf(model.ErrInternal, "aisight is read-only: refused %s %s", r.Method, r.URL.Path)
	}
	if !redact.SameOrigin(g.arm, r.URL) {
		return collectors.Classedf(model.ErrUnavailable, "azure: refused to follow a link to %s://%s with the token (Resource Manager is %s)", r.URL.Scheme, r.URL.Host, g.arm.Host)
	}
	return nil
}

// callState is what a scope's calls share: counters and its rate limit.
type callState struct {
	calls, throttled atomic.Int64
	limiter          *rate.Limiter
}

type stateKey struct{}

// pacer waits for the subscription's rate limit before every try and
// counts calls and 429s.
type pacer struct{ c *Collector }

func (p pacer) Do(req *policy.Request) (*http.Response, error) {
	ctx := req.Raw().Context()
	st, _ := ctx.Value(stateKey{}).(*callState)
	if st != nil {
		st.calls.Add(1)
		collectors.MeterRequest(ctx)
		if err := st.limiter.Wait(ctx); err != nil {
			return nil, err
		}
	}
	resp, err := req.Next()
	if st != nil && resp != nil && resp.StatusCode == http.StatusTooManyRequests {
		st.throttled.Add(1)
	}
	return resp, err
}

// Scopes: one scope per subscription, --azure-subscriptions or every
// enabled subscription the credential can see.
func (c *Collector) Scopes(ctx context.Context) ([]model.Scope, error) {
	client, err := armsubscriptions.NewClient(c.opts.Credential, c.copts)
	if err != nil {
		return nil, collectors.Classed(model.ErrInvalidConfig, err)
	}
	ctx = context.WithValue(ctx, stateKey{}, &callState{limiter: c.limiters.Get("")})
	visible := map[string]string{}
	var order []string
	p := client.NewListPager(nil)
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			var re *azcore.ResponseError
			var ce *collectors.ClassError // refused by aisight itself (guard): not a credential problem
			if !errors.As(err, &re) && !errors.As(err, &ce) && classify(err) == model.ErrNone && ctx.Err() == nil && !isNetErr(err) {
				// No token: the credential chain found nothing usable.
				return nil, collectors.Classed(model.ErrInvalidConfig, callErr(err, "azure credentials (sign in with az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret, certificate or federated token)"))
			}
			return nil, callErr(err, "subscriptions list")
		}
		for _, s := range page.Value {
			id := strings.ToLower(deref(s.SubscriptionID))
			if s.State != nil && *s.State != armsubscriptions.SubscriptionStateEnabled {
				c.opts.Logger.Info("subscription not enabled; not scanned", "subscription", id, "state", *s.State)
				continue
			}
			visible[id] = deref(s.DisplayName)
			order = append(order, id)
		}
	}
	var ids []string
	if len(c.opts.Subscriptions) > 0 {
		for _, id := range c.opts.Subscriptions {
			ids = append(ids, strings.ToLower(id))
		}
	} else {
		ids = order
	}
	sort.Strings(ids)
	if len(ids) == 0 {
		return nil, collectors.Classedf(model.ErrDenied, "the credential can see no enabled subscription (Reader or the aisight role on none); name them with --azure-subscriptions")
	}
	var scopes []model.Scope
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, id := range ids {
		c.subs[id] = visible[id]
		scopes = append(scopes, model.Scope{ID: "azure:" + id, Provider: Name, Kind: "subscription", Account: id, Name: visible[id]})
	}
	return scopes, nil
}

// Collect inventories one subscription.
func (c *Collector) Collect(ctx context.Context, scope model.Scope, sink collectors.Sink) error {
	st := &callState{limiter: c.limiters.Get(scope.Account)}
	ctx = context.WithValue(ctx, stateKey{}, st)
	defer func() {
		sink.Count("api_calls", st.calls.Load())
		if n := st.throttled.Load(); n > 0 {
			sink.Count("throttled_retries", n)
		}
	}()
	s := &scan{c: c, scope: scope, sink: sink, sub: scope.Account, grants: map[string]*principal{}}
	// The two resource providers are listed at once (each its own chain
	// of calls); their shared findings are under s.mu.
	err := collectors.Families{Sink: sink, Classify: classify, NotOffered: s.notRegistered, ClientRetries: true}.
		RunGroups(ctx, s.cognitiveFamilies(), s.mlFamilies(), s.policyFamilies())
	s.reportPrincipals() // whatever the families saw, even when some failed
	for _, f := range s.scopeFacts() {
		sink.ScopeFact(f)
	}
	if err == nil && s.unregistered.Load() == int64(len(providerFamilies)) {
		// No AI resource provider is registered: nothing can exist here.
		return collectors.SkipScope(model.ErrNotEnabled, fmt.Errorf("no AI resource provider is registered in subscription %s (%s)", scope.Account, strings.Join(providerNamespaces, ", ")))
	}
	return err
}

// providerFamilies are the families that list a resource provider's
// resources; when each answers MissingSubscriptionRegistration the
// subscription holds no AI resources.
var (
	providerFamilies   = []string{"cognitive.accounts", "ml.workspaces", "ml.registries"}
	providerNamespaces = []string{"Microsoft.CognitiveServices", "Microsoft.MachineLearningServices"}
)

// scan is one subscription's collection.
type scan struct {
	c            *Collector
	scope        model.Scope
	sink         collectors.Sink
	sub          string
	unregistered atomic.Int64
	defs         policyCache // Azure Policy definitions its assignments name (policy.go)

	mu      sync.Mutex
	listed  map[string]bool // provider families that listed everything (or found the provider unregistered)
	targets int             // AI accounts and online endpoints: what is invoked
	logged  int             // of those, the ones whose diagnostic settings log requests
	dests   map[string]bool
	grants  map[string]*principal // principal id -> its AI grants, from the resources' role assignments
	managed map[string]bool       // principal ids of the managed identities of its resources
}

// notRegistered recognises a resource provider that is not registered in
// the subscription (none of its resources can exist): counted, noted, not
// a problem.
func (s *scan) notRegistered(err error) bool {
	var re *azcore.ResponseError
	if !errors.As(err, &re) || re.ErrorCode != "MissingSubscriptionRegistration" {
		return false
	}
	s.unregistered.Add(1)
	s.mu.Lock()
	if s.listed == nil {
		s.listed = map[string]bool{}
	}
	if strings.Contains(oneLine(err), "MachineLearningServices") {
		s.listed["ml"] = true
	} else {
		s.listed["cognitive"] = true
	}
	s.mu.Unlock()
	s.sink.Count("providers_not_registered", 1)
	s.sink.Note(fmt.Errorf("not_enabled: %s", oneLine(err)))
	return true
}

// itemFailed records one item of a listing that could not be read.
func (s *scan) itemFailed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	collectors.ItemFailed(s.sink, classify, err)
}

// asset starts a PaaS asset of this subscription.
func (s *scan) asset(id string, kind model.Kind, name, location string) *model.Asset {
	return &model.Asset{ID: id, Provider: Name, Scope: s.scope.ID, Region: location, Kind: kind, DeploymentType: model.PaaS, Name: name}
}

// tag sets tags and the owner (first of the owner tag keys, case-insensitive).
func (s *scan) tag(a *model.Asset, tags map[string]*string) {
	if len(tags) == 0 {
		return
	}
	a.Tags = map[string]string{}
	for k, v := range tags {
		a.Tags[k] = deref(v)
	}
	for _, want := range s.c.opts.OwnerTags {
		for k, v := range a.Tags {
			if strings.EqualFold(k, want) && v != "" && a.Owner == "" {
				a.Owner = v
			}
		}
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func isNetErr(err error) bool {
	var ne net.Error
	return errors.As(err, &ne)
}

// resourceGroup is the resource group of an ARM resource id.
func resourceGroup(id string) string {
	parts := strings.Split(id, "/")
	for i := 0; i+1 < len(parts); i++ {
		if strings.EqualFold(parts[i], "resourceGroups") {
			return parts[i+1]
		}
	}
	return ""
}

// apiError names a failed call, with the ARM error on one line; it unwraps
// to the SDK's error so the classifier sees the status and code.
type apiError struct {
	op  string
	err error
}

func (e *apiError) Error() string { return e.op + ": " + oneLine(e.err) }
func (e *apiError) Unwrap() error { return e.err }

func callErr(err error, format string, args ...any) error {
	return &apiError{op: fmt.Sprintf(format, args...), err: err}
}

// oneLine renders an ARM error as "403 AuthorizationFailed: message"
// instead of the SDK's multi-line dump.
func oneLine(err error) string {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return strings.ReplaceAll(err.Error(), "\n", "; ")
	}
	msg := ""
	if re.RawResponse != nil {
		if b, perr := runtime.Payload(re.RawResponse); perr == nil {
			var body struct {
				Error struct {
					Message string `json:"message"`
				} `json:"error"`
			}
			if json.Unmarshal(b, &body) == nil {
				msg = body.Error.Message
			}
		}
	}
	out := fmt.Sprintf("%d %s", re.StatusCode, re.ErrorCode)
	if msg != "" {
		out += ": " + strings.ReplaceAll(msg, "\n", " ")
	}
	return out
}

// ClassifyError maps ARM errors to error classes.
func (c *Collector) ClassifyError(err error) model.ErrorClass { return classify(err) }

func classify(err error) model.ErrorClass {
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		switch {
		case re.ErrorCode == "MissingSubscriptionRegistration":
			return model.ErrNotEnabled
		case re.StatusCode == http.StatusForbidden, re.StatusCode == http.StatusUnauthorized:
			return model.ErrDenied
		case re.StatusCode == http.StatusTooManyRequests:
			return model.ErrThrottled
		case re.StatusCode >= 500:
			return model.ErrUnavailable
		}
		return model.ErrNone
	}
	var ae *azidentity.AuthenticationFailedError
	if errors.As(err, &ae) {
		return model.ErrDenied
	}
	return model.ErrNone
}

// invoked records an invocation target (an AI account, an online
// endpoint) and what its diagnostic settings say (nil: unread).
func (s *scan) invoked(l *logging) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.targets++
	if l != nil && l.enabled {
		s.logged++
		if s.dests == nil {
			s.dests = map[string]bool{}
		}
		for _, d := range l.destinations {
			s.dests[d] = true
		}
	}
}

// done marks a provider family that listed everything.
func (s *scan) done(family string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.listed == nil {
		s.listed = map[string]bool{}
	}
	s.listed[family] = true
}

// scopeFacts are the subscription's logging facts, once both providers
// were listed: how many AI accounts and online endpoints it has
// (azure.ai_endpoints; 0: the logging controls do not apply), and whether
// some of them log requests, and where.
func (s *scan) scopeFacts() []model.Fact {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.listed["cognitive"] || !s.listed["ml"] {
		return nil
	}
	const src = "diagnostic settings of the subscription's AI accounts and online endpoints"
	fs := []model.Fact{model.Int("azure.ai_endpoints", int64(s.targets), model.Observed, src)}
	if s.targets == 0 {
		return fs
	}
	var dests []string
	for d := range s.dests {
		dests = append(dests, d)
	}
	sort.Strings(dests)
	return append(fs, model.Bool("logging.invocation_enabled", s.logged > 0, model.Observed, src),
		model.String("logging.destination", strings.Join(dests, ","), model.Observed, src))
}
