// Package huggingface is the Hugging Face collector: the organisations a
// token belongs to, read through the Hub's HTTP API and the Inference
// Endpoints API. Per organisation it inventories Inference Endpoints
// (model, revision, hardware, access type, scale, state, creator), the
// organisation's models, datasets and Spaces with their visibility and
// gating, its members and Enterprise resource groups, and what the token
// it was given may do (read, write or fine-grained, and where).
//
// It only reads (the shared client in internal/restapi sends nothing but
// GET) and never records a secret: an endpoint's model.secrets and env are
// not even decoded.
//
// Files: huggingface.go (options, enablement, scopes, the token),
// repos.go (models, datasets, Spaces), endpoints.go (Inference Endpoints),
// org.go (members, resource groups).
package huggingface

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/flagvalue"
	"github.com/aisight/aisight/internal/restapi"
	"github.com/aisight/aisight/model"
)

// Name is the collector's name and its assets' provider.
const Name = "huggingface"

// Default API locations.
const (
	DefaultHub       = "https://huggingface.co"
	DefaultEndpoints = "https://api.endpoints.huggingface.cloud/v2"
)

// Spec is the collector's options and enablement.
type Spec struct {
	mode      *flagvalue.Enum
	tokenFile string
	hub       string
	endpoints string
	orgs      []string
}

// NewSpec returns the Spec with its defaults.
func NewSpec() *Spec { return &Spec{mode: collectors.NewMode()} }

// Name implements collectors.Spec.
func (s *Spec) Name() string { return Name }

// Title implements collectors.Spec.
func (s *Spec) Title() string {
	return "Hugging Face collector (organisations, Inference Endpoints)"
}

// Doc names the collector's documentation page.
func (s *Spec) Doc() string { return "huggingface" }

// AddFlags implements collectors.Spec.
func (s *Spec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "huggingface", "Hugging Face collector: auto (when a token is given: $HF_TOKEN or --huggingface-token-file), on, off")
	f.StringVar(&s.tokenFile, "huggingface-token-file", "", "file holding a Hugging Face access token (hf_...; a fine-grained read token is enough, see docs/collectors/huggingface.md), e.g. a mounted Secret (default $HF_TOKEN)")
	f.StringVar(&s.hub, "huggingface-endpoint", "", "Hugging Face Hub URL, for a private Hub or proxy (default $HF_ENDPOINT, else "+DefaultHub+")")
	f.StringVar(&s.endpoints, "huggingface-endpoints-url", "", "Inference Endpoints API base URL (default $AISIGHT_HF_ENDPOINTS_URL, else "+DefaultEndpoints+")")
	f.StringSliceVar(&s.orgs, "huggingface-org", nil, "organisations to inventory (repeatable; default: every organisation the token's user belongs to)")
}

// Validate implements collectors.Spec.
func (s *Spec) Validate() error {
	for flag, v := range map[string]string{"--huggingface-endpoint": s.hub, "--huggingface-endpoints-url": s.endpoints} {
		if v != "" {
			if err := restapi.CheckBaseURL(v); err != nil {
				return fmt.Errorf("%s: %w", flag, err)
			}
		}
	}
	for _, o := range s.orgs {
		if !validName(o) {
			return fmt.Errorf("--huggingface-org: %q is not an organisation name", o)
		}
	}
	return nil
}

// Plan implements collectors.Spec: with --huggingface=auto the collector
// runs only when a token is given explicitly ($HF_TOKEN, the Hub's own
// convention, or the file flag); a token cached by `hf auth login` is not
// picked up.
func (s *Spec) Plan(_ context.Context, env collectors.Env) (collectors.Collector, string, error) {
	token, from, hub, skip, err := restapi.Plan(restapi.Settings{Flag: "huggingface", Title: "Hugging Face", Credential: "token",
		FileFlag: "--huggingface-token-file", KeyEnv: "HF_TOKEN", BaseEnv: "HF_ENDPOINT", DefaultBase: DefaultHub}, s.mode.Value, s.tokenFile, s.hub, env)
	if skip != "" || err != nil {
		return nil, skip, err
	}
	ep := firstOf(s.endpoints, env.Getenv("AISIGHT_HF_ENDPOINTS_URL"), DefaultEndpoints)
	if err := restapi.CheckBaseURL(ep); err != nil {
		return nil, "", fmt.Errorf("the Inference Endpoints API URL: %w", err)
	}
	return New(Options{Token: token, HubURL: hub, EndpointsURL: ep, Orgs: s.orgs, Logger: env.Logger}), "token from " + from, nil
}

// Options configure the collector.
type Options struct {
	Token        string
	HubURL       string
	EndpointsURL string
	// Orgs limits the scan to these organisations (default: the token
	// user's).
	Orgs    []string
	Logger  *slog.Logger
	Now     func() time.Time
	Backoff time.Duration
}

// Collector collects the Hugging Face organisations of one token.
type Collector struct {
	restapi.Base
	o       Options
	hub, ep *restapi.Client
	// who is the token's whoami, asked once per collector: the Hub
	// rate-limits /api/whoami-v2 strictly.
	whoMu sync.Mutex
	who   *whoami
}

// New returns the collector.
func New(o Options) *Collector {
	if o.Now == nil {
		o.Now = time.Now
	}
	o.HubURL = firstOf(o.HubURL, DefaultHub)
	o.EndpointsURL = firstOf(o.EndpointsURL, DefaultEndpoints)
	token := strings.TrimSpace(o.Token)
	auth := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
	c := &Collector{o: o, hub: restapi.New(Name, o.HubURL, "token", auth), ep: restapi.New(Name, o.EndpointsURL, "token", auth)}
	c.Base = restapi.Base{Clients: []*restapi.Client{c.hub, c.ep}}
	c.hub.SetBackoff(o.Backoff)
	c.ep.SetBackoff(o.Backoff)
	return c
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return Name }

// whoami is GET /api/whoami-v2: the token's user, organisations and the
// token itself.
type whoami struct {
	Name string `json:"name"`
	Orgs []struct {
		Name         string `json:"name"`
		RoleInOrg    string `json:"roleInOrg"`
		IsEnterprise bool   `json:"isEnterprise"`
	} `json:"orgs"`
	Auth struct {
		Type        string `json:"type"`
		AccessToken *struct {
			DisplayName string `json:"displayName"`
			Role        string `json:"role"` // read, write, fineGrained
			CreatedAt   string `json:"createdAt"`
			FineGrained *struct {
				Global []string `json:"global"`
				Scoped []struct {
					Entity struct {
						Type string `json:"type"`
						Name string `json:"name"`
					} `json:"entity"`
					Permissions []string `json:"permissions"`
				} `json:"scoped"`
			} `json:"fineGrained"`
		} `json:"accessToken"`
	} `json:"auth"`
}

func (c *Collector) whoami(ctx context.Context) (*whoami, error) {
	c.whoMu.Lock()
	defer c.whoMu.Unlock()
	if c.who != nil {
		return c.who, nil
	}
	var w whoami
	if err := c.hub.Get(ctx, "/api/whoami-v2", nil, &w); err != nil {
		return nil, fmt.Errorf("huggingface: the token's user and organisations (GET /api/whoami-v2): %w", err)
	}
	c.who = &w
	return &w, nil
}

// Scopes is one scope per organisation: those named, else every
// organisation the token's user belongs to. When the token cannot be
// read, one scope stands for it and its Collect says why.
func (c *Collector) Scopes(ctx context.Context) ([]model.Scope, error) {
	orgs := c.o.Orgs
	if len(orgs) == 0 {
		w, err := c.whoami(ctx)
		if err != nil {
			return []model.Scope{{ID: "huggingface:token", Provider: Name, Kind: "organization"}}, nil
		}
		for _, o := range w.Orgs {
			orgs = append(orgs, o.Name)
		}
		if len(orgs) == 0 {
			return nil, collectors.Classedf(model.ErrInvalidConfig, "huggingface: the token's user (%s) belongs to no organisation: name one with --huggingface-org", w.Name)
		}
	}
	var out []model.Scope
	for _, o := range orgs {
		out = append(out, model.Scope{ID: "huggingface:" + o, Provider: Name, Kind: "organization", Account: o, Name: o})
	}
	return out, nil
}

// Collect inventories one organisation.
func (c *Collector) Collect(ctx context.Context, scope model.Scope, sink collectors.Sink) error {
	defer func() { sink.Count("api_calls", c.hub.TakeCalls()+c.ep.TakeCalls()) }()
	w, err := c.whoami(ctx)
	if err != nil {
		return err // the token is refused or the Hub is down: every listing would say so again
	}
	if scope.Account == "" {
		return collectors.Classedf(model.ErrInvalidConfig, "huggingface: no organisation to scan")
	}
	s := &scan{c: c, org: scope.Account, scope: scope, sink: sink, now: c.o.Now()}
	s.token(w)
	return collectors.Families{Sink: sink, Classify: restapi.Classify, ClientRetries: true}.RunGroups(ctx,
		[]collectors.Family{
			{Name: "huggingface.endpoints", Collect: s.endpoints},
		},
		[]collectors.Family{
			{Name: "huggingface.models", Collect: s.repos("models")},
			{Name: "huggingface.datasets", Collect: s.repos("datasets")},
			{Name: "huggingface.spaces", Collect: s.repos("spaces")},
			{Name: "huggingface.members", Collect: s.members},
			{Name: "huggingface.resource_groups", Collect: s.resourceGroups},
		})
}

type scan struct {
	c     *Collector
	org   string
	scope model.Scope
	sink  collectors.Sink
	now   time.Time
}

// writePermission says a fine-grained permission lets its holder change
// something (Hub permissions are <area>.<action>, the action read or a
// write: "repo.content.read", "repo.write", "inference.endpoints.write").
func writePermission(p string) bool {
	return !strings.HasSuffix(p, ".read") && !strings.HasSuffix(p, ".infer.write") && p != "inference.serverless.write"
}

// token records what the collector's own token may do in the
// organisation: the least-privilege check of the credential aisight was
// given (scope facts, never the token).
func (s *scan) token(w *whoami) {
	src := "huggingface GET /api/whoami-v2"
	for _, o := range w.Orgs {
		if strings.EqualFold(o.Name, s.org) {
			s.sink.ScopeFact(model.String("org.caller_role", o.RoleInOrg, model.Observed, src))
			s.sink.ScopeFact(model.Bool("org.enterprise", o.IsEnterprise, model.Observed, src))
		}
	}
	at := w.Auth.AccessToken
	if at == nil {
		return // an OAuth token: no token record
	}
	s.sink.ScopeFact(model.String("collector.token_role", at.Role, model.Observed, src))
	write := at.Role == "write"
	if fg := at.FineGrained; fg != nil {
		for _, sc := range fg.Scoped {
			if strings.EqualFold(sc.Entity.Name, s.org) && slices.ContainsFunc(sc.Permissions, writePermission) {
				write = true
			}
		}
		if slices.ContainsFunc(fg.Global, writePermission) {
			write = true
		}
	}
	s.sink.ScopeFact(model.Bool("collector.token_can_write", write, model.Observed, src))
}

// validName is a Hub user or organisation name.
func validName(n string) bool {
	if n == "" || len(n) > 96 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

func parseTime(v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

// days is whole days from t to now (0 when t is in the future).
func days(now, t time.Time) int64 {
	if t.After(now) {
		return 0
	}
	return int64(now.Sub(t).Hours() / 24)
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
