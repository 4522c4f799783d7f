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

// OpenAIName is the OpenAI collector's name and the provider of its assets.
const OpenAIName = "openai"

// OpenAISpec is the OpenAI collector's options and enablement.
type OpenAISpec struct {
	mode    *flagvalue.Enum
	keyFile string
	baseURL string
	org     string
}

// NewOpenAISpec returns the OpenAI collector's Spec with its defaults.
func NewOpenAISpec() *OpenAISpec { return &OpenAISpec{mode: collectors.NewMode()} }

// Name implements collectors.Spec.
func (s *OpenAISpec) Name() string { return OpenAIName }

// Title implements collectors.Spec.
func (s *OpenAISpec) Title() string { return "OpenAI organisation collector (Admin API)" }

// Doc names the collector's documentation page.
func (s *OpenAISpec) Doc() string { return "saas" }

// AddFlags implements collectors.Spec.
func (s *OpenAISpec) AddFlags(f *pflag.FlagSet) {
	f.Var(s.mode, "openai", "OpenAI collector: auto (when an admin key is given: $OPENAI_ADMIN_KEY or --openai-admin-key-file), on, off")
	f.StringVar(&s.keyFile, "openai-admin-key-file", "", "file holding the OpenAI admin key (sk-admin-...), e.g. a mounted Secret (default $OPENAI_ADMIN_KEY)")
	f.StringVar(&s.baseURL, "openai-base-url", "", "OpenAI API base URL, for a gateway or proxy (default $OPENAI_BASE_URL, else https://api.openai.com/v1)")
	f.StringVar(&s.org, "openai-organization", "", "OpenAI organization ID (org-...): sent as OpenAI-Organization and names the scope (default $OPENAI_ORG_ID)")
}

// Validate implements collectors.Spec.
func (s *OpenAISpec) Validate() error {
	if s.baseURL != "" {
		if err := restapi.CheckBaseURL(s.baseURL); err != nil {
			return fmt.Errorf("--openai-base-url: %w", err)
		}
	}
	return nil
}

// Plan implements collectors.Spec: with --openai=auto the collector runs
// only when an admin key is explicitly given.
func (s *OpenAISpec) Plan(_ context.Context, env collectors.Env) (collectors.Collector, string, error) {
	key, from, base, skip, err := restapi.Plan(restapi.Settings{Flag: "openai", Title: "OpenAI", Credential: "admin key", FileFlag: "--openai-admin-key-file", KeyEnv: "OPENAI_ADMIN_KEY", BaseEnv: "OPENAI_BASE_URL",
		DefaultBase: "https://api.openai.com/v1"}, s.mode.Value, s.keyFile, s.baseURL, env)
	if skip != "" || err != nil {
		return nil, skip, err
	}
	org := firstOf(s.org, env.Getenv("OPENAI_ORG_ID"))
	c := NewOpenAI(OpenAIOptions{AdminKey: key, BaseURL: base, Organization: org, Logger: env.Logger})
	return c, "admin key from " + from, nil
}

// OpenAIOptions configure the OpenAI collector.
type OpenAIOptions struct {
	AdminKey     string
	BaseURL      string
	Organization string
	Logger       *slog.Logger
	// Now is the clock for ages (default time.Now); Backoff the first
	// retry wait (default 1s). Tests set both.
	Now     func() time.Time
	Backoff time.Duration
}

// OpenAI collects one OpenAI organisation.
type OpenAI struct {
	restapi.Base
	o   OpenAIOptions
	key string // kept only to authenticate; never recorded or logged
	c   *restapi.Client
}

// NewOpenAI returns the collector.
func NewOpenAI(o OpenAIOptions) *OpenAI {
	if o.Now == nil {
		o.Now = time.Now
	}
	key := strings.TrimSpace(o.AdminKey)
	c := restapi.New(OpenAIName, o.BaseURL, "admin key", func(r *http.Request) {
		r.Header.Set("Authorization", "Bearer "+key)
		if o.Organization != "" {
			r.Header.Set("OpenAI-Organization", o.Organization)
		}
	})
	if o.Backoff > 0 {
		c.SetBackoff(o.Backoff)
	}
	return &OpenAI{Base: restapi.Base{Clients: []*restapi.Client{c}}, o: o, key: key, c: c}
}

// Name implements collectors.Collector.
func (c *OpenAI) Name() string { return OpenAIName }

// Scopes is the organisation.
func (c *OpenAI) Scopes(context.Context) ([]model.Scope, error) {
	name := firstOf(c.o.Organization, "default")
	return []model.Scope{{ID: "openai:" + name, Provider: OpenAIName, Kind: "organization", Name: name}}, nil
}

// Collect inventories the organisation: its projects (with their keys,
// service accounts, members and rate limits), its users and admin keys.
func (c *OpenAI) Collect(ctx context.Context, scope model.Scope, sink collectors.Sink) error {
	defer func() { sink.Count("api_calls", c.c.TakeCalls()) }()
	if err := openAIKeyShape(c.key); err != nil {
		return err
	}
	s := &openaiScan{c: c, scope: scope, sink: sink, now: c.o.Now()}
	return collectors.Families{Sink: sink, Classify: restapi.Classify, ClientRetries: true}.Run(ctx,
		collectors.Family{Name: "openai.users", Collect: s.users},
		collectors.Family{Name: "openai.projects", Collect: s.projects},
		collectors.Family{Name: "openai.admin_api_keys", Collect: s.adminKeys})
}

// openAIKeyShape refuses, before any request, a key that cannot be an
// admin key: the Admin API answers a project key with 401s that would only
// confuse.
func openAIKeyShape(key string) error {
	switch {
	case strings.HasPrefix(key, "sk-admin-"):
		return nil
	case strings.HasPrefix(key, "sk-proj-"), strings.HasPrefix(key, "sk-svcacct-"):
		return collectors.Classedf(model.ErrInvalidConfig, "openai: the admin key given is a project or service-account key (%s…), not an admin key (sk-admin-…): create one under Organization settings → Admin keys", key[:strings.Index(key[3:], "-")+4])
	}
	return collectors.Classedf(model.ErrInvalidConfig, "openai: the admin key given does not look like an OpenAI admin key (sk-admin-…)")
}

// openaiScan is one collection of the organisation.
type openaiScan struct {
	c        *OpenAI
	scope    model.Scope
	sink     collectors.Sink
	now      time.Time
	orgUsers map[string]string // user id -> role in the organisation (nil: unknown)
}

// list pages through one listing (after=<last id>, limit=100).
func openAIList[T any](ctx context.Context, c *restapi.Client, path string, query url.Values, each func(T)) error {
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
		query.Set("after", p.LastID)
	}
}

type oaUser struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Email   string `json:"email"`
	Role    string `json:"role"`
	AddedAt int64  `json:"added_at"`
	// IsServiceAccount marks an organisation "user" that is a service
	// account (the User schema's is_service_account): not a person.
	IsServiceAccount bool `json:"is_service_account"`
}

type oaProject struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	CreatedAt  int64  `json:"created_at"`
	ArchivedAt *int64 `json:"archived_at"`
	Status     string `json:"status"`
}

type oaServiceAccount struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Role      string `json:"role"`
	CreatedAt int64  `json:"created_at"`
}

type oaKey struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	RedactedValue      string `json:"redacted_value"`
	CreatedAt          int64  `json:"created_at"`
	LastUsedAt         *int64 `json:"last_used_at"`
	ExpiresAt          *int64 `json:"expires_at"`
	OwnerProjectAccess string `json:"owner_project_access"`
	Owner              struct {
		Type           string            `json:"type"`
		Object         string            `json:"object"`
		ID             string            `json:"id"` // admin keys: the owner itself
		Name           string            `json:"name"`
		User           *oaUser           `json:"user"`
		ServiceAccount *oaServiceAccount `json:"service_account"`
	} `json:"owner"`
}

type oaRateLimit struct {
	ID    string `json:"id"`
	Model string `json:"model"`
}

func (s *openaiScan) users(ctx context.Context) error {
	s.orgUsers = map[string]string{}
	owners, members := 0, 0
	serviceAccounts := 0
	err := openAIList(ctx, s.c.c, "/organization/users", nil, func(u oaUser) {
		s.orgUsers[u.ID] = u.Role
		if u.IsServiceAccount {
			serviceAccounts++ // not a member or owner a person answers for
			return
		}
		members++
		if u.Role == "owner" {
			owners++
		}
	})
	if err != nil {
		s.orgUsers = nil
		return err
	}
	src := "openai GET /organization/users"
	s.sink.ScopeFact(model.Int("org.owners", int64(owners), model.Observed, src))
	s.sink.ScopeFact(model.Int("org.members", int64(members), model.Observed, src))
	s.sink.ScopeFact(model.Int("org.service_account_users", int64(serviceAccounts), model.Observed, src))
	return nil
}

func (s *openaiScan) projects(ctx context.Context) error {
	return openAIList(ctx, s.c.c, "/organization/projects", url.Values{"include_archived": {"true"}}, func(p oaProject) {
		pre := "/organization/projects/" + url.PathEscape(p.ID)
		var users []oaUser
		usersKnown := s.itemList(ctx, pre+"/users", func() error {
			return openAIList(ctx, s.c.c, pre+"/users", nil, func(u oaUser) { users = append(users, u) })
		})
		var sas []oaServiceAccount
		sasKnown := s.itemList(ctx, pre+"/service_accounts", func() error {
			return openAIList(ctx, s.c.c, pre+"/service_accounts", nil, func(a oaServiceAccount) { sas = append(sas, a) })
		})
		var limits []oaRateLimit
		limitsKnown := s.itemList(ctx, pre+"/rate_limits", func() error {
			return openAIList(ctx, s.c.c, pre+"/rate_limits", nil, func(l oaRateLimit) { limits = append(limits, l) })
		})
		s.sink.Asset(s.projectAsset(p, users, usersKnown, sas, sasKnown, limits, limitsKnown))
		if sasKnown {
			for _, a := range sas {
				s.sink.Asset(s.serviceAccountAsset(p, a))
			}
		}
		s.itemList(ctx, pre+"/api_keys", func() error {
			return openAIList(ctx, s.c.c, pre+"/api_keys", url.Values{"owner_project_access": {"any"}}, func(k oaKey) {
				s.sink.Asset(s.projectKeyAsset(p, k))
			})
		})
	})
}

// itemList runs one listing below an item (a project's keys); a failure is
// counted and named, and the project is still reported.
func (s *openaiScan) itemList(ctx context.Context, what string, list func() error) bool {
	if err := list(); err != nil {
		if ctx.Err() == nil {
			collectors.ItemFailed(s.sink, restapi.Classify, err)
		}
		return false
	}
	return true
}

func (s *openaiScan) adminKeys(ctx context.Context) error {
	n := int64(0)
	oldest := int64(-1)
	holders := map[string]bool{}
	err := openAIList(ctx, s.c.c, "/organization/admin_api_keys", nil, func(k oaKey) {
		n++
		age := days(s.now, time.Unix(k.CreatedAt, 0))
		oldest = max(oldest, age)
		a := s.adminKeyAsset(k)
		s.sink.Asset(a)
		if a.Identity != "" && !holders[a.Identity] {
			holders[a.Identity] = true
			kind := "admin_key_holder"
			if adminKeyOwnerIsServiceAccount(k) {
				kind = "service_account"
			}
			s.sink.Asset(model.Asset{ID: a.Identity, Provider: OpenAIName, Scope: s.scope.ID, Kind: model.KindIdentity,
				DeploymentType: model.APISaaS, Name: firstOf(k.Owner.Name, k.Owner.ID),
				Facts: []model.Fact{model.String("iam.principal_type", kind, model.Observed, "openai GET /organization/admin_api_keys"),
					model.Bool("iam.org_admin", true, model.Observed, "openai GET /organization/admin_api_keys: it owns an admin key, which administers the organisation")}})
		}
	})
	if err != nil {
		return err
	}
	src := "openai GET /organization/admin_api_keys"
	s.sink.ScopeFact(model.Int("org.admin_keys", n, model.Observed, src))
	if oldest >= 0 {
		s.sink.ScopeFact(model.Int("org.admin_keys_max_age_days", oldest, model.Observed, src))
	}
	// The Admin API reports each key's last use: usage per key is visible.
	s.sink.ScopeFact(model.Bool("usage.key_last_use_visible", true, model.Observed, src))
	return nil
}

func (s *openaiScan) projectAsset(p oaProject, users []oaUser, usersKnown bool, sas []oaServiceAccount, sasKnown bool, limits []oaRateLimit, limitsKnown bool) model.Asset {
	src := "openai GET /organization/projects"
	// status may be null (the Project schema allows it); archived_at set
	// says archived whatever status says.
	archived := (p.ArchivedAt != nil && *p.ArchivedAt > 0) || p.Status == "archived"
	status := firstOf(p.Status, "active")
	if archived {
		status = "archived"
	}
	a := model.Asset{ID: "openai://projects/" + p.ID, Provider: OpenAIName, Scope: s.scope.ID, Kind: model.KindProject,
		DeploymentType: model.APISaaS, Name: p.Name,
		Facts: []model.Fact{
			model.String("project.status", status, model.Observed, src),
			model.Bool("project.archived", archived, model.Observed, src),
			model.Int("project.age_days", days(s.now, time.Unix(p.CreatedAt, 0)), model.Observed, src),
		}}
	if usersKnown {
		owners := 0
		for _, u := range users {
			if u.Role == "owner" {
				owners++
			}
		}
		usrc := "openai GET /organization/projects/" + p.ID + "/users"
		a.Facts = append(a.Facts, model.Int("project.owners", int64(owners), model.Observed, usrc),
			model.Bool("project.owner_present", owners > 0, model.Observed, usrc),
			model.Int("project.members", int64(len(users)), model.Observed, usrc))
		if owners > 0 {
			a.Owner = "openai-user:" + firstOwner(users)
		}
	}
	if sasKnown {
		a.Facts = append(a.Facts, model.Int("project.service_accounts", int64(len(sas)), model.Observed, "openai GET /organization/projects/"+p.ID+"/service_accounts"))
	}
	if limitsKnown {
		a.Facts = append(a.Facts, model.Int("project.rate_limited_models", int64(len(limits)), model.Observed, "openai GET /organization/projects/"+p.ID+"/rate_limits"))
	}
	return a
}

func firstOwner(users []oaUser) string {
	for _, u := range users {
		if u.Role == "owner" {
			return u.ID
		}
	}
	return ""
}

func (s *openaiScan) serviceAccountAsset(p oaProject, sa oaServiceAccount) model.Asset {
	src := "openai GET /organization/projects/" + p.ID + "/service_accounts"
	return model.Asset{ID: "openai://projects/" + p.ID + "/service_accounts/" + sa.ID, Provider: OpenAIName, Scope: s.scope.ID,
		Kind: model.KindIdentity, DeploymentType: model.APISaaS, Name: sa.Name,
		Relations: []model.Relation{{Type: "belongs_to", Target: "openai://projects/" + p.ID}},
		Facts: []model.Fact{
			model.String("iam.principal_type", "service_account", model.Observed, src),
			model.String("identity.role", sa.Role, model.Observed, src),
			model.Int("identity.age_days", days(s.now, time.Unix(sa.CreatedAt, 0)), model.Observed, src),
		}}
}

// projectKeyAsset maps a project API key: its owner (a user or a service
// account, and whether that owner still has access), age and last use.
func (s *openaiScan) projectKeyAsset(p oaProject, k oaKey) model.Asset {
	src := "openai GET /organization/projects/" + p.ID + "/api_keys"
	a := s.keyAsset("openai://projects/"+p.ID+"/api_keys/"+k.ID, "openai_project_key", k, src)
	a.Relations = append(a.Relations, model.Relation{Type: "belongs_to", Target: "openai://projects/" + p.ID})
	ownerKind, ownerID := k.Owner.Type, ""
	switch {
	case k.Owner.ServiceAccount != nil:
		ownerKind, ownerID = "service_account", "openai://projects/"+p.ID+"/service_accounts/"+k.Owner.ServiceAccount.ID
	case k.Owner.User != nil:
		ownerKind, ownerID = "user", "openai-user:"+k.Owner.User.ID
	}
	if ownerKind != "" {
		a.Facts = append(a.Facts, model.String("key.owner_kind", ownerKind, model.Observed, src))
	}
	present := ownerID != "" && k.OwnerProjectAccess != "inactive"
	if ownerKind == "user" && s.orgUsers != nil && k.Owner.User != nil {
		_, inOrg := s.orgUsers[k.Owner.User.ID]
		present = present && inOrg
	}
	a.Facts = append(a.Facts, model.Bool("key.owner_present", present, model.Observed, src))
	if ownerID != "" {
		a.Owner, a.Identity = ownerID, ownerID
		a.Relations = append(a.Relations, model.Relation{Type: "owned_by", Target: ownerID})
	}
	return a
}

func (s *openaiScan) adminKeyAsset(k oaKey) model.Asset {
	src := "openai GET /organization/admin_api_keys"
	a := s.keyAsset("openai://admin_api_keys/"+k.ID, "openai_admin_key", k, src)
	a.SetFact(model.Bool("key.admin", true, model.Observed, src))
	if id := firstOf(k.Owner.ID, userID(k.Owner.User)); id != "" {
		// The owner is a user or, as the official example shows
		// (owner.type service_account), a service account.
		kind, prefix := "user", "openai-user:"
		if adminKeyOwnerIsServiceAccount(k) {
			kind, prefix = "service_account", "openai-service-account:"
		}
		a.Identity = prefix + id
		a.Owner = a.Identity
		a.Relations = append(a.Relations, model.Relation{Type: "owned_by", Target: a.Identity})
		a.SetFact(model.String("key.owner_kind", kind, model.Observed, src))
		a.SetFact(model.Bool("key.owner_present", true, model.Observed, src))
	}
	return a
}

// adminKeyOwnerIsServiceAccount: an admin key's owner object is a service
// account (type service_account, or object organization.service_account).
func adminKeyOwnerIsServiceAccount(k oaKey) bool {
	return k.Owner.Type == "service_account" || strings.HasSuffix(k.Owner.Object, ".service_account")
}

func userID(u *oaUser) string {
	if u == nil {
		return ""
	}
	return u.ID
}

// keyAsset holds what every OpenAI key has: kind, hint, age, last use.
func (s *openaiScan) keyAsset(id, kind string, k oaKey, src string) model.Asset {
	a := model.Asset{ID: id, Provider: OpenAIName, Scope: s.scope.ID, Kind: model.KindAPIKey, DeploymentType: model.APISaaS,
		Name: firstOf(k.Name, k.ID), Secret: hintFingerprint(kind, k.RedactedValue, id),
		Facts: []model.Fact{
			model.String("key.kind", kind, model.Observed, src),
			model.String("key.provider", OpenAIName, model.Observed, src),
			model.String("key.status", "active", model.Observed, src),
			model.Bool("key.short_lived", false, model.Observed, src),
			model.Bool("key.admin", false, model.Observed, src),
			model.Int("key.age_days", days(s.now, time.Unix(k.CreatedAt, 0)), model.Observed, src),
		}}
	if k.LastUsedAt != nil && *k.LastUsedAt > 0 {
		a.Facts = append(a.Facts, model.Int("key.last_used_days", days(s.now, time.Unix(*k.LastUsedAt, 0)), model.Observed, src))
	} else {
		a.Facts = append(a.Facts, model.Int("key.last_used_days", days(s.now, time.Unix(k.CreatedAt, 0)), model.Observed, "never used"),
			model.Bool("key.never_used", true, model.Observed, src))
	}
	if k.ExpiresAt != nil && *k.ExpiresAt > 0 {
		exp := time.Unix(*k.ExpiresAt, 0)
		a.Facts = append(a.Facts, model.Int("key.expires_in_days", int64(exp.Sub(s.now).Hours()/24), model.Observed, src))
		if !exp.After(s.now) { // past its expires_at: it no longer authenticates
			a.SetFact(model.String("key.status", "expired", model.Observed, src+": expires_at passed"))
		}
	}
	return a
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
