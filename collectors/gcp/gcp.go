// Package gcp is the GCP collector: Vertex AI (endpoints and their deployed
// models, models and every version, tuning jobs' outputs, Agent Engine
// reasoning engines, Vector Search index endpoints, Colab Enterprise
// notebook runtimes), Workbench instances, and each project's AI
// principals (IAM policy bindings to Vertex AI, ML and Workbench roles,
// basic roles, custom roles granting AI permissions, service agents) and
// the user-managed keys of its AI service accounts, across every project
// the credentials can see and every Vertex AI location.
//
// It is read-only by construction: a gRPC interceptor on every connection
// refuses any method that is not List*, Get* or Search*, and deploy/gcp
// ships a custom role with exactly the permissions it uses. Credentials are
// Application Default Credentials, optionally impersonating a service
// account.
//
// Each listing is a named resource family (collectors.Family) whose
// response-to-asset mapping is a pure function with a table test.
//
// Files: options.go (flags, validation, enablement), gcp.go (scopes,
// connections, retries, the family runner, error classes), identity.go
// (service account names and defaults), iam.go (iam.principals),
// endpoints.go (vertex.endpoints), models.go (vertex.models,
// vertex.tuning_jobs), agents.go (vertex.reasoning_engines), vectors.go
// (vertex.index_endpoints), notebooks.go (vertex.notebook_runtimes,
// workbench.instances); each *_test.go beside its file.
package gcp

import (
	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	resourcemanager "cloud.google.com/go/resourcemanager/apiv3"
	"cloud.google.com/go/resourcemanager/apiv3/resourcemanagerpb"
	"github.com/googleapis/gax-go/v2"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"golang.org/x/time/rate"
	"google.golang.org/api/impersonate"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	gtransport "google.golang.org/api/transport/grpc"
	"google.golang.org/genproto/googleapis/cloud/location"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	aiplatform "cloud.google.com/go/aiplatform/apiv1"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

// Name is the collector's name.
const Name = "gcp"

// Options configure the collector.
type Options struct {
	// Projects to scan (ids); empty means every active project the
	// credentials can find (Resource Manager search).
	Projects []string
	// Locations are the Vertex AI locations to scan; empty means the ones
	// the Locations API lists for each project.
	Locations []string
	// Impersonate is a service account to impersonate (the caller needs
	// roles/iam.serviceAccountTokenCreator on it).
	Impersonate string
	// OwnerLabels are label keys read as the owner, in order.
	OwnerLabels []string
	// RatePerProject bounds requests per second per project and location
	// (and of a project's global calls) (default 10).
	RatePerProject float64
	// Emulator is host:port of a local emulator (loopback only): plaintext
	// gRPC, no credentials, every service at that address.
	Emulator string
	// MaxAttempts bounds tries of a call answered RESOURCE_EXHAUSTED or
	// UNAVAILABLE (default 8); Backoff is the first pause (default 1s),
	// doubled up to MaxBackoff (default 20s), with jitter.
	MaxAttempts int
	Backoff     time.Duration
	MaxBackoff  time.Duration
	// CallTimeout bounds one call with its retries (default 2m).
	CallTimeout time.Duration
	// ClientOptions are extra options for every connection (tests).
	ClientOptions []option.ClientOption
	// Now is the clock key ages are measured with (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
	// Secret registers the credentials the collector uses (the private
	// key, client secret and refresh token of the Application Default
	// Credentials file, and every access token) with the output wall.
	Secret func(string)
}

// projectInfo is what the scopes need to know about a project.
type projectInfo struct {
	ID, Number, Name string
	Labels           map[string]string
	// Parent is the folder or organisation above the project ("" unknown).
	Parent string
}

// Collector implements collectors.Collector for GCP.
type Collector struct {
	opts   Options
	auth   []option.ClientOption
	tokens oauth2.TokenSource // nil with the emulator
	cat    *fingerprint.Catalog
	// limiters pace a project's calls in one location (key
	// "project/location": Google meters Vertex AI reads per project and
	// region) and its global calls (key "project": IAM, Resource Manager,
	// Workbench).
	limiters *collectors.Limiters

	mu       sync.Mutex
	conns    map[string]*grpc.ClientConn // by endpoint
	projects map[string]projectInfo      // by id
	byNumber map[string]string           // project number -> id
	// locErr says why a project's locations could not be listed; its
	// project scope reports it. disabled marks projects whose Vertex AI
	// API is not enabled: their location scopes fail at once with it.
	locErr   map[string]error
	disabled map[string]error
	// tree caches the folders and organisation above the projects.
	tree *hierarchy
}

// New prepares credentials; no call is made until Scopes.
func New(ctx context.Context, o Options, cat *fingerprint.Catalog) (*Collector, error) {
	if o.RatePerProject <= 0 {
		o.RatePerProject = 10
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.Backoff <= 0 {
		o.Backoff = time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 20 * time.Second
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = 2 * time.Minute
	}
	if len(o.OwnerLabels) == 0 {
		o.OwnerLabels = []string{"owner", "team", "aisight-owner"}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	c := &Collector{opts: o, cat: cat, conns: map[string]*grpc.ClientConn{}, limiters: collectors.NewLimiters(o.RatePerProject),
		projects: map[string]projectInfo{}, byNumber: map[string]string{}, locErr: map[string]error{}, disabled: map[string]error{}, tree: newHierarchy()}
	switch {
	case o.Emulator != "":
		host, _, err := net.SplitHostPort(o.Emulator)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			return nil, collectors.Classedf(model.ErrInvalidConfig, "GCP emulator %q: want a loopback host:port (credentials are never sent to it)", o.Emulator)
		}
		c.auth = []option.ClientOption{option.WithoutAuthentication(),
			option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials()))}
	case o.Impersonate != "":
		ts, err := impersonate.CredentialsTokenSource(ctx, impersonate.CredentialsConfig{
			TargetPrincipal: o.Impersonate, Scopes: []string{cloudPlatform}})
		if err != nil {
			return nil, collectors.Classed(model.ErrInvalidConfig, callErr(err, "impersonate %s", o.Impersonate))
		}
		c.tokens = ts
		c.auth = []option.ClientOption{option.WithTokenSource(secretTokens{ts, o.Secret})}
	case o.Secret != nil:
		// Application Default Credentials, found as the client libraries
		// find them, so that their secrets and tokens can be registered.
		creds, err := google.FindDefaultCredentials(ctx, cloudPlatform)
		if err != nil {
			o.Logger.Debug("gcp credentials", "err", err)
			return nil, collectors.Classedf(model.ErrInvalidConfig, "no usable Google credentials: %s", noCredentialsHint)
		}
		registerADC(creds.JSON, o.Secret)
		c.tokens = creds.TokenSource
		c.auth = []option.ClientOption{option.WithTokenSource(secretTokens{creds.TokenSource, o.Secret})}
	}
	c.auth = append(c.auth, o.ClientOptions...)
	return c, nil
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return Name }

// noCredentialsHint says what to set when no Google credentials work.
const noCredentialsHint = "set GOOGLE_APPLICATION_CREDENTIALS to a service account or external account file, or run gcloud auth application-default login, or run on Google Cloud with an attached service account (--log-level debug shows why)"

// CheckCredentials gets one token (for --gcp=on, where Application
// Default Credentials, the metadata server included, may give none), so a
// scan without usable credentials stops with one line saying what to set.
func (c *Collector) CheckCredentials(ctx context.Context) error {
	if c.tokens == nil {
		return nil
	}
	type result struct{ err error }
	done := make(chan result, 1)
	go func() { _, err := c.tokens.Token(); done <- result{err} }()
	select {
	case r := <-done:
		if r.err == nil {
			return nil
		}
		c.opts.Logger.Debug("gcp credentials", "err", r.err)
	case <-time.After(30 * time.Second):
		c.opts.Logger.Debug("gcp credentials", "err", "no token after 30s")
	case <-ctx.Done():
		return ctx.Err()
	}
	return collectors.Classedf(model.ErrInvalidConfig, "no usable Google credentials: %s", noCredentialsHint)
}

// RetriesCalls implements collectors.CallRetrier: each call is retried on
// RESOURCE_EXHAUSTED and UNAVAILABLE (callOpts).
func (c *Collector) RetriesCalls() bool { return true }

// ScopesAtOnce implements collectors.ScopesAtOnce (see CloudScopesAtOnce).
func (c *Collector) ScopesAtOnce() int { return collectors.CloudScopesAtOnce }

// Close closes the collector's connections.
func (c *Collector) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	for k, conn := range c.conns {
		errs = append(errs, conn.Close())
		delete(c.conns, k)
	}
	return errors.Join(errs...)
}

// maxResponse bounds one gRPC response (a page of models with their
// schemata is at most a few megabytes).
const maxResponse = 16 << 20

// Service endpoints. Vertex AI is regional: {location}-aiplatform.
const (
	vertexGlobal   = "aiplatform.googleapis.com:443"
	crmEndpoint    = "cloudresourcemanager.googleapis.com:443"
	iamEndpoint    = "iam.googleapis.com:443"
	notebooksEndpt = "notebooks.googleapis.com:443"
)

func vertexEndpoint(loc string) string {
	if loc == "global" {
		return vertexGlobal
	}
	return loc + "-aiplatform.googleapis.com:443"
}

// conn is the shared connection to a service endpoint (the emulator's
// address for every one when set), with the read-only guard, call counting
// and the per-project rate limit.
func (c *Collector) conn(ctx context.Context, endpoint string) (*grpc.ClientConn, error) {
	if c.opts.Emulator != "" {
		endpoint = c.opts.Emulator
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if cc, ok := c.conns[endpoint]; ok {
		return cc, nil
	}
	opts := append([]option.ClientOption{
		option.WithEndpoint(endpoint),
		option.WithGRPCDialOption(grpc.WithChainUnaryInterceptor(readOnlyGuard, c.pace)),
		option.WithGRPCDialOption(grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxResponse))),
		option.WithUserAgent("aisight"),
	}, c.auth...)
	cc, err := gtransport.Dial(context.WithoutCancel(ctx), opts...)
	if err != nil {
		return nil, collectors.Classed(model.ErrInvalidConfig, callErr(err, "gcp connect %s", endpoint))
	}
	c.conns[endpoint] = cc
	return cc, nil
}

// clientOpts make a generated client use a shared connection.
func clientOpts(cc *grpc.ClientConn) []option.ClientOption {
	return []option.ClientOption{option.WithGRPCConn(cc)}
}

// readOnlyGuard refuses every RPC that is not a List, Get or Search.
func readOnlyGuard(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	name := method[strings.LastIndex(method, "/")+1:]
	for _, p := range []string{"List", "Get", "Search"} {
		if strings.HasPrefix(name, p) {
			return invoker(ctx, method, req, reply, cc, opts...)
		}
	}
	return collectors.Classedf(model.ErrInternal, "aisight is read-only: refused to call %s", method)
}

// callState is what a scope's calls share: a call counter and the
// project's rate limit.
type callState struct {
	calls   atomic.Int64
	retries atomic.Int64
	limiter *rate.Limiter
}

type stateKey struct{}

func withState(ctx context.Context, st *callState) context.Context {
	return context.WithValue(ctx, stateKey{}, st)
}

// pace waits for the scope's rate limit and counts the call.
func (c *Collector) pace(ctx context.Context, method string, req, reply any, cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	if st, ok := ctx.Value(stateKey{}).(*callState); ok {
		st.calls.Add(1)
		collectors.MeterRequest(ctx)
		if st.limiter != nil {
			if err := st.limiter.Wait(ctx); err != nil {
				return err
			}
		}
	}
	return invoker(ctx, method, req, reply, cc, opts...)
}

// callOpts retry RESOURCE_EXHAUSTED and UNAVAILABLE with jittered
// exponential backoff, within the call timeout.
func (c *Collector) callOpts(ctx context.Context) []gax.CallOption {
	st, _ := ctx.Value(stateKey{}).(*callState)
	return []gax.CallOption{
		gax.WithTimeout(c.opts.CallTimeout),
		gax.WithRetry(func() gax.Retryer {
			return &retryer{left: c.opts.MaxAttempts - 1, st: st,
				backoff: gax.Backoff{Initial: c.opts.Backoff, Max: c.opts.MaxBackoff, Multiplier: 2}}
		}),
	}
}

// retryer is a bounded gax retryer for transient codes.
type retryer struct {
	left    int
	backoff gax.Backoff
	st      *callState
}

func (r *retryer) Retry(err error) (time.Duration, bool) {
	switch status.Code(err) {
	case codes.ResourceExhausted, codes.Unavailable:
	default:
		return 0, false
	}
	if r.left <= 0 {
		return 0, false
	}
	r.left--
	if r.st != nil {
		r.st.retries.Add(1)
	}
	return r.backoff.Pause(), true
}

// Scopes: one scope per project (its IAM principals and Workbench
// instances) and one per project and Vertex AI location.
func (c *Collector) Scopes(ctx context.Context) ([]model.Scope, error) {
	projects, err := c.findProjects(ctx)
	if err != nil {
		return nil, err
	}
	locs := make([][]string, len(projects))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, p := range projects {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			l, err := c.locations(ctx, p.ID)
			if err != nil {
				c.mu.Lock()
				c.locErr[p.ID] = err
				if disabledReason(err) {
					c.disabled[p.ID] = err
				}
				c.mu.Unlock()
			}
			locs[i] = l
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	// A project whose locations could not be listed gets the locations the
	// others have (Vertex AI's locations are the same for every project),
	// so each of its location scopes shows the denial or disabled API.
	union := map[string]bool{}
	for _, l := range locs {
		for _, x := range l {
			union[x] = true
		}
	}
	var fallback []string
	for x := range union {
		fallback = append(fallback, x)
	}
	sort.Strings(fallback)
	var scopes []model.Scope
	for i, p := range projects {
		scopes = append(scopes, model.Scope{ID: "gcp:" + p.ID, Provider: Name, Kind: "project", Account: p.ID, Name: p.Name})
		l := locs[i]
		if l == nil {
			l = fallback
		}
		for _, loc := range l {
			scopes = append(scopes, model.Scope{ID: "gcp:" + p.ID + ":" + loc, Provider: Name, Kind: "project_location", Account: p.ID, Region: loc})
		}
	}
	return scopes, nil
}

// findProjects are --gcp-projects (looked up for their numbers), or every
// active project the credentials can see.
func (c *Collector) findProjects(ctx context.Context) ([]projectInfo, error) {
	cc, err := c.conn(ctx, crmEndpoint)
	if err != nil {
		return nil, err
	}
	client, err := resourcemanager.NewProjectsClient(ctx, clientOpts(cc)...)
	if err != nil {
		return nil, err
	}
	var out []projectInfo
	add := func(p *resourcemanagerpb.Project) {
		info := projectInfo{ID: p.GetProjectId(), Number: strings.TrimPrefix(p.GetName(), "projects/"), Name: p.GetDisplayName(), Labels: p.GetLabels(), Parent: p.GetParent()}
		out = append(out, info)
		c.mu.Lock()
		c.projects[info.ID] = info
		if info.Number != "" {
			c.byNumber[info.Number] = info.ID
		}
		c.mu.Unlock()
	}
	if len(c.opts.Projects) > 0 {
		for _, id := range c.opts.Projects {
			p, err := client.GetProject(ctx, &resourcemanagerpb.GetProjectRequest{Name: "projects/" + id}, c.callOpts(ctx)...)
			if err != nil {
				// Still scanned: its own scopes show what the credentials may do.
				c.opts.Logger.Warn("cannot read project; its number is unknown", "project", id, "err", err)
				p = &resourcemanagerpb.Project{ProjectId: id}
			}
			add(p)
		}
		return out, nil
	}
	it := client.SearchProjects(ctx, &resourcemanagerpb.SearchProjectsRequest{Query: "state:ACTIVE"}, c.callOpts(ctx)...)
	for {
		p, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, callErr(err, "resourcemanager search-projects")
		}
		if p.GetState() == resourcemanagerpb.Project_ACTIVE {
			add(p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) == 0 {
		return nil, collectors.Classedf(model.ErrDenied, "the credentials can see no active project (resourcemanager.projects.get on none); name them with --gcp-projects")
	}
	return out, nil
}

// locations are --gcp-locations, or the project's Vertex AI locations.
func (c *Collector) locations(ctx context.Context, project string) ([]string, error) {
	if len(c.opts.Locations) > 0 {
		return c.opts.Locations, nil
	}
	cc, err := c.conn(ctx, vertexGlobal)
	if err != nil {
		return nil, err
	}
	client, err := aiplatform.NewEndpointClient(ctx, clientOpts(cc)...)
	if err != nil {
		return nil, err
	}
	st := &callState{limiter: c.limiters.Get(project)}
	ctx = withState(ctx, st)
	var out []string
	it := client.ListLocations(ctx, &location.ListLocationsRequest{Name: "projects/" + project}, c.callOpts(ctx)...)
	for {
		l, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, callErr(err, "vertex list-locations of %s", project)
		}
		out = append(out, l.GetLocationId())
	}
	sort.Strings(out)
	return out, nil
}

// Collect inventories one scope.
func (c *Collector) Collect(ctx context.Context, scope model.Scope, sink collectors.Sink) error {
	key := scope.Account
	if scope.Region != "" {
		key += "/" + scope.Region
	}
	st := &callState{limiter: c.limiters.Get(key)}
	ctx = withState(ctx, st)
	defer func() {
		sink.Count("api_calls", st.calls.Load())
		if n := st.retries.Load(); n > 0 {
			sink.Count("throttled_retries", n)
		}
	}()
	c.mu.Lock()
	info, ok := c.projects[scope.Account]
	lerr, derr := c.locErr[scope.Account], c.disabled[scope.Account]
	c.mu.Unlock()
	if !ok {
		info = projectInfo{ID: scope.Account}
	}
	s := &scan{c: c, scope: scope, sink: sink, project: info, models: map[string]*model.Asset{}}
	switch scope.Kind {
	case "project":
		switch {
		case derr != nil: // its location scopes are skipped and say why
			sink.Note(fmt.Errorf("the Vertex AI API is not enabled in %s: %w", scope.Account, derr))
		case lerr != nil:
			sink.Problem(collectors.Classed(classify(lerr), lerr))
		}
		return s.run(ctx, s.iamFamilies(ctx), s.workbenchFamilies(ctx), s.orgPolicyFamilies(ctx), s.apiKeyFamilies(ctx))
	case "project_location":
		// Vertex AI not enabled in the project: none of its resources can
		// exist there, so the scope is skipped with the reason.
		if derr != nil {
			return collectors.SkipScope(model.ErrNotEnabled, derr)
		}
		err := s.run(ctx, s.endpointFamilies(ctx), s.modelFamilies(ctx), s.agentFamilies(ctx), s.vectorFamilies(ctx), s.runtimeFamilies(ctx))
		if err != nil && allDisabled(err) {
			return collectors.SkipScope(model.ErrNotEnabled, err)
		}
		return err
	}
	return collectors.Classedf(model.ErrInvalidConfig, "unknown scope kind %s", scope.Kind)
}

// scan is one scope's collection.
type scan struct {
	c       *Collector
	scope   model.Scope
	sink    collectors.Sink
	project projectInfo
	// models are the model versions this scope reported, by asset ID, so
	// the tuning jobs family can add what it knows to them.
	models map[string]*model.Asset
	// pools are the location's deployment resource pools by name, read
	// when a deployed model runs on one (shared_resources); nil when they
	// were not read, so such a model's machines and identity are unknown.
	pools map[string]*aiplatformpb.DeploymentResourcePool
}

// run runs the families of a scope; a family whose client could not be
// made fails like any other.
func (s *scan) run(ctx context.Context, groups ...[]collectors.Family) error {
	var fams []collectors.Family
	for _, g := range groups {
		fams = append(fams, g...)
	}
	return collectors.Families{Sink: s.sink, Classify: classify, NotOffered: notOffered, ClientRetries: true}.Run(ctx, fams...)
}

// failing is a family that reports why its client could not be made.
func failing(name string, err error) []collectors.Family {
	return []collectors.Family{{Name: name, Collect: func(context.Context) error { return err }}}
}

// itemFailed records one item of a listing that could not be read.
func (s *scan) itemFailed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	collectors.ItemFailed(s.sink, classify, err)
}

// resourceID is the asset ID of a Vertex AI resource: its full resource name.
func resourceID(name string) string { return "//aiplatform.googleapis.com/" + name }

// asset starts a PaaS asset of this scope.
func (s *scan) asset(id string, kind model.Kind, name string) *model.Asset {
	return &model.Asset{ID: id, Provider: Name, Scope: s.scope.ID, Region: s.scope.Region, Kind: kind, DeploymentType: model.PaaS, Name: name}
}

// label sets labels as tags and the owner (the first owner label key).
func (s *scan) label(a *model.Asset, labels map[string]string) {
	if len(labels) == 0 {
		return
	}
	a.Tags = labels
	for _, want := range s.c.opts.OwnerLabels {
		for k, v := range labels {
			if strings.EqualFold(k, want) && v != "" && a.Owner == "" {
				a.Owner = v
			}
		}
	}
}

// ClassifyError maps gRPC status errors to error classes.
func (c *Collector) ClassifyError(err error) model.ErrorClass { return classify(err) }

func classify(err error) model.ErrorClass {
	st, ok := status.FromError(err)
	if !ok {
		return model.ErrNone
	}
	switch st.Code() {
	case codes.PermissionDenied:
		if disabledReason(err) {
			return model.ErrNotEnabled
		}
		return model.ErrDenied
	case codes.Unauthenticated:
		return model.ErrDenied
	case codes.ResourceExhausted:
		return model.ErrThrottled
	case codes.Unavailable, codes.DeadlineExceeded, codes.Internal, codes.Aborted:
		return model.ErrUnavailable
	}
	if notOffered(err) {
		return model.ErrNotEnabled
	}
	return model.ErrNone
}

// apiError is a failed call named by what it did, with the gRPC status on
// one line (code, message, ErrorInfo reason); it unwraps to the status
// error, so the classifiers see the code and details.
type apiError struct {
	op  string
	err error
}

func (e *apiError) Error() string { return e.op + ": " + oneLine(e.err) }
func (e *apiError) Unwrap() error { return e.err }

// callErr names a failed call: callErr(err, "vertex list-endpoints in %s", parent).
func callErr(err error, format string, args ...any) error {
	return &apiError{op: fmt.Sprintf(format, args...), err: err}
}

// oneLine renders an error without the multi-line status details grpc-go
// prints.
func oneLine(err error) string {
	if st, ok := status.FromError(err); ok && st.Code() != codes.Unknown {
		msg := st.Code().String() + ": " + st.Message()
		for _, d := range st.Details() {
			if ei, ok := d.(*errdetails.ErrorInfo); ok && ei.GetReason() != "" {
				msg += " (" + ei.GetReason() + ")"
			}
		}
		return msg
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

// disabledReason recognises an API the project has not enabled: Google
// answers PERMISSION_DENIED with an ErrorInfo whose reason is
// SERVICE_DISABLED.
func disabledReason(err error) bool {
	st, ok := status.FromError(err)
	if !ok || st.Code() != codes.PermissionDenied {
		return false
	}
	for _, d := range st.Details() {
		if ei, ok := d.(*errdetails.ErrorInfo); ok && ei.GetReason() == "SERVICE_DISABLED" {
			return true
		}
	}
	return false
}

// allDisabled reports whether every error in err says SERVICE_DISABLED.
func allDisabled(err error) bool {
	if j, ok := errors.Unwrap(err).(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if !allDisabled(e) {
				return false
			}
		}
		return true
	}
	return disabledReason(err)
}

// notOffered recognises a service a location does not serve: UNIMPLEMENTED,
// or INVALID_ARGUMENT saying the location is not supported.
func notOffered(err error) bool {
	st, ok := status.FromError(err)
	if !ok {
		return false
	}
	switch st.Code() {
	case codes.Unimplemented:
		return true
	case codes.InvalidArgument:
		m := strings.ToLower(st.Message())
		return strings.Contains(m, "location") && strings.Contains(m, "not supported")
	}
	return false
}
