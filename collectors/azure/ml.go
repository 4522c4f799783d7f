package azure

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/machinelearning/armmachinelearning/v4"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/monitor/armmonitor"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/model"
)

// mlFamilies are the subscription's Azure Machine Learning workspaces
// (with their online endpoints, deployments and compute instances) and
// registries.
func (s *scan) mlFamilies() []collectors.Family {
	f, err := armmachinelearning.NewClientFactory(s.sub, s.c.opts.Credential, s.c.copts)
	if err != nil {
		return append(failing("ml.workspaces", err), failing("ml.registries", err)...)
	}
	diag, err := armmonitor.NewDiagnosticSettingsClient(s.c.opts.Credential, s.c.copts)
	if err != nil {
		return append(failing("ml.workspaces", err), failing("ml.registries", err)...)
	}
	return []collectors.Family{
		{Name: "ml.workspaces", Collect: func(ctx context.Context) error {
			var wss []*armmachinelearning.Workspace
			p := f.NewWorkspacesClient().NewListBySubscriptionPager(nil)
			for p.More() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return callErr(err, "machine learning list workspaces in %s", s.sub)
				}
				wss = append(wss, page.Value...)
			}
			for _, w := range wss {
				s.workspace(ctx, f, diag, w)
			}
			s.done("ml")
			return nil
		}},
		{Name: "ml.registries", Collect: func(ctx context.Context) error {
			p := f.NewRegistriesClient().NewListBySubscriptionPager(nil)
			for p.More() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return callErr(err, "machine learning list registries in %s", s.sub)
				}
				for _, r := range page.Value {
					s.sink.Asset(*s.registryAsset(r))
				}
			}
			return nil
		}},
	}
}

// workspace reports a workspace, its online endpoints with their
// deployments, and its compute instances.
func (s *scan) workspace(ctx context.Context, f *armmachinelearning.ClientFactory, diag *armmonitor.DiagnosticSettingsClient, w *armmachinelearning.Workspace) {
	id, name, rg := deref(w.ID), deref(w.Name), resourceGroup(deref(w.ID))
	ws := s.workspaceAsset(w)
	if grants, err := s.assignments(ctx, id); err != nil {
		s.itemFailed(ctx, err)
	} else {
		s.grantFacts(ws, grants)
	}
	out := []*model.Asset{ws}
	ep := f.NewOnlineEndpointsClient().NewListPager(rg, name, nil)
	for ep.More() {
		page, err := ep.NextPage(ctx)
		if err != nil {
			s.itemFailed(ctx, callErr(err, "machine learning list online endpoints of %s", id))
			break
		}
		for _, e := range page.Value {
			var logs *logging
			if l, err := s.diagnostics(ctx, diag, deref(e.ID)); err != nil {
				s.itemFailed(ctx, err)
			} else {
				logs = &l
			}
			endpoint := s.endpointAsset(e, ws, logs)
			s.invoked(logs)
			if grants, err := s.assignments(ctx, deref(e.ID)); err != nil {
				s.itemFailed(ctx, err)
			} else {
				s.grantFacts(endpoint, grants)
			}
			out = append(out, endpoint)
			dp := f.NewOnlineDeploymentsClient().NewListPager(rg, name, deref(e.Name), nil)
			for dp.More() {
				page, err := dp.NextPage(ctx)
				if err != nil {
					s.itemFailed(ctx, callErr(err, "machine learning list deployments of %s", deref(e.ID)))
					break
				}
				for _, d := range page.Value {
					out = append(out, s.onlineDeploymentAssets(d, endpoint)...)
				}
			}
		}
	}
	cp := f.NewComputeClient().NewListPager(rg, name, nil)
	for cp.More() {
		page, err := cp.NextPage(ctx)
		if err != nil {
			s.itemFailed(ctx, callErr(err, "machine learning list computes of %s", id))
			break
		}
		for _, c := range page.Value {
			if a := s.computeAsset(c, ws); a != nil {
				out = append(out, a)
			} else {
				s.sink.Count("ml_compute_not_instances", 1)
			}
		}
	}
	for _, x := range out {
		s.sink.Asset(*x)
	}
}

func mlUserAssigned(m map[string]*armmachinelearning.UserAssignedIdentity) []string {
	var out []string
	for _, v := range m {
		if v != nil && deref(v.PrincipalID) != "" {
			out = append(out, deref(v.PrincipalID))
		}
	}
	sort.Strings(out)
	return out
}

func (s *scan) mlIdentity(x *model.Asset, id *armmachinelearning.ManagedServiceIdentity, src string) {
	if id == nil {
		s.managedIdentity(x, "None", "", nil, src)
		return
	}
	s.managedIdentity(x, string(deref(id.Type)), deref(id.PrincipalID), mlUserAssigned(id.UserAssignedIdentities), src)
}

// workspaceAsset maps a workspace: network (public access, private
// endpoints, managed network isolation), identity, CMK.
func (s *scan) workspaceAsset(w *armmachinelearning.Workspace) *model.Asset {
	id := deref(w.ID)
	src := "machine learning workspace " + id
	x := s.asset(id, model.KindProject, deref(w.Name), deref(w.Location))
	s.tag(x, w.Tags)
	x.Facts = append(x.Facts, model.String("azure.resource_type", "Microsoft.MachineLearningServices/workspaces", model.Observed, src))
	if k := deref(w.Kind); k != "" { // list answers leave it out (the official example does)
		x.Facts = append(x.Facts, model.String("azure.kind", k, model.Observed, src))
	}
	p := w.Properties
	if p == nil {
		p = &armmachinelearning.WorkspaceProperties{}
	}
	public := p.PublicNetworkAccess == nil || *p.PublicNetworkAccess == armmachinelearning.PublicNetworkAccessEnabled
	pes := 0
	for _, c := range p.PrivateEndpointConnections {
		if c != nil && c.Properties != nil && c.Properties.PrivateLinkServiceConnectionState != nil &&
			deref(c.Properties.PrivateLinkServiceConnectionState.Status) == armmachinelearning.PrivateEndpointServiceConnectionStatusApproved {
			pes++
		}
	}
	x.Facts = append(x.Facts, networkFacts(public, "Allow", 0, pes, src)...)
	mode := string(armmachinelearning.IsolationModeDisabled)
	if p.ManagedNetwork != nil && p.ManagedNetwork.IsolationMode != nil {
		mode = string(*p.ManagedNetwork.IsolationMode)
	}
	x.Facts = append(x.Facts,
		model.String("ml.isolation_mode", mode, model.Observed, src),
		model.Bool("network.outbound_restricted", mode == string(armmachinelearning.IsolationModeAllowOnlyApprovedOutbound), model.Observed, src),
		model.Bool("encryption.cmek", p.Encryption != nil && deref(p.Encryption.Status) == armmachinelearning.EncryptionStatusEnabled, model.Observed, src),
		model.Bool("ml.hbi_workspace", deref(p.HbiWorkspace), model.Observed, src))
	s.mlIdentity(x, w.Identity, src)
	return x
}

// endpointAsset maps an online endpoint: its auth mode (keys, or Entra
// tokens), network, identity (what its deployments run as) and traffic
// logging. Its keys are never read.
func (s *scan) endpointAsset(e *armmachinelearning.OnlineEndpoint, ws *model.Asset, logs *logging) *model.Asset {
	id := deref(e.ID)
	src := "machine learning online endpoint " + id
	x := s.asset(id, model.KindEndpoint, deref(e.Name), deref(e.Location))
	s.tag(x, e.Tags)
	x.Relations = []model.Relation{{Type: "part_of", Target: ws.ID}}
	x.Facts = append(x.Facts, model.String("azure.resource_type", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints", model.Observed, src))
	p := e.Properties
	if p == nil {
		p = &armmachinelearning.OnlineEndpointProperties{}
	}
	mode := string(deref(p.AuthMode))
	x.Facts = append(x.Facts,
		model.String("auth.mode", strings.ToLower(mode), model.Observed, src),
		model.Bool("auth.local_auth_disabled", mode != "" && mode != string(armmachinelearning.EndpointAuthModeKey), model.Observed, src))
	public := p.PublicNetworkAccess == nil || *p.PublicNetworkAccess == armmachinelearning.PublicNetworkAccessTypeEnabled
	pes := 0
	if f, ok := ws.Fact("network.private_endpoints"); ok {
		pes = int(f.Value.(int64)) // reached privately through the workspace's private endpoints
	}
	x.Facts = append(x.Facts, networkFacts(public, "Allow", 0, pes, src)...)
	var split []string
	for k, v := range p.Traffic {
		split = append(split, k+"="+strconv.Itoa(int(deref(v))))
	}
	sort.Strings(split)
	if len(split) > 0 {
		x.Facts = append(x.Facts, model.Strings("endpoint.traffic_split", split, model.Observed, src))
	}
	s.mlIdentity(x, e.Identity, src)
	if f, _ := x.Fact("identity.managed"); f.Value != true {
		x.SetFact(model.Bool("identity.default", true, model.Observed, src+": no managed identity"))
	} else {
		x.SetFact(model.Bool("identity.default", false, model.Observed, src))
	}
	if logs != nil {
		x.Facts = append(x.Facts, logs.facts("diagnostic settings of "+id)...)
	}
	// Azure ML serves custom models: no content filter can be attached to
	// an online endpoint (the application must call Content Safety itself).
	x.SetFact(model.Bool("guardrail.attached", false, model.Observed, "Azure ML online endpoints have no content filter"))
	if f, ok := ws.Fact("encryption.cmek"); ok {
		x.SetFact(model.Fact{Key: f.Key, Value: f.Value, Confidence: f.Confidence, Source: "its workspace " + ws.ID})
	}
	return x
}

// onlineDeploymentAssets maps a deployment of an online endpoint (it runs
// as the endpoint's identity) and the literal credentials in its
// environment variables.
func (s *scan) onlineDeploymentAssets(d *armmachinelearning.OnlineDeployment, ep *model.Asset) []*model.Asset {
	id := deref(d.ID)
	src := "machine learning online deployment " + id
	x := s.asset(id, model.KindModelDeployment, deref(d.Name), deref(d.Location))
	s.tag(x, d.Tags)
	x.Relations = []model.Relation{{Type: "part_of", Target: ep.ID}}
	x.Facts = append(x.Facts, model.String("azure.resource_type", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments", model.Observed, src))
	x.Identity = ep.Identity
	if x.Identity != "" {
		x.Relations = append(x.Relations, model.Relation{Type: "runs_as", Target: x.Identity})
	}
	for _, k := range []string{"identity.default", "logging.invocation_enabled", "logging.destination", "guardrail.attached"} {
		if f, ok := ep.Fact(k); ok {
			x.SetFact(model.Fact{Key: f.Key, Value: f.Value, Confidence: f.Confidence, Source: "its endpoint " + ep.ID})
		}
	}
	if d.Properties == nil {
		return []*model.Asset{x}
	}
	p := d.Properties.GetOnlineDeploymentProperties()
	if m := deref(p.Model); m != "" {
		x.Model = mlModelRef(m)
		x.Relations = append(x.Relations, model.Relation{Type: "serves", Target: m})
		x.Facts = append(x.Facts, model.String("ml.model", m, model.Observed, src))
	}
	if v := deref(p.InstanceType); v != "" {
		x.Facts = append(x.Facts, model.String("compute.machine_type", v, model.Observed, src))
	}
	if v := deref(p.EnvironmentID); v != "" {
		x.Facts = append(x.Facts, model.String("ml.environment", v, model.Observed, src))
	}
	if p.EgressPublicNetworkAccess != nil {
		x.Facts = append(x.Facts, model.Bool("network.outbound_restricted", *p.EgressPublicNetworkAccess == armmachinelearning.EgressPublicNetworkAccessTypeDisabled, model.Observed, src))
	}
	var c workload.Container
	names := make([]string, 0, len(p.EnvironmentVariables))
	for k := range p.EnvironmentVariables {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		c.Env = append(c.Env, workload.NewEnvVar(s.c.cat, k, deref(p.EnvironmentVariables[k]), false))
	}
	w := workload.Workload{Kind: "azureml_online_deployment", Name: deref(d.Name), Containers: []workload.Container{c}}
	an := workload.Analyze(w, s.c.cat)
	for _, f := range an.Facts(w, src) {
		switch f.Key {
		case "env.credential_vars", "env.credential_literal", "env.credential_from_secret":
			x.SetFact(f)
		}
	}
	out := []*model.Asset{x}
	for _, k := range an.Keys {
		a := k.Asset(workload.Holder{ID: id, Scope: s.scope.ID, Region: x.Region, What: "deployment " + deref(d.Name), Source: src, FileClass: "cloud_resource_spec"})
		out = append(out, &a)
	}
	return out
}

// mlModelRef reads an Azure ML model id: a registry model
// (azureml://registries/R/models/M/versions/V) or a workspace model
// (/subscriptions/.../workspaces/W/models/M/versions/V).
func mlModelRef(id string) *model.ModelRef {
	parts := strings.Split(strings.Trim(id, "/"), "/")
	ref := &model.ModelRef{Publisher: "custom", SourceURI: id}
	for i := 0; i+1 < len(parts); i++ {
		switch strings.ToLower(parts[i]) {
		case "registries":
			ref.Publisher = "azureml_registry:" + parts[i+1]
		case "models":
			ref.Name = parts[i+1]
		case "versions":
			ref.Version = parts[i+1]
		}
	}
	return ref
}

// computeAsset maps a compute instance (a personal notebook VM); nil for
// other compute types (clusters, attached compute).
func (s *scan) computeAsset(c *armmachinelearning.ComputeResource, ws *model.Asset) *model.Asset {
	ci, ok := c.Properties.(*armmachinelearning.ComputeInstance)
	if !ok {
		return nil
	}
	id := deref(c.ID)
	src := "machine learning compute instance " + id
	x := s.asset(id, model.KindNotebook, deref(c.Name), deref(c.Location))
	s.tag(x, c.Tags)
	x.Relations = []model.Relation{{Type: "part_of", Target: ws.ID}}
	x.Facts = append(x.Facts,
		model.String("azure.resource_type", "Microsoft.MachineLearningServices/workspaces/computes", model.Observed, src),
		model.String("notebook.product", "azureml_compute_instance", model.Observed, src),
		model.Bool("auth.local_auth_disabled", deref(ci.DisableLocalAuth), model.Observed, src))
	if p := ci.Properties; p != nil {
		switch {
		case p.EnableNodePublicIP != nil:
			x.Facts = append(x.Facts, model.Bool("notebook.direct_internet", *p.EnableNodePublicIP, model.Observed, src),
				model.Bool("network.public_access", *p.EnableNodePublicIP, model.Observed, src))
		case p.ConnectivityEndpoints != nil && deref(p.ConnectivityEndpoints.PublicIPAddress) != "":
			// What the service reports (the official example has no
			// enableNodePublicIp): the instance holds a public IP.
			x.Facts = append(x.Facts, model.Bool("notebook.direct_internet", true, model.Observed, src+" connectivityEndpoints.publicIpAddress"),
				model.Bool("network.public_access", true, model.Observed, src+" connectivityEndpoints.publicIpAddress"))
		case p.ConnectivityEndpoints != nil && deref(p.ConnectivityEndpoints.PrivateIPAddress) != "":
			x.Facts = append(x.Facts, model.Bool("notebook.direct_internet", false, model.Observed, src+" connectivityEndpoints: a private address only"),
				model.Bool("network.public_access", false, model.Observed, src+" connectivityEndpoints: a private address only"))
		}
		if p.SSHSettings != nil {
			x.Facts = append(x.Facts, model.Bool("notebook.ssh_access", deref(p.SSHSettings.SSHPublicAccess) == armmachinelearning.SSHPublicAccessEnabled, model.Observed, src))
		}
		if v := deref(p.VMSize); v != "" {
			x.Facts = append(x.Facts, model.String("compute.machine_type", v, model.Observed, src))
		}
	}
	s.mlIdentity(x, c.Identity, src)
	if f, ok := ws.Fact("encryption.cmek"); ok {
		x.SetFact(model.Fact{Key: f.Key, Value: f.Value, Confidence: f.Confidence, Source: "its workspace " + ws.ID})
	}
	return x
}

// registryAsset maps an Azure ML registry (models and environments shared
// across workspaces).
func (s *scan) registryAsset(r *armmachinelearning.Registry) *model.Asset {
	id := deref(r.ID)
	src := "machine learning registry " + id
	x := s.asset(id, model.KindModelRegistry, deref(r.Name), deref(r.Location))
	s.tag(x, r.Tags)
	x.Facts = append(x.Facts, model.String("azure.resource_type", "Microsoft.MachineLearningServices/registries", model.Observed, src))
	if p := r.Properties; p != nil {
		public := p.PublicNetworkAccess == nil || strings.EqualFold(*p.PublicNetworkAccess, "Enabled")
		approved := 0
		for _, c := range p.RegistryPrivateEndpointConnections {
			if c != nil && c.Properties != nil && c.Properties.RegistryPrivateLinkServiceConnectionState != nil &&
				deref(c.Properties.RegistryPrivateLinkServiceConnectionState.Status) == armmachinelearning.EndpointServiceConnectionStatusApproved {
				approved++
			}
		}
		x.Facts = append(x.Facts, model.Bool("network.public_access", public, model.Observed, src),
			model.Int("network.private_endpoints", int64(approved), model.Observed, src),
			model.Bool("network.private_endpoint", approved > 0, model.Observed, src))
		var regions []string
		for _, d := range p.RegionDetails {
			if d != nil {
				regions = append(regions, deref(d.Location))
			}
		}
		sort.Strings(regions)
		x.Facts = append(x.Facts, model.Strings("ml.registry_regions", regions, model.Observed, src))
	}
	s.mlIdentity(x, r.Identity, src)
	return x
}
