package saas

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

// AnthropicName is the Anthropic collector's name and its assets' provider.
const AnthropicName = "anthropic"

// anthropicVersion is the API version header the Admin API is called with.
const anthropicVersion = "2023-06-01"

// AnthropicSpec is the Anthropic collector's options and enablement.
type AnthropicSpec struct {
	mode     *flagvalue.Enum
	keyFile  string
	baseURL  string
	archived bool
}

// NewAnthropicSpec returns the Anthropic collector's Spec with its defaults.
func NewAnthropicSpec() *AnthropicSpec { return &AnthropicSpec{mode: collectors.NewMode()} }

// Name implements collectors.Spec.
func (s *AnthropicSpec) Name() string { return AnthropicName }

// Title implements collectors.Spec.
func (s *AnthropicSpec) Title() string { return "Anthropic organisation collector (Admin API)" }

// Doc names the collector's documentation page.
func (s *AnthropicSpec) Doc() string { return "saas" }

// AddFlags implements collectors.Spec.
func (s *AnthropicSpec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "anthropic", "Anthropic collector: auto (when an admin key is given: $ANTHROPIC_ADMIN_KEY or --anthropic-admin-key-file), on, off")
	f.StringVar(&s.keyFile, "anthropic-admin-key-file", "", "file holding the Anthropic admin key (sk-ant-admin...), e.g. a mounted Secret (default $ANTHROPIC_ADMIN_KEY)")
	f.StringVar(&s.baseURL, "anthropic-base-url", "", "Anthropic API base URL, for a gateway or proxy (default $ANTHROPIC_BASE_URL, else https://api.anthropic.com)")
	f.BoolVar(&s.archived, "anthropic-archived-workspaces", false, "also inventory archived workspaces")
}

// Validate implements collectors.Spec.
func (s *AnthropicSpec) Validate() error {
	if s.baseURL != "" {
		if err := restapi.CheckBaseURL(s.baseURL); err != nil {
			return fmt.Errorf("--anthropic-base-url: %w", err)
		}
	}
	return nil
}

// Plan implements collectors.Spec.
func (s *AnthropicSpec) Plan(_ context.Context, env collectors.Env) (collectors.Collector, string, error) {
	key, from, base, skip, err := restapi.Plan(restapi.Settings{Flag: "anthropic", Title: "Anthropic", Credential: "admin key", FileFlag: "--anthropic-admin-key-file", KeyEnv: "ANTHROPIC_ADMIN_KEY", BaseEnv: "ANTHROPIC_BASE_URL",
		DefaultBase: "https://api.anthropic.com"}, s.mode.Value, s.keyFile, s.baseURL, env)
	if skip != "" || err != nil {
		return nil, skip, err
	}
	return NewAnthropic(AnthropicOptions{AdminKey: key, BaseURL: base, Archived: s.archived, Logger: env.Logger}), "admin key from " + from, nil
}

// AnthropicOptions configure the Anthropic collector.
type AnthropicOptions struct {
	AdminKey string
	BaseURL  string
	// Archived inventories archived workspaces too.
	Archived bool
	Logger   *slog.Logger
	Now      func() time.Time
	Backoff  time.Duration
}

// Anthropic collects one Anthropic organisation.
type Anthropic struct {
	restapi.Base
	o   AnthropicOptions
	key string
	c   *restapi.Client
}

// NewAnthropic returns the collector.
func NewAnthropic(o AnthropicOptions) *Anthropic {
	if o.Now == nil {
		o.Now = time.Now
	}
	key := strings.TrimSpace(o.AdminKey)
	c := restapi.New(AnthropicName, o.BaseURL, "admin key", func(r *http.Request) {
		r.Header.Set("x-api-key", key)
		r.Header.Set("anthropic-version", anthropicVersion)
	})
	if o.Backoff > 0 {
		c.SetBackoff(o.Backoff)
	}
	return &Anthropic{Base: restapi.Base{Clients: []*restapi.Client{c}}, o: o, key: key, c: c}
}

// Name implements collectors.Collector.
func (c *Anthropic) Name() string { return AnthropicName }

type anOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Scopes is the organisation the admin key belongs to (GET /v1/organizations/me).
func (c *Anthropic) Scopes(ctx context.Context) ([]model.Scope, error) {
	if err := anthropicKeyShape(c.key); err != nil {
		return []model.Scope{{ID: "anthropic:organization", Provider: AnthropicName, Kind: "organization"}}, nil
	}
	var org anOrg
	if err := c.c.Get(ctx, "/v1/organizations/me", nil, &org); err != nil {
		// The organisation scope still runs and reports why.
		return []model.Scope{{ID: "anthropic:organization", Provider: AnthropicName, Kind: "organization"}}, nil
	}
	return []model.Scope{{ID: "anthropic:" + org.ID, Provider: AnthropicName, Kind: "organization", Account: org.ID, Name: org.Name}}, nil
}

// anthropicKeyShape refuses a key that cannot be an admin key.
func anthropicKeyShape(key string) error {
	switch {
	case strings.HasPrefix(key, "sk-ant-admin"):
		return nil
	case strings.HasPrefix(key, "sk-ant-api"):
		return collectors.Classedf(model.ErrInvalidConfig, "anthropic: the admin key given is an API key (sk-ant-api…), not an admin key (sk-ant-admin…): create one in the Console under Settings → Admin keys")
	}
	return collectors.Classedf(model.ErrInvalidConfig, "anthropic: the admin key given does not look like an Anthropic admin key (sk-ant-admin…)")
}

// Collect inventories the organisation: its users, workspaces with their
// members, API keys, pending invites, and whether usage is reported.
func (c *Anthropic) Collect(ctx context.Context, scope model.Scope, sink collectors.Sink) error {
	defer func() { sink.Count("api_calls", c.c.TakeCalls()) }()
	if err := anthropicKeyShape(c.key); err != nil {
		return err
	}
	if scope.Account == "" { // GET /v1/organizations/me failed in Scopes: say why here
		var org anOrg
		if err := c.c.Get(ctx, "/v1/organizations/me", nil, &org); err != nil {
			if cl := restapi.Classify(err); ctx.Err() != nil || cl == model.ErrDenied || cl == model.ErrInvalidConfig {
				// The key itself is refused: every listing would say so again.
				return fmt.Errorf("anthropic: the organisation of the admin key: %w", err)
			}
			// Otherwise (a 404, an outage of this endpoint) the
			// organisation's id and name are unknown, but its users,
			// workspaces and keys are still listed (each family reports
			// its own errors), and the gap is named.
			sink.Problem(collectors.Classed(restapi.Classify(err), fmt.Errorf("anthropic: the organisation of the admin key (GET /v1/organizations/me): %w", err)))
		}
	}
	s := &anthropicScan{c: c, scope: scope, sink: sink, now: c.o.Now()}
	return collectors.Families{Sink: sink, Classify: restapi.Classify, ClientRetries: true}.Run(ctx,
		collectors.Family{Name: "anthropic.users", Collect: s.users},
		collectors.Family{Name: "anthropic.workspaces", Collect: s.workspaces},
		collectors.Family{Name: "anthropic.api_keys", Collect: s.keys},
		collectors.Family{Name: "anthropic.invites", Collect: s.invites},
		collectors.Family{Name: "anthropic.usage", Collect: s.usage})
}

type anthropicScan struct {
	c        *Anthropic
	scope    model.Scope
	sink     collectors.Sink
	now      time.Time
	orgUsers map[string]anUser // nil: unknown
}

// anthropicList pages through one listing (after_id=<last id>, limit=100).
func anthropicList[T any](ctx context.Context, c *restapi.Client, path string, query url.Values, each func(T)) error {
	if query == nil {
		query = url.Values{}
	}
	query.Set("limit", "100")
	seen := map[string]bool{}
	for {
		var p page[T]
		if err := c.Get(ctx, path, query, &p); err != nil {
			return err
		}
		for _, x := range p.Data {
			each(x)
		}
		if !p.HasMore || p.LastID == "" {
			return nil
		}
		if seen[p.LastID] {
			return collectors.Classedf(model.ErrUnparsed, "%s GET %s: the cursor %q came back: the listing loops, not followed", c.Provider(), path, p.LastID)
		}
		seen[p.LastID] = true
		query.Set("after_id", p.LastID)
	}
}

type anUser struct {
	ID      string `json:"id"`
	Email   string `json:"email"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	AddedAt string `json:"added_at"`
}

type anWorkspace struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	CreatedAt  string  `json:"created_at"`
	ArchivedAt *string `json:"archived_at"`
}

type anMember struct {
	UserID        string `json:"user_id"`
	WorkspaceID   string `json:"workspace_id"`
	WorkspaceRole string `json:"workspace_role"`
}

type anKey struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	PartialKeyHint string `json:"partial_key_hint"`
	Status         string `json:"status"`
	WorkspaceID    string `json:"workspace_id"`
	CreatedAt      string `json:"created_at"`
	ExpiresAt      string `json:"expires_at"`
	// CreatedBy is null when the creator is not recorded (legacy,
	// workload-identity-federated or system-created keys, per the API
	// reference): then who owns the key is unknown, not gone.
	CreatedBy *struct {
		ID   string `json:"id"`
		Type string `json:"type"` // user, service_account
	} `json:"created_by"`
	// Principal is who the key acts as (a user or a service account), or
	// null when it is bound to none; Scope is its workspace or, for a
	// principal-bound key, the organisation.
	Principal *struct {
		Type             string `json:"type"` // user_actor, service_account_actor
		UserID           string `json:"user_id"`
		ServiceAccountID string `json:"service_account_id"`
	} `json:"principal"`
	Scope *struct {
		Type        string `json:"type"` // workspace, organization
		WorkspaceID string `json:"workspace_id"`
	} `json:"scope"`
}

type anInvite struct {
	ID     string `json:"id"`
	Status string `json:"status"`
	Role   string `json:"role"`
}

func (s *anthropicScan) users(ctx context.Context) error {
	users := map[string]anUser{}
	admins := 0
	err := anthropicList(ctx, s.c.c, "/v1/organizations/users", nil, func(u anUser) {
		users[u.ID] = u
		switch u.Role { // the organisation roles that administer it
		case "admin", "owner", "primary_owner":
			admins++
		}
	})
	if err != nil {
		return err
	}
	s.orgUsers = users
	src := "anthropic GET /v1/organizations/users"
	s.sink.ScopeFact(model.Int("org.owners", int64(admins), model.Observed, src))
	s.sink.ScopeFact(model.Int("org.members", int64(len(users)), model.Observed, src))
	return nil
}

func (s *anthropicScan) workspaces(ctx context.Context) error {
	q := url.Values{}
	if s.c.o.Archived {
		q.Set("include_archived", "true")
	}
	return anthropicList(ctx, s.c.c, "/v1/organizations/workspaces", q, func(w anWorkspace) {
		path := "/v1/organizations/workspaces/" + url.PathEscape(w.ID) + "/members"
		var members []anMember
		err := anthropicList(ctx, s.c.c, path, nil, func(m anMember) { members = append(members, m) })
		if err != nil && ctx.Err() == nil {
			collectors.ItemFailed(s.sink, restapi.Classify, err)
		}
		s.sink.Asset(s.workspaceAsset(w, members, err == nil))
	})
}

func (s *anthropicScan) keys(ctx context.Context) error {
	return anthropicList(ctx, s.c.c, "/v1/organizations/api_keys", nil, func(k anKey) {
		s.sink.Asset(s.keyAsset(k))
	})
}

func (s *anthropicScan) invites(ctx context.Context) error {
	pending := 0
	err := anthropicList(ctx, s.c.c, "/v1/organizations/invites", nil, func(i anInvite) {
		if i.Status == "pending" {
			pending++
		}
	})
	if err != nil {
		return err
	}
	s.sink.ScopeFact(model.Int("org.invites_pending", int64(pending), model.Observed, "anthropic GET /v1/organizations/invites"))
	return nil
}

// usage asks the usage report for the last day: when the organisation's
// usage can be read, it is visible to the people who own the keys.
func (s *anthropicScan) usage(ctx context.Context) error {
	q := url.Values{"starting_at": {s.now.Add(-24 * time.Hour).UTC().Format(time.RFC3339)}, "limit": {"1"}}
	var out struct {
		Data []any `json:"data"`
	}
	if err := s.c.c.Get(ctx, "/v1/organizations/usage_report/messages", q, &out); err != nil {
		return err
	}
	s.sink.ScopeFact(model.Bool("usage.key_last_use_visible", false, model.Observed, "anthropic API keys carry no last use"))
	s.sink.ScopeFact(model.Bool("usage.report_visible", true, model.Observed, "anthropic GET /v1/organizations/usage_report/messages"))
	return nil
}

func parseTime(v string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, v)
	return t, err == nil
}

func (s *anthropicScan) workspaceAsset(w anWorkspace, members []anMember, known bool) model.Asset {
	src := "anthropic GET /v1/organizations/workspaces"
	a := model.Asset{ID: "anthropic://workspaces/" + w.ID, Provider: AnthropicName, Scope: s.scope.ID, Kind: model.KindProject,
		DeploymentType: model.APISaaS, Name: w.Name,
		Facts: []model.Fact{
			model.String("project.status", map[bool]string{true: "archived", false: "active"}[w.ArchivedAt != nil], model.Observed, src),
			model.Bool("project.archived", w.ArchivedAt != nil, model.Observed, src),
		}}
	if t, ok := parseTime(w.CreatedAt); ok {
		a.Facts = append(a.Facts, model.Int("project.age_days", days(s.now, t), model.Observed, src))
	}
	if known {
		admins, first := 0, ""
		for _, m := range members {
			if m.WorkspaceRole == "workspace_admin" {
				admins++
				if first == "" {
					first = m.UserID
				}
			}
		}
		msrc := "anthropic GET /v1/organizations/workspaces/" + w.ID + "/members"
		a.Facts = append(a.Facts, model.Int("project.owners", int64(admins), model.Observed, msrc),
			model.Bool("project.owner_present", admins > 0, model.Observed, msrc),
			model.Int("project.members", int64(len(members)), model.Observed, msrc))
		if first != "" {
			a.Owner = "anthropic-user:" + first
		}
	}
	return a
}

// keyAsset maps an API key: status, age, workspace, creator and whether
// the creator is still in the organisation. The Admin API reports no last
// use, so key.last_used_days is unknown.
func (s *anthropicScan) keyAsset(k anKey) model.Asset {
	src := "anthropic GET /v1/organizations/api_keys"
	id := "anthropic://api_keys/" + k.ID
	a := model.Asset{ID: id, Provider: AnthropicName, Scope: s.scope.ID, Kind: model.KindAPIKey, DeploymentType: model.APISaaS,
		Name: firstOf(k.Name, k.ID), Secret: hintFingerprint("anthropic_api_key", k.PartialKeyHint, id),
		Facts: []model.Fact{
			model.String("key.kind", "anthropic_api_key", model.Observed, src),
			model.String("key.provider", AnthropicName, model.Observed, src),
			model.String("key.status", k.Status, model.Observed, src),
			model.Bool("key.short_lived", false, model.Observed, src),
			model.Bool("key.admin", false, model.Observed, src),
		}}
	if t, ok := parseTime(k.CreatedAt); ok {
		a.Facts = append(a.Facts, model.Int("key.age_days", days(s.now, t), model.Observed, src))
	}
	if t, ok := parseTime(k.ExpiresAt); ok {
		a.Facts = append(a.Facts, model.Int("key.expires_in_days", int64(t.Sub(s.now).Hours()/24), model.Observed, src))
	}
	ws := k.WorkspaceID
	if k.Scope != nil && k.Scope.WorkspaceID != "" {
		ws = k.Scope.WorkspaceID
	}
	if ws != "" {
		a.Relations = append(a.Relations, model.Relation{Type: "belongs_to", Target: "anthropic://workspaces/" + ws})
	}
	if k.Scope != nil && k.Scope.Type != "" {
		a.Facts = append(a.Facts, model.String("key.scope", k.Scope.Type, model.Observed, src))
	}
	// Who the key acts as: its principal when it is bound to one, else its
	// creator; a key with neither recorded has no known owner (unknown, not
	// an owner who left).
	var owner, kind, userID string
	switch {
	case k.Principal != nil && k.Principal.Type == "service_account_actor" && k.Principal.ServiceAccountID != "":
		owner, kind = "anthropic-service-account:"+k.Principal.ServiceAccountID, "service_account"
	case k.Principal != nil && k.Principal.Type == "user_actor" && k.Principal.UserID != "":
		owner, kind, userID = "anthropic-user:"+k.Principal.UserID, "user", k.Principal.UserID
	case k.CreatedBy != nil && k.CreatedBy.ID != "" && k.CreatedBy.Type == "service_account":
		owner, kind = "anthropic-service-account:"+k.CreatedBy.ID, "service_account"
	case k.CreatedBy != nil && k.CreatedBy.ID != "":
		owner, kind, userID = "anthropic-user:"+k.CreatedBy.ID, firstOf(k.CreatedBy.Type, "user"), k.CreatedBy.ID
	}
	if owner != "" {
		a.Owner, a.Identity = owner, owner
		a.Relations = append(a.Relations, model.Relation{Type: "owned_by", Target: owner})
		a.Facts = append(a.Facts, model.String("key.owner_kind", kind, model.Observed, src))
		if userID != "" && s.orgUsers != nil {
			_, present := s.orgUsers[userID]
			a.Facts = append(a.Facts, model.Bool("key.owner_present", present, model.Observed, src+" and /v1/organizations/users"))
		}
	}
	return a
}
