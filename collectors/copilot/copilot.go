// Package copilot is the GitHub Copilot collector: for each organisation
// a GitHub token can administer, the Copilot subscription (plan, how seats
// are assigned, the feature policies: suggestions matching public code,
// chat in the IDE and on github.com, the CLI), its seats with their last
// activity, the coding agent's reach (all, selected or no repositories)
// and the content exclusion rules, through GitHub's documented REST API.
//
// It only reads (the shared client in internal/restapi sends nothing but
// GET) with the least scope GitHub documents for each endpoint; see
// docs/collectors/copilot.md.
//
// Files: copilot.go (options, enablement, scopes), settings.go (the
// subscription and its policies, coding agent, content exclusions),
// seats.go (seat assignments).
package copilot

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/flagvalue"
	"github.com/aisight/aisight/internal/restapi"
	"github.com/aisight/aisight/model"
)

// Name is the collector's name; its assets' provider is "github".
const (
	Name     = "copilot"
	Provider = "github"
)

// DefaultAPI is GitHub's REST API.
const DefaultAPI = "https://api.github.com"

// apiVersion is the REST API version the collector reads.
const apiVersion = "2022-11-28"

// Spec is the collector's options and enablement.
type Spec struct {
	mode      *flagvalue.Enum
	tokenFile string
	apiURL    string
	orgs      []string
}

// NewSpec returns the Spec with its defaults.
func NewSpec() *Spec { return &Spec{mode: collectors.NewMode()} }

// Name implements collectors.Spec.
func (s *Spec) Name() string { return Name }

// Title implements collectors.Spec.
func (s *Spec) Title() string { return "GitHub Copilot collector (organisation seats and policies)" }

// Doc names the collector's documentation page.
func (s *Spec) Doc() string { return "copilot" }

// AddFlags implements collectors.Spec.
func (s *Spec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "copilot", "GitHub Copilot collector: auto (when a token is given: --copilot-token-file, $GH_TOKEN or $GITHUB_TOKEN; inside GitHub Actions only with --copilot-org), on, off")
	f.StringVar(&s.tokenFile, "copilot-token-file", "", "file holding a GitHub token of an organisation owner (fine-grained: organisation permissions \"GitHub Copilot Business\", \"Copilot agent settings\" and \"Copilot content exclusion\", read), e.g. a mounted Secret (default $GH_TOKEN, else $GITHUB_TOKEN)")
	f.StringVar(&s.apiURL, "copilot-api-url", "", "GitHub REST API URL, for GitHub Enterprise Cloud with data residency (https://api.SUBDOMAIN.ghe.com) (default $GITHUB_API_URL, else "+DefaultAPI+")")
	f.StringSliceVar(&s.orgs, "copilot-org", nil, "organisations to inventory (repeatable; default: every organisation the token's user belongs to)")
}

// Validate implements collectors.Spec.
func (s *Spec) Validate() error {
	if s.apiURL != "" {
		if err := restapi.CheckBaseURL(s.apiURL); err != nil {
			return fmt.Errorf("--copilot-api-url: %w", err)
		}
	}
	for _, o := range s.orgs {
		if !validLogin(o) {
			return fmt.Errorf("--copilot-org: %q is not an organisation login", o)
		}
	}
	return nil
}

// Plan implements collectors.Spec. In GitHub Actions $GITHUB_TOKEN is the
// workflow's own token, which can read no organisation's Copilot
// settings: there auto runs only when organisations are named.
func (s *Spec) Plan(_ context.Context, env collectors.Env) (collectors.Collector, string, error) {
	if s.mode.Value == collectors.ModeOff {
		return nil, "disabled by --copilot=off", nil
	}
	envName, envVal := "$GH_TOKEN", env.Getenv("GH_TOKEN")
	if strings.TrimSpace(envVal) == "" {
		envName, envVal = "$GITHUB_TOKEN", env.Getenv("GITHUB_TOKEN")
	}
	token, from, err := restapi.ReadCredential(s.tokenFile, "--copilot-token-file", envVal, envName)
	env.RegisterSecret(token)
	switch {
	case err != nil:
		return nil, "", err
	case token == "" && s.mode.Value == collectors.ModeOn:
		return nil, "", fmt.Errorf("--copilot=on but no GitHub token: set $GH_TOKEN or --copilot-token-file")
	case token == "":
		return nil, "no GitHub token ($GH_TOKEN, $GITHUB_TOKEN, --copilot-token-file); set one or --copilot=on", nil
	case s.mode.Value == collectors.ModeAuto && s.tokenFile == "" && env.Getenv("GITHUB_ACTIONS") == "true" && len(s.orgs) == 0:
		return nil, "in GitHub Actions " + envName + " is the workflow's token; name organisations with --copilot-org or give --copilot-token-file", nil
	}
	base := firstOf(s.apiURL, env.Getenv("GITHUB_API_URL"), DefaultAPI)
	if err := restapi.CheckBaseURL(base); err != nil {
		return nil, "", fmt.Errorf("GitHub API URL: %w", err)
	}
	return New(Options{Token: token, APIURL: base, Orgs: s.orgs, Logger: env.Logger}), "token from " + from, nil
}

// Options configure the collector.
type Options struct {
	Token  string
	APIURL string
	// Orgs names the organisations (default: the token user's).
	Orgs    []string
	Logger  *slog.Logger
	Now     func() time.Time
	Backoff time.Duration
}

// Collector collects GitHub Copilot in the organisations of one token.
type Collector struct {
	restapi.Base
	o Options
	c *restapi.Client
	// named is the organisations given by name: for them a 404 on the
	// subscription is a failure, for discovered ones a fact.
	named map[string]bool
}

// New returns the collector.
func New(o Options) *Collector {
	if o.Now == nil {
		o.Now = time.Now
	}
	token := strings.TrimSpace(o.Token)
	c := restapi.New(Provider, firstOf(o.APIURL, DefaultAPI), "token", func(r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("Accept", "application/vnd.github+json")
		r.Header.Set("X-GitHub-Api-Version", apiVersion)
	})
	c.SetBackoff(o.Backoff)
	named := map[string]bool{}
	for _, org := range o.Orgs {
		named[strings.ToLower(org)] = true
	}
	return &Collector{Base: restapi.Base{Clients: []*restapi.Client{c}}, o: o, c: c, named: named}
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return Name }

// Scopes is one scope per organisation: those named, else every
// organisation the token's user belongs to (GET /user/orgs). A discovered
// organisation without Copilot is said so in its scope, not failed.
func (c *Collector) Scopes(ctx context.Context) ([]model.Scope, error) {
	if len(c.o.Orgs) > 0 {
		var out []model.Scope
		for _, o := range c.o.Orgs {
			out = append(out, scopeOf(o))
		}
		return out, nil
	}
	var logins []string
	err := restapi.Pages(ctx, c.c, "/user/orgs", url.Values{"per_page": {"100"}}, func(page []struct {
		Login string `json:"login"`
	}) error {
		for _, o := range page {
			if validLogin(o.Login) {
				logins = append(logins, o.Login)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("github: the token user's organisations (GET /user/orgs): %w", err)
	}
	if len(logins) == 0 {
		return nil, collectors.Classedf(model.ErrInvalidConfig, "github: the token's user belongs to no organisation it may list: name one with --copilot-org (a fine-grained token lists only its resource owner)")
	}
	var out []model.Scope
	for _, o := range logins {
		out = append(out, scopeOf(o))
	}
	return out, nil
}

func scopeOf(org string) model.Scope {
	return model.Scope{ID: "github:" + org, Provider: Provider, Kind: "organization", Account: org, Name: org}
}

// Collect inventories Copilot in one organisation.
func (c *Collector) Collect(ctx context.Context, scope model.Scope, sink collectors.Sink) error {
	defer func() { sink.Count("api_calls", c.c.TakeCalls()) }()
	s := &scan{c: c, org: scope.Account, scope: scope, sink: sink, now: c.o.Now()}
	sub, err := s.subscription(ctx)
	if err != nil {
		if restapi.StatusOf(err) == http.StatusNotFound && !c.named[strings.ToLower(s.org)] {
			// An organisation found by listing that has no Copilot (or
			// hides it from this token): said, not failed, so a token in
			// many organisations does not fail every scan.
			sink.ScopeFact(model.String("copilot.subscription", "none_visible", model.Observed, "github GET /orgs/"+s.org+"/copilot/billing: 404"))
			sink.Note(fmt.Errorf("github: %s has no Copilot subscription this token can see (GET /orgs/%s/copilot/billing: 404)", s.org, s.org))
			return nil
		}
		return err
	}
	for _, f := range s.subscriptionFacts(sub) {
		sink.ScopeFact(f)
	}
	return collectors.Families{Sink: sink, Classify: restapi.Classify, ClientRetries: true}.Run(ctx,
		collectors.Family{Name: "copilot.seats", Collect: s.seats},
		collectors.Family{Name: "copilot.coding_agent", Collect: s.codingAgent},
		collectors.Family{Name: "copilot.content_exclusion", Collect: s.contentExclusion})
}

type scan struct {
	c     *Collector
	org   string
	scope model.Scope
	sink  collectors.Sink
	now   time.Time
}

// validLogin is a GitHub login.
func validLogin(n string) bool {
	if n == "" || len(n) > 39 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// days is whole days from t to now (0 when t is in the future).
func days(now, t time.Time) int64 {
	if t.After(now) {
		return 0
	}
	return int64(now.Sub(t).Hours() / 24)
}
