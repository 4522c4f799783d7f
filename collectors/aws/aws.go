// Package aws is the AWS collector: Bedrock (custom and imported models,
// provisioned throughput, inference profiles, guardrails, invocation
// logging), Bedrock Agents (agents, aliases, knowledge bases and their data
// sources, flows, prompts), Bedrock AgentCore (agent runtimes, gateways),
// SageMaker (endpoints, models, notebooks, domains, model registries), IAM
// (AI roles, users, access keys, Bedrock API keys) and the organisation's AI
// guardrails, across every account of an organisation and every enabled
// region.
//
// It is read-only by construction: a middleware on every client refuses any
// operation that is not List*, Get*, Describe* or BatchGet* (plus
// sts:AssumeRole into member accounts), and deploy/aws lists exactly the
// IAM actions it calls. Endpoints come from the SDK's standard settings
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, shared config).
//
// Each listing is a named resource family (collectors.Family) whose
// SDK-response-to-asset mapping is a pure function with a table test.
//
// Files: options.go (flags, validation, enablement), aws.go (scopes,
// per-account clients, the family runner, error classes), readonly.go (the
// read-only guard, rate limit, call counting), org.go (organizations.*),
// iam.go (iam.principals), policy.go (IAM policy analysis), bedrock.go
// (bedrock.*), agents.go (bedrock_agent.*), agentcore.go (agentcore.*),
// sagemaker.go (sagemaker.*); each *_test.go beside its file.
package aws

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accounttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// Name is the collector's name.
const Name = "aws"

// Options configure the collector.
type Options struct {
	// Org scans every active account of the organisation (the caller must be
	// the management account or a delegated administrator).
	Org bool
	// RoleName is the role assumed in each member account (default
	// OrganizationAccountAccessRole is NOT assumed: set it explicitly;
	// deploy/aws ships aisight-readonly).
	RoleName   string
	ExternalID string
	// Regions to scan; empty means each account's enabled regions.
	Regions []string
	// OwnerTags are tag keys read as the owner, in order (case-insensitive).
	OwnerTags []string
	// RatePerAccount bounds requests per second per account, region and
	// service (default 20), as AWS throttles them.
	RatePerAccount float64
	// MaxAttempts and MaxBackoff tune the SDK's adaptive retry (defaults 8, 20s).
	MaxAttempts int
	MaxBackoff  time.Duration
	// RetryMode is the SDK's retry mode (AWS_RETRY_MODE): "standard", or
	// adaptive (client-side pacing after throttles) for anything else.
	RetryMode string
	// ConfigOptions are extra config.LoadDefaultConfig options (tests).
	ConfigOptions []func(*config.LoadOptions) error
	Logger        *slog.Logger
	// Secret registers each credential value the collector signs with
	// (secret keys and session tokens, the caller's and every assumed
	// role's) with the output wall (collectors.Env.Secret).
	Secret func(string)
}

// Collector implements collectors.Collector for AWS.
type Collector struct {
	opts   Options
	base   aws.Config
	caller string // the caller's account id
	org    string // organisation id with --aws-org

	mu       sync.Mutex
	accounts map[string]aws.Config // per account, with its credentials and rate limit
	// regionErr holds why an account's regions could not be listed; its
	// account scope reports it, so the report shows the gap.
	regionErr map[string]error
}

// New loads the default credential chain (env, profiles, SSO, IRSA, ...)
// with adaptive retry and the read-only guard.
func New(ctx context.Context, o Options) (*Collector, error) {
	if o.RatePerAccount <= 0 {
		o.RatePerAccount = 20
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 8
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 20 * time.Second
	}
	if len(o.OwnerTags) == 0 {
		o.OwnerTags = []string{"owner", "team", "aisight:owner"}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Org && o.RoleName == "" {
		return nil, collectors.Classedf(model.ErrInvalidConfig, "--aws-org needs --aws-role-name, the role to assume in member accounts (deploy/aws/aisight-member-role.yaml creates aisight-readonly)")
	}
	standard := func(s *retry.StandardOptions) {
		s.MaxAttempts = o.MaxAttempts
		s.MaxBackoff = o.MaxBackoff
		s.RateLimiter = ratelimit.None // throttling is paced by the adaptive bucket (or backoff) and the per-account limit
	}
	opts := append([]func(*config.LoadOptions) error{
		config.WithRetryer(func() aws.Retryer {
			// Adaptive mode (client-side pacing after throttles) unless the
			// user chose standard through the SDK's own setting.
			if strings.EqualFold(o.RetryMode, "standard") {
				return retry.NewStandard(standard)
			}
			return retry.NewAdaptiveMode(func(a *retry.AdaptiveModeOptions) {
				a.StandardOptions = append(a.StandardOptions, standard)
			})
		}),
		config.WithAPIOptions([]func(*middleware.Stack) error{readOnlyGuard(), countAttempts(), limitBody(maxResponse)}),
		config.WithHTTPClient(boundedHTTPClient()),
		// The SDK's own log lines (IMDS fallbacks, retries) go to aisight's
		// logger at debug level, never raw to the terminal.
		config.WithLogger(sdkLogger{o.Logger}),
	}, o.ConfigOptions...)
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, collectors.Classed(model.ErrInvalidConfig, fmt.Errorf("aws config: %w", err))
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1" // global endpoints (STS, IAM, Organizations)
	}
	// The SDK's client follows redirects, with X-Amz-Security-Token, to any
	// host. Its transport (AWS_CA_BUNDLE applied by now) and timeout are
	// kept under the one redirect rule.
	if bc, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok {
		cfg.HTTPClient = &http.Client{Transport: bc.GetTransport(), Timeout: bc.GetTimeout(), CheckRedirect: redact.CheckRedirect}
	}
	if o.Secret != nil {
		cfg.Credentials = secretCredentials{cfg.Credentials, o.Secret}
	}
	return &Collector{opts: o, base: cfg, accounts: map[string]aws.Config{}, regionErr: map[string]error{}}, nil
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return Name }

// Close releases the idle connections of the HTTP client every account's
// and region's SDK clients share (serve plans its collectors afresh for
// every scan: without this each scan's connections stayed open, two
// goroutines each, until their idle timeout).
func (c *Collector) Close() error {
	if hc, ok := c.base.HTTPClient.(interface{ CloseIdleConnections() }); ok {
		hc.CloseIdleConnections()
	}
	return nil
}

// sdkLogger routes the SDK's log lines to aisight's logger at debug level
// (scrubbed there like every other line).
type sdkLogger struct{ l *slog.Logger }

func (s sdkLogger) Logf(c logging.Classification, format string, v ...any) {
	s.l.Debug("aws sdk: "+fmt.Sprintf(format, v...), "class", string(c))
}

// CheckCredentials resolves the credentials once (for --aws=on, where the
// default chain, instance metadata included, may find none), so a scan
// without usable credentials stops with one line saying what to set rather
// than failing every scope.
func (c *Collector) CheckCredentials(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if _, err := c.base.Credentials.Retrieve(ctx); err != nil {
		c.opts.Logger.Debug("aws credentials", "err", err)
		return collectors.Classedf(model.ErrInvalidConfig, "--aws=on but no usable AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE, or run with an instance, task or pod role (none was found; --log-level debug shows where the SDK looked)")
	}
	return nil
}

// RetriesCalls implements collectors.CallRetrier: the SDK retries each
// throttled or failing call (adaptive mode, MaxAttempts, MaxBackoff).
func (c *Collector) RetriesCalls() bool { return true }

// ScopesAtOnce implements collectors.ScopesAtOnce (see CloudScopesAtOnce).
func (c *Collector) ScopesAtOnce() int { return collectors.CloudScopesAtOnce }

// maxResponse bounds one AWS response body (IAM authorization details, the
// largest, are at most a few megabytes a page).
const maxResponse = 16 << 20

// boundedHTTPClient is the SDK's HTTP client with a deadline on every step
// (dial 10s, TLS 10s, response headers 30s, a whole attempt 2m) and a pool
// of idle connections sized for the scopes at work at once: a peer
// that accepts and never answers costs one attempt, never the scan. It
// stays a BuildableClient, so AWS_CA_BUNDLE still applies; limitBody caps
// what a response may hold.
func boundedHTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().
		WithDialerOptions(func(d *net.Dialer) { d.Timeout = 10 * time.Second }).
		WithTransportOptions(func(tr *http.Transport) {
			tr.TLSHandshakeTimeout = 10 * time.Second
			tr.ResponseHeaderTimeout = 30 * time.Second
			// Keep a connection for each scope at work on a regional
			// endpoint (the SDK keeps 10 per host): with hundreds of
			// accounts' scopes on one host, the rest were closed after
			// every answer and dialled (a TLS handshake) again.
			tr.MaxIdleConnsPerHost = collectors.CloudScopesAtOnce
			tr.MaxIdleConns = 4 * collectors.CloudScopesAtOnce
		}).
		WithTimeout(2 * time.Minute)
}

// Scopes: the organisation (with --aws-org), one scope per account for the
// global services (IAM), and one per account and enabled region.
func (c *Collector) Scopes(ctx context.Context) ([]model.Scope, error) {
	id, err := sts.NewFromConfig(c.base).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return nil, fmt.Errorf("sts get-caller-identity: %w", err)
	}
	c.caller = aws.ToString(id.Account)
	accounts := []string{c.caller}
	var scopes []model.Scope
	if c.opts.Org {
		orgs := organizations.NewFromConfig(c.base)
		o, err := orgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		if err != nil {
			return nil, fmt.Errorf("organizations describe-organization: %w", err)
		}
		c.org = aws.ToString(o.Organization.Id)
		scopes = append(scopes, model.Scope{ID: "aws:org:" + c.org, Provider: Name, Kind: "organization", Account: c.caller, Name: c.org})
		accounts = nil
		p := organizations.NewListAccountsPaginator(orgs, &organizations.ListAccountsInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return nil, fmt.Errorf("organizations list-accounts: %w", err)
			}
			for _, a := range page.Accounts {
				if a.Status == "ACTIVE" || a.State == "ACTIVE" {
					accounts = append(accounts, aws.ToString(a.Id))
				}
			}
		}
		sort.Strings(accounts)
	}
	// Regions per account, looked up 32 accounts at a time (each may assume
	// a role: two calls of a few tens of milliseconds).
	regions := make([][]string, len(accounts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 32)
	for i, acct := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := c.regions(ctx, acct)
			if err != nil {
				// The account's global scope still runs and shows its own errors.
				c.opts.Logger.Warn("cannot list regions; scanning the default region only", "account", acct, "err", err)
				r = []string{c.base.Region}
				c.mu.Lock()
				c.regionErr[acct] = fmt.Errorf("regions of %s not listed, only %s scanned: %w", acct, c.base.Region, err)
				c.mu.Unlock()
			}
			regions[i] = r
		}()
	}
	wg.Wait()
	for i, acct := range accounts {
		scopes = append(scopes, model.Scope{ID: "aws:" + acct, Provider: Name, Kind: "account", Account: acct})
		for _, r := range regions[i] {
			scopes = append(scopes, model.Scope{ID: "aws:" + acct + ":" + r, Provider: Name, Kind: "account_region", Account: acct, Region: r})
		}
	}
	return scopes, nil
}

// regions are --aws-regions, or the account's enabled regions.
func (c *Collector) regions(ctx context.Context, acct string) ([]string, error) {
	if len(c.opts.Regions) > 0 {
		return c.opts.Regions, nil
	}
	cfg, err := c.config(acct)
	if err != nil {
		return nil, err
	}
	var out []string
	p := account.NewListRegionsPaginator(account.NewFromConfig(cfg), &account.ListRegionsInput{
		RegionOptStatusContains: []accounttypes.RegionOptStatus{accounttypes.RegionOptStatusEnabled, accounttypes.RegionOptStatusEnabledByDefault},
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("account list-regions: %w", err)
		}
		for _, r := range page.Regions {
			if r.RegionOptStatus == accounttypes.RegionOptStatusEnabled || r.RegionOptStatus == accounttypes.RegionOptStatusEnabledByDefault {
				out = append(out, aws.ToString(r.RegionName))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}

// config is the account's configuration: its credentials (the caller's own,
// or the assumed member role) and its own request rate limit.
func (c *Collector) config(acct string) (aws.Config, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if cfg, ok := c.accounts[acct]; ok {
		return cfg, nil
	}
	cfg := c.base.Copy()
	if acct != c.caller {
		role := "arn:aws:iam::" + acct + ":role/" + c.opts.RoleName
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(c.base), role, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "aisight"
			if c.opts.ExternalID != "" {
				o.ExternalID = aws.String(c.opts.ExternalID)
			}
		}))
		if c.opts.Secret != nil {
			cfg.Credentials = secretCredentials{cfg.Credentials, c.opts.Secret}
		}
	}
	cfg.APIOptions = append(slices.Clone(cfg.APIOptions), rateLimit(collectors.NewLimiters(c.opts.RatePerAccount)))
	c.accounts[acct] = cfg
	return cfg, nil
}

// Collect inventories one scope.
func (c *Collector) Collect(ctx context.Context, scope model.Scope, sink collectors.Sink) error {
	calls := &callCounter{}
	ctx = withCounter(ctx, calls)
	defer func() { sink.Count("api_calls", calls.n.Load()) }()
	cfg, err := c.config(scope.Account)
	if err != nil {
		return err
	}
	s := &scan{c: c, cfg: cfg, scope: scope, sink: sink}
	switch scope.Kind {
	case "organization":
		return s.run(ctx, s.orgFamilies())
	case "account":
		c.mu.Lock()
		rerr := c.regionErr[scope.Account]
		c.mu.Unlock()
		if rerr != nil {
			sink.Problem(collectors.Classed(classify(rerr), rerr))
		}
		return s.run(ctx, s.iamFamilies())
	case "account_region":
		cfg.Region = scope.Region
		s.cfg = cfg
		return s.run(ctx, s.bedrockFamilies(), s.agentFamilies(), s.agentCoreFamilies(), s.sagemakerFamilies())
	}
	return collectors.Classedf(model.ErrInvalidConfig, "unknown scope kind %s", scope.Kind)
}

// scan is one scope's collection.
type scan struct {
	c      *Collector
	cfg    aws.Config
	scope  model.Scope
	sink   collectors.Sink
	mu     sync.Mutex        // guards roleOf: a region's services are listed at once
	roleOf map[string]string // asset ID -> role ARN
}

// run runs the resource families of a scope (collectors.Families: a failed
// family is a problem, every error is kept, the scope fails only when no
// family succeeds). The groups, one per service, run at once (each service
// has its own latency and rate limit); a group's families run in order.
func (s *scan) run(ctx context.Context, groups ...[]collectors.Family) error {
	return collectors.Families{Sink: s.sink, Classify: classify, NotOffered: notOffered, ClientRetries: true}.RunGroups(ctx, groups...)
}

// itemFailed records one item of a listing that could not be read; the
// listing goes on. A cancelled scan is not an item failure.
func (s *scan) itemFailed(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	collectors.ItemFailed(s.sink, classify, err)
}

// asset starts a PaaS asset of this scope.
func (s *scan) asset(arn string, kind model.Kind, name string) *model.Asset {
	return &model.Asset{ID: arn, Provider: Name, Scope: s.scope.ID, Region: s.scope.Region, Kind: kind, DeploymentType: model.PaaS, Name: name}
}

// tag sets tags and the owner (first of the owner tag keys, case-insensitive).
func (s *scan) tag(a *model.Asset, tags map[string]string) {
	if len(tags) == 0 {
		return
	}
	a.Tags = tags
	for _, want := range s.c.opts.OwnerTags {
		for k, v := range tags {
			if strings.EqualFold(k, want) && v != "" && a.Owner == "" {
				a.Owner = v
			}
		}
	}
}

// ClassifyError maps AWS errors to error classes.
func (c *Collector) ClassifyError(err error) model.ErrorClass { return classify(err) }

func classify(err error) model.ErrorClass {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException",
			"InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch", "MissingAuthenticationTokenException":
			return model.ErrDenied
		case "Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "ThrottledException":
			return model.ErrThrottled
		case "OptInRequired", "SubscriptionRequiredException", "AWSOrganizationsNotInUseException":
			return model.ErrNotEnabled
		}
		if notOffered(err) {
			return model.ErrNotEnabled
		}
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		return model.ErrUnavailable
	}
	if strings.Contains(err.Error(), "retry quota exceeded") || strings.Contains(err.Error(), "exceeded maximum number of attempts") {
		return model.ErrThrottled
	}
	return model.ErrNone
}

// notOffered recognises an operation or service a region does not offer:
// Bedrock answers ValidationException "Unknown Operation" for custom models
// in some regions, and a service absent from a region has no endpoint (its
// host name does not resolve).
func notOffered(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && (ae.ErrorCode() == "UnknownOperationException" ||
		(ae.ErrorCode() == "ValidationException" && strings.Contains(strings.ToLower(ae.ErrorMessage()), "unknown operation")))
}

// add reports an asset of the scope.
func (s *scan) add(a *model.Asset) { s.sink.Asset(*a) }

// runsAs records the role an asset runs as. An IAM role is never a default
// identity; whether it is shared across the inventory is the enrich step's
// business (identity.shared_with_ai_assets, identity.dedicated).
func (s *scan) runsAs(a *model.Asset, role string) {
	if role == "" {
		return
	}
	a.Identity = role
	a.Relations = append(a.Relations, model.Relation{Type: "runs_as", Target: role})
	a.SetFact(model.Bool("identity.default", false, model.Observed, "an IAM role named by the resource"))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.roleOf == nil {
		s.roleOf = map[string]string{}
	}
	s.roleOf[a.ID] = role
}

// roleOfAsset is the role recorded for an asset of this scope by runsAs.
func (s *scan) roleOfAsset(id string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.roleOf[id]
}

// secretCredentials registers the secret parts of the credentials it
// hands out (the secret access key and the session token; the key id is an
// identifier) with the output wall, so a peer that echoes them in an error
// message cannot make aisight print them.
type secretCredentials struct {
	aws.CredentialsProvider
	secret func(string)
}

func (s secretCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := s.CredentialsProvider.Retrieve(ctx)
	if err == nil {
		s.secret(c.SecretAccessKey)
		s.secret(c.SessionToken)
	}
	return c, err
}
