package gcp

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"

	aiplatform "cloud.google.com/go/aiplatform/apiv1"
	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"google.golang.org/api/iterator"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// endpointFamilies are the location's endpoints with their deployed models
// (endpoint and model_deployment assets), and the location's logging scope
// facts from them.
func (s *scan) endpointFamilies(ctx context.Context) []collectors.Family {
	const fam = "vertex.endpoints"
	cc, err := s.c.conn(ctx, vertexEndpoint(s.scope.Region))
	if err != nil {
		return failing(fam, err)
	}
	client, err := aiplatform.NewEndpointClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing(fam, err)
	}
	pools, err := aiplatform.NewDeploymentResourcePoolClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		it := client.ListEndpoints(ctx, &aiplatformpb.ListEndpointsRequest{Parent: s.parent()}, s.c.callOpts(ctx)...)
		var eps []*aiplatformpb.Endpoint
		for {
			e, err := it.Next()
			if errors.Is(err, iterator.Done) {
				break
			}
			if err != nil {
				return callErr(err, "vertex list-endpoints in %s", s.parent())
			}
			eps = append(eps, e)
		}
		if usesSharedResources(eps) {
			s.readPools(ctx, pools)
		}
		for _, e := range eps {
			ep, deployed := s.endpointAssets(e)
			s.sink.Asset(*ep)
			for _, d := range deployed {
				s.sink.Asset(*d)
			}
		}
		for _, f := range endpointScopeFacts(eps) {
			s.sink.ScopeFact(f)
		}
		return nil
	}}}
}

// usesSharedResources reports whether a deployed model of eps runs on a
// deployment resource pool.
func usesSharedResources(eps []*aiplatformpb.Endpoint) bool {
	for _, e := range eps {
		for _, dm := range e.GetDeployedModels() {
			if dm.GetSharedResources() != "" {
				return true
			}
		}
	}
	return false
}

// readPools lists the location's deployment resource pools into s.pools;
// a failure is named, and the models on them keep unknown machines and
// identity.
func (s *scan) readPools(ctx context.Context, client *aiplatform.DeploymentResourcePoolClient) {
	it := client.ListDeploymentResourcePools(ctx, &aiplatformpb.ListDeploymentResourcePoolsRequest{Parent: s.parent()}, s.c.callOpts(ctx)...)
	pools := map[string]*aiplatformpb.DeploymentResourcePool{}
	for {
		p, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			if ctx.Err() == nil {
				collectors.ItemFailed(s.sink, classify, callErr(err, "vertex list-deployment-resource-pools in %s (the machines and service account of the deployed models on them stay unknown)", s.parent()))
			}
			return
		}
		pools[p.GetName()] = p
	}
	s.pools = pools
}

func (s *scan) parent() string {
	return "projects/" + s.project.ID + "/locations/" + s.scope.Region
}

// connectivity is how an endpoint is reached: a Private Service Connect
// endpoint, VPC peering (a private endpoint in a network), a dedicated
// public endpoint, or the shared public endpoint.
func connectivity(e *aiplatformpb.Endpoint) string {
	switch {
	//lint:ignore SA1019 older endpoints still carry the deprecated flag; it still means PSC
	case e.GetEnablePrivateServiceConnect() || e.GetPrivateServiceConnectConfig().GetEnablePrivateServiceConnect():
		return "private_service_connect"
	case e.GetNetwork() != "":
		return "vpc_peering"
	case e.GetDedicatedEndpointEnabled():
		return "dedicated_public"
	}
	return "public"
}

// networkFacts are the network.* facts of a connectivity.
func networkFacts(conn, src string) []model.Fact {
	public := conn == "public" || conn == "dedicated_public"
	return []model.Fact{
		model.String("network.connectivity", conn, model.Observed, src),
		model.Bool("network.public_access", public, model.Observed, src),
		model.Bool("network.private_endpoint", !public, model.Observed, src),
	}
}

// cmekFacts are the encryption facts of a resource's encryption spec.
func cmekFacts(spec *aiplatformpb.EncryptionSpec, src string) []model.Fact {
	key := spec.GetKmsKeyName()
	fs := []model.Fact{model.Bool("encryption.cmek", key != "", model.Observed, src)}
	if key != "" {
		fs = append(fs, model.String("encryption.kms_key", key, model.Observed, src))
	}
	return fs
}

// endpointAssets maps an endpoint and its deployed models. The endpoint
// runs as its deployed models' service account when they share one.
func (s *scan) endpointAssets(e *aiplatformpb.Endpoint) (*model.Asset, []*model.Asset) {
	id := resourceID(e.GetName())
	src := "vertex endpoint " + e.GetName()
	ep := s.asset(id, model.KindEndpoint, e.GetDisplayName())
	s.label(ep, e.GetLabels())
	ep.Facts = append(ep.Facts, networkFacts(connectivity(e), src)...)
	ep.Facts = append(ep.Facts, cmekFacts(e.GetEncryptionSpec(), src)...)
	// private_model_server_enabled: "the model server will be isolated from
	// the external internet" (the Endpoint proto); its absence says nothing
	// either way, so only true is reported.
	if e.GetPrivateModelServerEnabled() {
		ep.Facts = append(ep.Facts, model.Bool("network.outbound_restricted", true, model.Observed, src+" private_model_server_enabled"))
	}
	logCfg := e.GetPredictRequestResponseLoggingConfig()
	logging := logCfg.GetEnabled()
	dest := ""
	if logging && logCfg.GetBigqueryDestination().GetOutputUri() != "" {
		dest = "bigquery"
	}
	ep.Facts = append(ep.Facts,
		model.Bool("logging.invocation_enabled", logging, model.Observed, src),
		model.String("logging.destination", dest, model.Observed, src),
		model.Int("endpoint.deployed_models", int64(len(e.GetDeployedModels())), model.Observed, src))
	if logging {
		ep.SetFact(model.Int("logging.sampling_percent", int64(logCfg.GetSamplingRate()*100+0.5), model.Observed, src))
	}
	if split := trafficSplit(e.GetTrafficSplit()); len(split) > 0 {
		ep.SetFact(model.Strings("endpoint.traffic_split", split, model.Observed, src))
	}
	var deployed []*model.Asset
	identities := map[string]bool{}
	allDefault := true
	var gpus int64
	for _, dm := range e.GetDeployedModels() {
		d := s.deployedModelAsset(e, dm, logging, src)
		deployed = append(deployed, d)
		ep.Relations = append(ep.Relations, model.Relation{Type: "routes_to", Target: d.ID})
		identities[d.Identity] = true
		if def, _ := d.Fact("identity.default"); def.Value != true {
			allDefault = false
		}
		if g, ok := d.Fact("gpu.requested"); ok {
			gpus += g.Value.(int64)
		}
	}
	if len(deployed) > 0 {
		ep.SetFact(model.Int("gpu.requested", gpus, model.Observed, src))
		if len(identities) == 1 {
			for who := range identities {
				ep.Identity = who
			}
			ep.SetFact(model.Bool("identity.default", allDefault, model.Observed, "the deployed models' service account"))
		}
	}
	return ep, deployed
}

func trafficSplit(m map[string]int32) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+"="+strconv.Itoa(int(v)))
	}
	sort.Strings(out)
	return out
}

// deployedModelAsset maps one deployed model: its machine, accelerators,
// replicas, service account and the model version it serves.
func (s *scan) deployedModelAsset(e *aiplatformpb.Endpoint, dm *aiplatformpb.DeployedModel, logging bool, epSrc string) *model.Asset {
	id := resourceID(e.GetName()) + "/deployedModels/" + dm.GetId()
	src := "vertex deployed model " + dm.GetId() + " of " + e.GetName()
	name := dm.GetDisplayName()
	if name == "" {
		name = dm.GetId()
	}
	a := s.asset(id, model.KindModelDeployment, name)
	a.Facts = append(a.Facts,
		model.String("vertex.deployment", "endpoint", model.Observed, src),
		model.Bool("logging.invocation_enabled", logging, model.Observed, epSrc),
		model.Int("endpoint.traffic_percent", int64(e.GetTrafficSplit()[dm.GetId()]), model.Observed, epSrc))
	if target := servedModel(dm); target != "" {
		a.Relations = append(a.Relations, model.Relation{Type: "serves", Target: target})
	}
	if pub := dm.GetModel(); strings.HasPrefix(pub, "publishers/") || strings.Contains(pub, "/publishers/") {
		a.Model = publisherModel(pub)
	}
	dr := dm.GetDedicatedResources()
	shared := dm.GetSharedResources()
	var pool *aiplatformpb.DeploymentResourcePool
	if shared != "" {
		// A model co-hosted on a deployment resource pool: the pool holds
		// its machines and the service account it runs as.
		pool = s.pools[shared]
		a.Facts = append(a.Facts, model.String("vertex.deployment_resource_pool", shared, model.Observed, src))
		if pool == nil {
			return a // the pool was not read (named) or is gone: unknown
		}
		dr = pool.GetDedicatedResources()
		src = src + " on " + shared
	}
	if dr != nil {
		spec := dr.GetMachineSpec()
		replicas := int64(max(dr.GetMinReplicaCount(), 1))
		a.Facts = append(a.Facts,
			model.String("compute.machine_type", spec.GetMachineType(), model.Observed, src),
			model.Int("vertex.min_replicas", int64(dr.GetMinReplicaCount()), model.Observed, src),
			model.Int("vertex.max_replicas", int64(dr.GetMaxReplicaCount()), model.Observed, src),
			model.Int("gpu.requested", int64(spec.GetAcceleratorCount())*replicas, model.Observed, src))
		if spec.GetAcceleratorType() != aiplatformpb.AcceleratorType_ACCELERATOR_TYPE_UNSPECIFIED {
			a.SetFact(model.Strings("gpu.resources", []string{spec.GetAcceleratorType().String()}, model.Observed, src))
		}
	} else if dm.GetAutomaticResources() != nil {
		a.SetFact(model.Int("gpu.requested", 0, model.Observed, src))
	}
	sa := dm.GetServiceAccount()
	if pool != nil {
		sa = pool.GetServiceAccount()
	}
	who := sa
	if sa == "" {
		// "the container runs as a service account that doesn't have access
		// to the resource project" (the DeployedModel proto): the Custom Code
		// service agent, shared and default, but with no reach into the
		// project's resources.
		who = serviceAgent(s.project.Number, customCodeAgent)
		a.SetFact(model.Bool("identity.project_access", false, model.Observed, src+": no service_account; the Custom Code service agent has no access to the resource project"))
	}
	s.runAs(a, sa, who, src)
	return a
}

// runAs sets an asset's identity: the service account it names (sa), or
// the default it runs as when it names none (who; "" when the project's
// number is unknown).
func (s *scan) runAs(a *model.Asset, sa, who, src string) {
	a.Identity = s.c.saID(who)
	if a.Identity != "" {
		a.Relations = append(a.Relations, model.Relation{Type: "runs_as", Target: a.Identity})
	}
	a.SetFact(model.Bool("identity.default", sa == "" || defaultAccount(sa), model.Observed, src))
	if sa != "" {
		a.SetFact(model.String("identity.service_account", sa, model.Observed, src))
	}
}

// servedModel is the asset ID of the model version a deployed model serves.
func servedModel(dm *aiplatformpb.DeployedModel) string {
	m := dm.GetModel()
	if m == "" || !strings.HasPrefix(m, "projects/") || strings.Contains(m, "/publishers/") {
		return ""
	}
	if !strings.Contains(m, "@") {
		v := dm.GetModelVersionId()
		if v == "" {
			v = "1"
		}
		m += "@" + v
	}
	return resourceID(m)
}

// publisherModel describes a Model Garden publisher model
// (publishers/google/models/gemma2@001).
func publisherModel(name string) *model.ModelRef {
	_, rest, _ := strings.Cut(name, "publishers/")
	pub, m, _ := strings.Cut(rest, "/models/")
	m, v, _ := strings.Cut(m, "@")
	return &model.ModelRef{Publisher: pub, Name: m, Version: v}
}

// endpointScopeFacts are the location's logging facts, when it has
// endpoints: invocation logging is on when some endpoint logs requests and
// responses (to BigQuery, the only destination Vertex AI offers).
// vertex.endpoints says how many there are, so a location without any is
// told apart from one whose endpoints could not be listed.
func endpointScopeFacts(eps []*aiplatformpb.Endpoint) []model.Fact {
	const src = "vertex list-endpoints"
	fs := []model.Fact{model.Int("vertex.endpoints", int64(len(eps)), model.Observed, src)}
	if len(eps) == 0 {
		return fs
	}
	logging, dest := false, ""
	for _, e := range eps {
		c := e.GetPredictRequestResponseLoggingConfig()
		if c.GetEnabled() {
			logging = true
			if c.GetBigqueryDestination().GetOutputUri() != "" {
				dest = "bigquery"
			}
		}
	}
	return append(fs,
		model.Bool("logging.invocation_enabled", logging, model.Observed, src),
		model.String("logging.destination", dest, model.Observed, src))
}
