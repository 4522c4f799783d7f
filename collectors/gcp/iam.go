package gcp

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	admin "cloud.google.com/go/iam/admin/apiv1"
	"cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	resourcemanager "cloud.google.com/go/resourcemanager/apiv3"
	"google.golang.org/api/iterator"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

// AI roles: the predefined roles of Vertex AI, AI Platform (ml) and
// Workbench (notebooks); the basic roles owner and editor grant every
// permission of those services too.
var (
	aiRolePrefixes = []string{"roles/aiplatform.", "roles/ml.", "roles/notebooks."}
	aiPermPrefixes = []string{"aiplatform.", "ml.", "notebooks."}
	basicRoles     = map[string]bool{"roles/owner": true, "roles/editor": true}
	adminRoles     = map[string]bool{"roles/aiplatform.admin": true, "roles/ml.admin": true, "roles/notebooks.admin": true}
)

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func customRole(role string) bool {
	return strings.HasPrefix(role, "projects/") || strings.HasPrefix(role, "organizations/")
}

// grant is what a project's policy gives one principal in AI.
type grant struct {
	roles    []string // AI roles, predefined, basic and custom
	broad    []string // the roles granting every AI permission, by kind
	perms    []string // AI permissions of its custom roles
	full     bool     // an AI admin role or a basic role
	wildcard bool     // a basic role (every permission of every service)
}

// principalGrants reads a policy: every member holding an AI role, with
// what it holds. custom maps a custom role to its AI permissions (a custom
// role missing from it could not be read and is left out).
func principalGrants(p *iampb.Policy, custom map[string][]string) map[string]*grant {
	return placedGrants(custom, placed{policy: p})
}

// placed is a policy and where it is set: "" for the project's own, else
// the folder or organisation it is inherited from.
type placed struct {
	policy *iampb.Policy
	at     string
}

// placedGrants reads the project's policy and the ones it inherits: a role
// inherited from above is named role@folders/N or role@organizations/N.
func placedGrants(custom map[string][]string, policies ...placed) map[string]*grant {
	out := map[string]*grant{}
	for _, pl := range policies {
		for _, b := range pl.policy.GetBindings() {
			addBinding(out, b, pl.at, custom)
		}
	}
	for _, g := range out {
		for _, l := range []*[]string{&g.roles, &g.broad, &g.perms} {
			sort.Strings(*l)
			*l = compact(*l)
		}
	}
	return out
}

func addBinding(out map[string]*grant, b *iampb.Binding, at string, custom map[string][]string) {
	role := b.GetRole()
	var perms []string
	switch {
	case basicRoles[role], hasAnyPrefix(role, aiRolePrefixes):
	case customRole(role) && len(custom[role]) > 0:
		perms = custom[role]
	default:
		return
	}
	where := ""
	if at != "" {
		where = "@" + at
	}
	for _, m := range b.GetMembers() {
		g := out[m]
		if g == nil {
			g = &grant{}
			out[m] = g
		}
		g.roles = append(g.roles, role+where)
		g.perms = append(g.perms, perms...)
		switch {
		case basicRoles[role]:
			g.full, g.wildcard = true, true
			g.broad = append(g.broad, "basic:"+role+where)
		case adminRoles[role]:
			g.full = true
			g.broad = append(g.broad, "predefined:"+role+where)
		}
	}
}

func compact(s []string) []string {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

// principalType names the kind of an IAM member.
func principalType(member string) string {
	kind, rest, _ := strings.Cut(member, ":")
	switch kind {
	case "serviceAccount":
		if serviceAgentEmail(rest) {
			return "service_agent"
		}
		return "service_account"
	case "user", "group", "domain":
		return kind
	case "allUsers", "allAuthenticatedUsers":
		return "public"
	case "principal", "principalSet":
		return "federated"
	case "deleted":
		return "deleted"
	}
	return kind
}

// iamFamilies are the project's AI principals: the members of its IAM
// policy holding an AI role (identity assets), and the user-managed keys
// of the AI service accounts the project owns (api_key assets).
func (s *scan) iamFamilies(ctx context.Context) []collectors.Family {
	const fam = "iam.principals"
	crmConn, err := s.c.conn(ctx, crmEndpoint)
	if err != nil {
		return failing(fam, err)
	}
	iamConn, err := s.c.conn(ctx, iamEndpoint)
	if err != nil {
		return failing(fam, err)
	}
	crm, err := resourcemanager.NewProjectsClient(ctx, clientOpts(crmConn)...)
	if err != nil {
		return failing(fam, err)
	}
	iam, err := admin.NewIamClient(ctx, clientOpts(iamConn)...)
	if err != nil {
		return failing(fam, err)
	}
	folders, err := resourcemanager.NewFoldersClient(ctx, clientOpts(crmConn)...)
	if err != nil {
		return failing(fam, err)
	}
	orgs, err := resourcemanager.NewOrganizationsClient(ctx, clientOpts(crmConn)...)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		p := s.project.ID
		pol, err := crm.GetIamPolicy(ctx, &iampb.GetIamPolicyRequest{Resource: "projects/" + p,
			Options: &iampb.GetPolicyOptions{RequestedPolicyVersion: 3}}, s.c.callOpts(ctx)...)
		if err != nil {
			return callErr(err, "resourcemanager get-iam-policy of %s", p)
		}
		policies := append([]placed{{policy: pol}}, s.inherited(ctx, folders, orgs)...)
		custom := map[string][]string{}
		for _, pl := range policies {
			for _, b := range pl.policy.GetBindings() {
				role := b.GetRole()
				if _, done := custom[role]; done || !customRole(role) {
					continue
				}
				r, err := iam.GetRole(ctx, &adminpb.GetRoleRequest{Name: role}, s.c.callOpts(ctx)...)
				if err != nil {
					where := p
					if pl.at != "" {
						where = pl.at
					}
					s.itemFailed(ctx, callErr(err, "iam get-role %s (bound in %s)", role, where))
					continue
				}
				custom[role] = aiPermissions(r.GetIncludedPermissions())
			}
		}
		accounts, err := s.serviceAccounts(ctx, iam)
		if err != nil {
			s.itemFailed(ctx, err) // principals still reported; their keys unknown
		}
		grants := placedGrants(custom, policies...)
		members := make([]string, 0, len(grants))
		for m := range grants {
			members = append(members, m)
		}
		sort.Strings(members)
		for _, m := range members {
			a := s.principalAsset(m, grants[m])
			email, isSA := strings.CutPrefix(m, "serviceAccount:")
			if isSA && accounts != nil && !serviceAgentEmail(email) && s.c.ownerProject(email) == p {
				disabled, listed := accounts[strings.ToLower(email)]
				if listed {
					a.SetFact(model.Bool("iam.disabled", disabled, model.Observed, "iam list-service-accounts"))
					n, err := s.accountKeys(ctx, iam, email, a.ID)
					if err != nil {
						s.itemFailed(ctx, err)
					} else {
						a.SetFact(model.Bool("iam.long_lived_ai_credentials", n > 0, model.Observed, "user-managed keys of the service account"))
					}
				}
			}
			s.sink.Asset(*a)
		}
		return nil
	}}}
}

// inherited are the policies of the folders and organisation above the
// project. One that cannot be read is named (its grants stay unknown) and
// the project's own and the rest still count; so does a hierarchy walk
// that stops early.
func (s *scan) inherited(ctx context.Context, folders *resourcemanager.FoldersClient, orgs *resourcemanager.OrganizationsClient) []placed {
	nodes, err := s.c.ancestors(ctx, folders, s.project.Parent)
	if err != nil {
		s.itemFailed(ctx, fmt.Errorf("the folders above %s (the grants inherited from higher up are unknown): %w", s.project.ID, err))
	}
	var out []placed
	for _, n := range nodes {
		p, err := s.c.nodePolicy(ctx, folders, orgs, n)
		if err != nil {
			s.itemFailed(ctx, fmt.Errorf("the grants %s inherits from %s are unknown: %w", s.project.ID, n, err))
			continue
		}
		out = append(out, placed{policy: p, at: n})
	}
	return out
}

// aiPermissions are the AI permissions among a role's.
func aiPermissions(perms []string) []string {
	var out []string
	for _, p := range perms {
		if hasAnyPrefix(p, aiPermPrefixes) {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// serviceAccounts are the project's own service accounts, by lower-case
// email, with whether each is disabled.
func (s *scan) serviceAccounts(ctx context.Context, iam *admin.IamClient) (map[string]bool, error) {
	out := map[string]bool{}
	it := iam.ListServiceAccounts(ctx, &adminpb.ListServiceAccountsRequest{Name: "projects/" + s.project.ID}, s.c.callOpts(ctx)...)
	for {
		sa, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return out, nil
		}
		if err != nil {
			return nil, callErr(err, "iam list-service-accounts of %s", s.project.ID)
		}
		out[strings.ToLower(sa.GetEmail())] = sa.GetDisabled()
	}
}

// principalAsset maps one member's AI grants in the project. A service
// account the project owns is named by its IAM resource name, the ID the
// resources running as it point to; any other member by the project's
// binding (//cloudresourcemanager.googleapis.com/projects/P/members/M).
func (s *scan) principalAsset(member string, g *grant) *model.Asset {
	typ := principalType(member)
	email, isSA := strings.CutPrefix(member, "serviceAccount:")
	id := "//cloudresourcemanager.googleapis.com/projects/" + s.project.ID + "/members/" + member
	name := member
	var rel []model.Relation
	if isSA {
		name = email
		if s.c.ownerProject(email) == s.project.ID {
			id = s.c.saID(email)
		} else {
			rel = append(rel, model.Relation{Type: "same_as", Target: s.c.saID(email)})
		}
	}
	src := "iam policy of " + s.project.ID
	a := &model.Asset{ID: id, Provider: Name, Scope: s.scope.ID, Kind: model.KindIdentity, DeploymentType: model.PaaS, Name: name,
		Relations: rel,
		Facts: []model.Fact{
			model.String("iam.principal_type", typ, model.Observed, src),
			model.Strings("iam.ai_roles", g.roles, model.Observed, src),
			model.Bool("iam.ai_wildcard_actions", g.wildcard, model.Observed, src),
			model.Bool("iam.ai_full_access_policy", g.full, model.Observed, src),
			model.Strings("iam.ai_broad_grants", g.broad, model.Observed, src),
		}}
	if len(g.perms) > 0 {
		a.SetFact(model.Strings("iam.ai_actions", g.perms, model.Observed, "custom roles bound in "+s.project.ID))
	}
	switch typ {
	case "user", "group", "domain", "public", "federated", "service_agent":
		// People, groups and federated principals sign in; service agents
		// hold Google-managed keys only: none holds a user-managed key.
		a.SetFact(model.Bool("iam.long_lived_ai_credentials", false, model.Observed, typ+" principals hold no user-managed keys"))
	}
	if typ == "public" {
		a.SetFact(model.Bool("iam.public_grant", true, model.Observed, src))
	}
	return a
}

// accountKeys reports the active user-managed keys of a service account
// and returns how many there are.
func (s *scan) accountKeys(ctx context.Context, iam *admin.IamClient, email, accountID string) (int, error) {
	out, err := iam.ListServiceAccountKeys(ctx, &adminpb.ListServiceAccountKeysRequest{
		Name:     "projects/" + s.project.ID + "/serviceAccounts/" + email,
		KeyTypes: []adminpb.ListServiceAccountKeysRequest_KeyType{adminpb.ListServiceAccountKeysRequest_USER_MANAGED},
	}, s.c.callOpts(ctx)...)
	if err != nil {
		return 0, callErr(err, "iam list-service-account-keys of %s", email)
	}
	n := 0
	now := s.c.opts.Now()
	for _, k := range out.GetKeys() {
		if a := s.keyAsset(k, email, accountID, now); a != nil {
			n++
			s.sink.Asset(*a)
		}
	}
	return n, nil
}

// keyAsset describes an active user-managed key by fingerprint of its id
// (nil for a disabled, expired or Google-managed key). The key material is
// never read: the list carries none.
func (s *scan) keyAsset(k *adminpb.ServiceAccountKey, email, accountID string, now time.Time) *model.Asset {
	if k.GetDisabled() || k.GetKeyType() == adminpb.ListServiceAccountKeysRequest_SYSTEM_MANAGED {
		return nil
	}
	if b := k.GetValidBeforeTime(); b != nil && b.IsValid() && b.AsTime().Before(now) {
		return nil
	}
	name := k.GetName()
	keyID := name[strings.LastIndex(name, "/")+1:]
	const kind = "gcp_service_account_key"
	fp := fingerprint.Fingerprint(kind, []byte(keyID), accountID)
	fp.Suffix = "" // an id, not a secret: the prefix and hash identify it
	src := "iam list-service-account-keys of " + email
	a := &model.Asset{ID: accountID + "#" + kind + "-" + fp.SHA256, Provider: Name, Scope: s.scope.ID, Kind: model.KindAPIKey,
		DeploymentType: model.PaaS, Name: "user-managed key of " + email, Identity: accountID, Secret: &fp,
		Relations: []model.Relation{{Type: "belongs_to", Target: accountID}},
		Facts: []model.Fact{
			model.String("key.kind", kind, model.Observed, src),
			model.String("key.provider", "google", model.Observed, src),
			model.Bool("key.short_lived", false, model.Observed, src),
			model.Bool("iam.long_lived_ai_credentials", true, model.Observed, src),
		}}
	if t := k.GetValidAfterTime(); t != nil && t.IsValid() {
		a.SetFact(model.Int("key.age_days", int64(now.Sub(t.AsTime()).Hours()/24), model.Observed, src))
	}
	if b := k.GetValidBeforeTime(); b != nil && b.IsValid() {
		a.SetFact(model.Bool("key.expires", b.AsTime().Year() < 9999, model.Observed, src))
	}
	return a
}
