package azure

import (
	"context"
	"sort"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/authorization/armauthorization/v2"

	"github.com/aisight/aisight/model"
)

// roleDef is the part of a role definition the collector judges.
type roleDef struct {
	name, typ                                        string
	actions, notActions, dataActions, notDataActions []string
}

// allows reports whether the role grants action (control plane).
func (r *roleDef) allows(action string) bool {
	return anyMatch(r.actions, action) && !anyMatch(r.notActions, action)
}

// aiRelevant: the role grants something beyond reading in an AI
// namespace (or everything).
func (r *roleDef) aiRelevant() bool {
	for _, p := range append(append([]string{}, r.actions...), r.dataActions...) {
		lp := strings.ToLower(p)
		if lp == "*" || (strings.HasPrefix(lp, "microsoft.cognitiveservices/") || strings.HasPrefix(lp, "microsoft.machinelearningservices/")) && !strings.HasSuffix(lp, "/read") {
			return true
		}
	}
	return false
}

// wildcard: the role allows every action of every service.
func (r *roleDef) wildcard() bool {
	for _, p := range r.actions {
		if p == "*" {
			return true
		}
	}
	return false
}

// full: the role allows every action of an AI namespace.
func (r *roleDef) full() bool {
	for _, p := range append(append([]string{}, r.actions...), r.dataActions...) {
		switch strings.ToLower(p) {
		case "*", "microsoft.cognitiveservices/*", "microsoft.machinelearningservices/*":
			return true
		}
	}
	return false
}

func anyMatch(patterns []string, action string) bool {
	for _, p := range patterns {
		if glob(strings.ToLower(p), strings.ToLower(action)) {
			return true
		}
	}
	return false
}

// glob matches an RBAC action pattern, where * stands for any run of
// characters (slashes included), linearly.
func glob(p, s string) bool {
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// roleCache looks role definitions up once per collector: scopes and
// their resource providers are collected at once, and a definition asked
// for while it is being fetched waits for that fetch (a failed fetch is
// not kept: the next asker tries again).
type roleCache struct {
	c  *Collector
	mu sync.Mutex
	m  map[string]*roleFetch
}

type roleFetch struct {
	done chan struct{}
	def  *roleDef
	err  error
}

func newRoleCache(c *Collector) *roleCache { return &roleCache{c: c, m: map[string]*roleFetch{}} }

func (rc *roleCache) get(ctx context.Context, client *armauthorization.RoleDefinitionsClient, id string) (*roleDef, error) {
	key := strings.ToLower(id)
	rc.mu.Lock()
	if f, ok := rc.m[key]; ok {
		rc.mu.Unlock()
		select {
		case <-f.done:
			if f.err == nil {
				return f.def, nil
			}
			return rc.get(ctx, client, id) // the fetch failed and was dropped: try again
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &roleFetch{done: make(chan struct{})}
	rc.m[key] = f
	rc.mu.Unlock()
	f.def, f.err = fetchRole(ctx, client, id)
	if f.err != nil {
		rc.mu.Lock()
		delete(rc.m, key)
		rc.mu.Unlock()
	}
	close(f.done)
	return f.def, f.err
}

func fetchRole(ctx context.Context, client *armauthorization.RoleDefinitionsClient, id string) (*roleDef, error) {
	resp, err := client.GetByID(ctx, id, nil)
	if err != nil {
		return nil, callErr(err, "authorization get role definition %s", id)
	}
	d := &roleDef{}
	if p := resp.Properties; p != nil {
		d.name, d.typ = deref(p.RoleName), deref(p.RoleType)
		for _, perm := range p.Permissions {
			d.actions = append(d.actions, strs(perm.Actions)...)
			d.notActions = append(d.notActions, strs(perm.NotActions)...)
			d.dataActions = append(d.dataActions, strs(perm.DataActions)...)
			d.notDataActions = append(d.notDataActions, strs(perm.NotDataActions)...)
		}
	}
	return d, nil
}

func strs(ps []*string) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// assignment is one AI role assignment that applies to a resource.
type assignment struct {
	principalID, principalType, scope string
	role                              *roleDef
}

// assignments are the AI role assignments that apply at a resource (its
// own and those inherited from its resource group and subscription).
func (s *scan) assignments(ctx context.Context, resourceID string) ([]assignment, error) {
	ra, err := armauthorization.NewRoleAssignmentsClient(s.sub, s.c.opts.Credential, s.c.copts)
	if err != nil {
		return nil, err
	}
	rd, err := armauthorization.NewRoleDefinitionsClient(s.c.opts.Credential, s.c.copts)
	if err != nil {
		return nil, err
	}
	var out []assignment
	p := ra.NewListForScopePager(resourceID, nil)
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, callErr(err, "authorization list role assignments of %s", resourceID)
		}
		for _, a := range page.Value {
			props := a.Properties
			if props == nil {
				continue
			}
			def, err := s.c.roles.get(ctx, rd, deref(props.RoleDefinitionID))
			if err != nil {
				s.itemFailed(ctx, err)
				continue
			}
			if !def.aiRelevant() {
				continue
			}
			out = append(out, assignment{principalID: strings.ToLower(deref(props.PrincipalID)), principalType: string(deref(props.PrincipalType)),
				scope: deref(props.Scope), role: def})
		}
	}
	return out, nil
}

// keyActions are the actions that read a resource's keys.
var keyActions = map[string]string{
	"Microsoft.CognitiveServices/accounts":                         "Microsoft.CognitiveServices/accounts/listKeys/action",
	"Microsoft.MachineLearningServices/workspaces":                 "Microsoft.MachineLearningServices/workspaces/listKeys/action",
	"Microsoft.MachineLearningServices/workspaces/onlineEndpoints": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action",
}

// grantFacts records on a resource who holds AI roles on it and who can
// read its keys, and adds the grants to the subscription's principals.
func (s *scan) grantFacts(x *model.Asset, grants []assignment) {
	typ := ""
	if f, ok := x.Fact("azure.resource_type"); ok {
		typ, _ = f.Value.(string)
	}
	src := "role assignments on " + x.ID
	var holders, readers []string
	for _, g := range grants {
		who := principalLabel(g.principalType, g.principalID)
		holders = append(holders, g.role.name+":"+who)
		canRead := keyActions[typ] != "" && g.role.allows(keyActions[typ])
		if canRead {
			readers = append(readers, who)
		}
		s.addGrant(g, canRead)
	}
	holders, readers = uniq(holders), uniq(readers)
	x.SetFact(model.Strings("iam.ai_role_holders", holders, model.Observed, src))
	if keyActions[typ] != "" {
		x.SetFact(model.Strings("iam.key_readers", readers, model.Observed, src))
	}
}

func uniq(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}

func principalLabel(typ, id string) string {
	switch typ {
	case "User":
		return "user:" + id
	case "Group", "ForeignGroup":
		return "group:" + id
	}
	return "service_principal:" + id
}

// principal is what a subscription's AI role assignments give one principal.
type principal struct {
	typ                       string
	roles, broad              []string
	wildcard, full, keyReader bool
}

func (s *scan) addGrant(g assignment, keyReader bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.grants[g.principalID]
	if p == nil {
		p = &principal{typ: g.principalType}
		s.grants[g.principalID] = p
	}
	level := scopeLevel(g.scope)
	p.roles = append(p.roles, g.role.name+"@"+level)
	if g.role.full() {
		p.full = true
		kind := "builtin"
		if strings.EqualFold(g.role.typ, "CustomRole") {
			kind = "custom"
		}
		p.broad = append(p.broad, kind+":"+g.role.name+"@"+level)
	}
	p.wildcard = p.wildcard || g.role.wildcard()
	p.keyReader = p.keyReader || keyReader
}

// scopeLevel names where an assignment was made: subscription, resource
// group or the resource itself.
func scopeLevel(scope string) string {
	parts := strings.Split(strings.Trim(scope, "/"), "/")
	switch {
	case len(parts) <= 2:
		return "subscription"
	case len(parts) <= 4:
		return "resource_group"
	}
	return "resource"
}

// principalID is the asset ID of a principal in this subscription, the ID
// the resources running as a managed identity point to as well.
func (s *scan) principalID(id string) string {
	return "//management.azure.com/subscriptions/" + s.sub + "/principals/" + strings.ToLower(id)
}

// managedIdentity sets a resource's managed identity facts and the
// principal it runs as (the system-assigned identity first).
func (s *scan) managedIdentity(x *model.Asset, typ, system string, user []string, src string) {
	if typ == "" {
		typ = "None"
	}
	x.SetFact(model.String("identity.type", typ, model.Observed, src))
	x.SetFact(model.Bool("identity.managed", system != "" || len(user) > 0, model.Observed, src))
	ids := append([]string{}, user...)
	if system != "" {
		ids = append([]string{system}, ids...)
	}
	s.mu.Lock()
	if s.managed == nil {
		s.managed = map[string]bool{}
	}
	for _, id := range ids {
		s.managed[strings.ToLower(id)] = true
	}
	s.mu.Unlock()
	if len(ids) > 0 {
		x.Identity = s.principalID(ids[0])
		for _, id := range ids {
			x.Relations = append(x.Relations, model.Relation{Type: "runs_as", Target: s.principalID(id)})
		}
	}
}

// reportPrincipals reports the principals holding AI roles on the
// subscription's AI resources, after the resource families ran.
func (s *scan) reportPrincipals() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, p := range s.grants {
		s.sink.Asset(s.principalAsset(id, p))
	}
}

// principalAsset maps one principal's AI grants in the subscription.
// Users and groups sign in, and managed identities have no secrets, so
// they hold no long-lived credentials; whether another service principal
// has client secrets is not visible to Resource Manager (unknown).
func (s *scan) principalAsset(id string, p *principal) model.Asset {
	src := "role assignments in subscription " + s.sub
	typ := map[string]string{"User": "user", "Group": "group", "ForeignGroup": "group", "ServicePrincipal": "service_principal"}[p.typ]
	if typ == "" {
		typ = strings.ToLower(p.typ)
	}
	managed := s.managed[id]
	if managed {
		typ = "managed_identity"
	}
	a := model.Asset{ID: s.principalID(id), Provider: Name, Scope: s.scope.ID, Kind: model.KindIdentity, DeploymentType: model.PaaS,
		Name: typ + " " + id,
		Facts: []model.Fact{
			model.String("iam.principal_type", typ, model.Observed, src),
			model.Strings("iam.ai_roles", uniq(p.roles), model.Observed, src),
			model.Bool("iam.ai_wildcard_actions", p.wildcard, model.Observed, src),
			model.Bool("iam.ai_full_access_policy", p.full, model.Observed, src),
			model.Strings("iam.ai_broad_grants", uniq(p.broad), model.Observed, src),
			model.Bool("iam.can_read_ai_keys", p.keyReader, model.Observed, src),
		}}
	if typ != "service_principal" {
		a.Facts = append(a.Facts, model.Bool("iam.long_lived_ai_credentials", false, model.Observed, typ+"s hold no secrets of their own"))
	}
	return a
}
