package azure

import (
	"context"
	"sort"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/cognitiveservices/armcognitiveservices/v2"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// aiKinds are the Cognitive Services account kinds that serve generative
// AI: Azure OpenAI and AI Services (the AI Foundry resource).
var aiKinds = map[string]bool{"openai": true, "aiservices": true}

// cognitiveFamilies are the subscription's Azure OpenAI and AI Services
// accounts with their deployments, RAI policies, Foundry projects,
// diagnostic settings and role assignments.
func (s *scan) cognitiveFamilies() []collectors.Family {
	const fam = "cognitive.accounts"
	f, err := armcognitiveservices.NewClientFactory(s.sub, s.c.opts.Credential, s.c.copts)
	if err != nil {
		return failing(fam, err)
	}
	diag, err := armmonitor.NewDiagnosticSettingsClient(s.c.opts.Credential, s.c.copts)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		var accounts []*armcognitiveservices.Account
		p := f.NewAccountsClient().NewListPager(nil)
		for p.More() {
			page, err := p.NextPage(ctx)
			if err != nil {
				return callErr(err, "cognitive services list accounts in %s", s.sub)
			}
			for _, a := range page.Value {
				if aiKinds[strings.ToLower(deref(a.Kind))] {
					accounts = append(accounts, a)
				} else {
					s.sink.Count("other_cognitive_accounts", 1)
				}
			}
		}
		for _, a := range accounts {
			s.account(ctx, f, diag, a)
		}
		s.done("cognitive")
		return nil
	}}}
}

// failing is a family that reports why its client could not be made.
func failing(name string, err error) []collectors.Family {
	return []collectors.Family{{Name: name, Collect: func(context.Context) error { return err }}}
}

// account reports one AI account and everything under it; a child listing
// that fails is a named problem and the account is still reported.
func (s *scan) account(ctx context.Context, f *armcognitiveservices.ClientFactory, diag *armmonitor.DiagnosticSettingsClient, a *armcognitiveservices.Account) {
	id, name, rg := deref(a.ID), deref(a.Name), resourceGroup(deref(a.ID))
	var logs *logging
	if l, err := s.diagnostics(ctx, diag, id); err != nil {
		s.itemFailed(ctx, err)
	} else {
		logs = &l
	}
	acct := s.accountAsset(a, logs)
	s.invoked(logs)
	grants, err := s.assignments(ctx, id)
	if err != nil {
		s.itemFailed(ctx, err)
	} else {
		s.grantFacts(acct, grants)
	}
	out := []*model.Asset{acct}
	if k := s.accountKeys(a); k != nil {
		out = append(out, k)
	}

	policies := map[string]*armcognitiveservices.RaiPolicy{}
	pp := f.NewRaiPoliciesClient().NewListPager(rg, name, nil)
	for pp.More() {
		page, err := pp.NextPage(ctx)
		if err != nil {
			s.itemFailed(ctx, callErr(err, "cognitive services list RAI policies of %s", id))
			policies = nil
			break
		}
		for _, p := range page.Value {
			policies[strings.ToLower(deref(p.Name))] = p
			out = append(out, s.raiPolicyAsset(p, deref(a.Location)))
		}
	}
	dp := f.NewDeploymentsClient().NewListPager(rg, name, nil)
	for dp.More() {
		page, err := dp.NextPage(ctx)
		if err != nil {
			s.itemFailed(ctx, callErr(err, "cognitive services list deployments of %s", id))
			break
		}
		for _, d := range page.Value {
			out = append(out, s.deploymentAsset(d, acct, policies))
		}
	}
	if strings.EqualFold(deref(a.Kind), "AIServices") {
		pr := f.NewProjectsClient().NewListPager(rg, name, nil)
		for pr.More() {
			page, err := pr.NextPage(ctx)
			if err != nil {
				s.itemFailed(ctx, callErr(err, "cognitive services list projects of %s", id))
				break
			}
			for _, p := range page.Value {
				out = append(out, s.projectAsset(p, acct))
			}
		}
	}
	for _, x := range out {
		s.sink.Asset(*x)
	}
}

// logging is what an account's diagnostic settings say.
type logging struct {
	enabled      bool
	destinations []string
}

// requestLogCategories are the diagnostic log categories that record model
// calls (Azure OpenAI and AI Services RequestResponse and Audit, Azure ML
// online endpoint traffic), or the groups holding them.
var requestLogCategories = map[string]bool{"requestresponse": true, "audit": true, "alllogs": true, "trace": true, "amlonlineendpointtrafficlog": true}

// diagnostics reads a resource's diagnostic settings: logging is on when
// a setting sends a request log category somewhere.
func (s *scan) diagnostics(ctx context.Context, client *armmonitor.DiagnosticSettingsClient, resourceID string) (logging, error) {
	var l logging
	dest := map[string]bool{}
	p := client.NewListPager(resourceID, nil)
	for p.More() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return l, callErr(err, "monitor list diagnostic settings of %s", resourceID)
		}
		for _, d := range page.Value {
			l.add(d, dest)
		}
	}
	for d := range dest {
		l.destinations = append(l.destinations, d)
	}
	sort.Strings(l.destinations)
	return l, nil
}

func (l *logging) add(d *armmonitor.DiagnosticSettingsResource, dest map[string]bool) {
	p := d.Properties
	if p == nil {
		return
	}
	logs := false
	for _, ls := range p.Logs {
		if deref(ls.Enabled) && (requestLogCategories[strings.ToLower(deref(ls.Category))] || requestLogCategories[strings.ToLower(deref(ls.CategoryGroup))]) {
			logs = true
		}
	}
	if !logs {
		return
	}
	for k, v := range map[string]*string{"log_analytics": p.WorkspaceID, "storage": p.StorageAccountID, "event_hub": p.EventHubAuthorizationRuleID, "partner": p.MarketplacePartnerID} {
		if deref(v) != "" {
			dest[k] = true
			l.enabled = true
		}
	}
}

func (l *logging) facts(src string) []model.Fact {
	return []model.Fact{
		model.Bool("logging.invocation_enabled", l.enabled, model.Observed, src),
		model.String("logging.destination", strings.Join(l.destinations, ","), model.Observed, src),
	}
}

// accountAsset maps an AI account: auth, network, identity, encryption,
// logging (nil when its diagnostic settings could not be read).
func (s *scan) accountAsset(a *armcognitiveservices.Account, logs *logging) *model.Asset {
	id := deref(a.ID)
	src := "cognitive services account " + id
	x := s.asset(id, model.KindProject, deref(a.Name), deref(a.Location))
	s.tag(x, a.Tags)
	p := a.Properties
	if p == nil {
		p = &armcognitiveservices.AccountProperties{}
	}
	x.Facts = append(x.Facts,
		model.String("azure.resource_type", "Microsoft.CognitiveServices/accounts", model.Observed, src),
		model.String("azure.kind", deref(a.Kind), model.Observed, src),
		model.Bool("auth.local_auth_disabled", deref(p.DisableLocalAuth), model.Observed, src))
	if a.SKU != nil {
		x.Facts = append(x.Facts, model.String("azure.sku", deref(a.SKU.Name), model.Observed, src))
	}
	public := p.PublicNetworkAccess == nil || *p.PublicNetworkAccess == armcognitiveservices.PublicNetworkAccessEnabled
	defaultAction := "Allow"
	ipRules := 0
	if p.NetworkACLs != nil {
		defaultAction = string(deref(p.NetworkACLs.DefaultAction))
		ipRules = len(p.NetworkACLs.IPRules)
	}
	x.Facts = append(x.Facts, networkFacts(public, defaultAction, ipRules, approvedEndpoints(p.PrivateEndpointConnections), src)...)
	x.Facts = append(x.Facts, model.Bool("network.outbound_restricted", deref(p.RestrictOutboundNetworkAccess), model.Observed, src))
	cmek := p.Encryption != nil && p.Encryption.KeySource != nil && *p.Encryption.KeySource == armcognitiveservices.KeySourceMicrosoftKeyVault
	x.Facts = append(x.Facts, model.Bool("encryption.cmek", cmek, model.Observed, src))
	if a.Identity != nil {
		s.managedIdentity(x, string(deref(a.Identity.Type)), deref(a.Identity.PrincipalID), userAssigned(a.Identity.UserAssignedIdentities), src)
	} else {
		s.managedIdentity(x, "None", "", nil, src)
	}
	if logs != nil {
		x.Facts = append(x.Facts, logs.facts("diagnostic settings of "+id)...)
	}
	return x
}

func userAssigned(m map[string]*armcognitiveservices.UserAssignedIdentity) []string {
	var out []string
	for _, v := range m {
		if v != nil && deref(v.PrincipalID) != "" {
			out = append(out, deref(v.PrincipalID))
		}
	}
	sort.Strings(out)
	return out
}

func approvedEndpoints(conns []*armcognitiveservices.PrivateEndpointConnection) int {
	n := 0
	for _, c := range conns {
		if c != nil && c.Properties != nil && c.Properties.PrivateLinkServiceConnectionState != nil &&
			deref(c.Properties.PrivateLinkServiceConnectionState.Status) == armcognitiveservices.PrivateEndpointServiceConnectionStatusApproved {
			n++
		}
	}
	return n
}

// networkFacts are the network facts of an Azure resource: reachable from
// the internet when public network access is on and the firewall's
// default action allows (an IP allow-list restricts it).
func networkFacts(publicAccess bool, defaultAction string, ipRules, privateEndpoints int, src string) []model.Fact {
	public := publicAccess && !strings.EqualFold(defaultAction, "Deny")
	conn := "public"
	switch {
	case !publicAccess && privateEndpoints > 0:
		conn = "private_endpoint"
	case !publicAccess:
		conn = "disabled"
	case !public:
		conn = "public_ip_allowlist"
	}
	fs := []model.Fact{
		model.String("network.connectivity", conn, model.Observed, src),
		model.Bool("network.public_access", public, model.Observed, src),
		model.Bool("network.private_endpoint", privateEndpoints > 0, model.Observed, src),
		model.Int("network.private_endpoints", int64(privateEndpoints), model.Observed, src),
	}
	if publicAccess && ipRules > 0 {
		fs = append(fs, model.Int("network.ip_rules", int64(ipRules), model.Observed, src))
	}
	return fs
}

// accountKeys is the pair of account keys an account with local auth on
// holds (never read: listKeys is not called): an api_key asset whose
// existence is what the key controls judge.
func (s *scan) accountKeys(a *armcognitiveservices.Account) *model.Asset {
	if a.Properties != nil && deref(a.Properties.DisableLocalAuth) {
		return nil
	}
	id := deref(a.ID)
	src := "cognitive services account " + id + " (disableLocalAuth is false)"
	k := s.asset(id+"#account-keys", model.KindAPIKey, "account keys of "+deref(a.Name), deref(a.Location))
	k.Relations = []model.Relation{{Type: "belongs_to", Target: id}}
	k.Facts = []model.Fact{
		model.String("key.kind", "azure_cognitive_account_key", model.Observed, src),
		model.String("key.provider", "azure", model.Observed, src),
		model.Bool("key.short_lived", false, model.Observed, src),
		model.Bool("iam.long_lived_ai_credentials", true, model.Observed, src),
	}
	return k
}

// raiPolicyAsset maps a content filter (RAI) policy: which filters block,
// which are off.
func (s *scan) raiPolicyAsset(p *armcognitiveservices.RaiPolicy, location string) *model.Asset {
	id := deref(p.ID)
	src := "RAI policy " + id
	x := s.asset(id, model.KindGuardrail, deref(p.Name), location)
	props := p.Properties
	if props == nil {
		return x
	}
	blocking := 0
	var off []string
	for _, f := range props.ContentFilters {
		if deref(f.Enabled) && deref(f.Blocking) {
			blocking++
			continue
		}
		off = append(off, strings.ToLower(string(deref(f.Source))+":"+deref(f.Name))) // the service writes "Hate", "Jailbreak"
	}
	sort.Strings(off)
	x.Facts = append(x.Facts,
		model.Int("guardrail.content_filters", int64(blocking), model.Observed, src),
		model.Strings("guardrail.filters_off", off, model.Observed, src),
		model.String("guardrail.mode", string(deref(props.Mode)), model.Observed, src),
		model.String("guardrail.base_policy", deref(props.BasePolicyName), model.Observed, src),
		model.Int("guardrail.blocklists", int64(len(props.CustomBlocklists)), model.Observed, src))
	return x
}

// deploymentAsset maps a model deployment: the model, SKU and capacity,
// its content filter policy (and that policy's filters when it was read),
// the account's logging. It runs no code of its own: callers authenticate
// to it, so it has no identity to judge.
func (s *scan) deploymentAsset(d *armcognitiveservices.Deployment, acct *model.Asset, policies map[string]*armcognitiveservices.RaiPolicy) *model.Asset {
	id := deref(d.ID)
	src := "cognitive services deployment " + id
	x := s.asset(id, model.KindModelDeployment, deref(d.Name), acct.Region)
	s.tag(x, d.Tags)
	x.Relations = []model.Relation{{Type: "deployed_in", Target: acct.ID}}
	x.Facts = append(x.Facts,
		model.String("azure.resource_type", "Microsoft.CognitiveServices/accounts/deployments", model.Observed, src),
		model.Bool("identity.applicable", false, model.Observed, "a model deployment runs as no identity; callers authenticate to its account"))
	if d.SKU != nil {
		x.Facts = append(x.Facts, model.String("deployment.sku", deref(d.SKU.Name), model.Observed, src),
			model.Int("deployment.capacity", int64(deref(d.SKU.Capacity)), model.Observed, src))
	}
	p := d.Properties
	if p == nil {
		return x
	}
	if m := p.Model; m != nil {
		x.Model = &model.ModelRef{Publisher: strings.ToLower(deref(m.Format)), Name: deref(m.Name), Version: deref(m.Version)}
		x.Facts = append(x.Facts, model.String("model.format", deref(m.Format), model.Observed, src))
	}
	if v := p.VersionUpgradeOption; v != nil {
		x.Facts = append(x.Facts, model.String("deployment.version_upgrade_option", string(*v), model.Observed, src))
	}
	policy := deref(p.RaiPolicyName)
	if policy == "" {
		// The service filters a deployment that names no policy with its
		// default one (Microsoft.DefaultV2 for current models): a guardrail
		// aisight did not see set, so inferred, and marked as the default.
		x.Facts = append(x.Facts,
			model.Bool("guardrail.attached", true, model.Inferred, src+": no raiPolicyName, so the service's default content filter applies"),
			model.Bool("guardrail.service_default", true, model.Inferred, src))
	} else {
		x.Facts = append(x.Facts, model.Bool("guardrail.attached", true, model.Observed, src),
			model.Bool("guardrail.service_default", strings.HasPrefix(policy, "Microsoft.Default"), model.Observed, src))
	}
	if policy != "" {
		x.Facts = append(x.Facts, model.String("guardrail.policy", policy, model.Observed, src))
		x.Relations = append(x.Relations, model.Relation{Type: "guarded_by", Target: acct.ID + "/raiPolicies/" + policy})
		if pol, ok := policies[strings.ToLower(policy)]; ok {
			g := s.raiPolicyAsset(pol, "")
			for _, k := range []string{"guardrail.content_filters", "guardrail.filters_off"} {
				if f, ok := g.Fact(k); ok {
					x.SetFact(model.Fact{Key: f.Key, Value: f.Value, Confidence: f.Confidence, Source: "RAI policy " + policy})
				}
			}
		}
	}
	for _, k := range []string{"logging.invocation_enabled", "logging.destination"} {
		if f, ok := acct.Fact(k); ok {
			x.SetFact(f)
		}
	}
	return x
}

// projectAsset maps an AI Foundry project of an AI Services account; it
// inherits the account's auth, network and logging.
func (s *scan) projectAsset(p *armcognitiveservices.Project, acct *model.Asset) *model.Asset {
	id := deref(p.ID)
	src := "AI Foundry project " + id
	x := s.asset(id, model.KindProject, deref(p.Name), deref(p.Location))
	s.tag(x, p.Tags)
	x.Relations = []model.Relation{{Type: "part_of", Target: acct.ID}}
	x.Facts = append(x.Facts, model.String("azure.resource_type", "Microsoft.CognitiveServices/accounts/projects", model.Observed, src))
	if p.Identity != nil {
		s.managedIdentity(x, string(deref(p.Identity.Type)), deref(p.Identity.PrincipalID), userAssigned(p.Identity.UserAssignedIdentities), src)
	}
	for _, f := range acct.Facts {
		switch f.Key {
		case "auth.local_auth_disabled", "network.public_access", "network.private_endpoint", "network.connectivity",
			"logging.invocation_enabled", "logging.destination", "encryption.cmek":
			x.SetFact(model.Fact{Key: f.Key, Value: f.Value, Confidence: f.Confidence, Source: "its account " + acct.ID})
		}
	}
	return x
}
