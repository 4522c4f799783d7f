package gcp

import (
	"testing"

	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/model"
)

func TestEndpointMappings(t *testing.T) {
	s := testScan(t)
	gpu := func(id, account string, n int32) *aiplatformpb.DeployedModel {
		return &aiplatformpb.DeployedModel{Id: id, Model: "projects/p/locations/us-central1/models/m", ModelVersionId: "3", ServiceAccount: account,
			PredictionResources: &aiplatformpb.DeployedModel_DedicatedResources{DedicatedResources: &aiplatformpb.DedicatedResources{
				MachineSpec:     &aiplatformpb.MachineSpec{MachineType: "g2-standard-12", AcceleratorType: aiplatformpb.AcceleratorType_NVIDIA_L4, AcceleratorCount: n},
				MinReplicaCount: 2, MaxReplicaCount: 3}}}
	}
	public, publicDMs := s.endpointAssets(&aiplatformpb.Endpoint{Name: "projects/p/locations/us-central1/endpoints/1", DisplayName: "chat",
		Labels: map[string]string{"team": "chat"}, TrafficSplit: map[string]int32{"a": 60, "b": 40},
		DeployedModels: []*aiplatformpb.DeployedModel{gpu("a", "svc@p.iam.gserviceaccount.com", 1), gpu("b", "", 2)}})
	psc, pscDMs := s.endpointAssets(&aiplatformpb.Endpoint{Name: "projects/p/locations/us-central1/endpoints/2",
		PrivateServiceConnectConfig: &aiplatformpb.PrivateServiceConnectConfig{EnablePrivateServiceConnect: true},
		EncryptionSpec:              &aiplatformpb.EncryptionSpec{KmsKeyName: "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k"},
		PredictRequestResponseLoggingConfig: &aiplatformpb.PredictRequestResponseLoggingConfig{Enabled: true, SamplingRate: 0.1,
			BigqueryDestination: &aiplatformpb.BigQueryDestination{OutputUri: "bq://p.logs.t"}},
		DeployedModels: []*aiplatformpb.DeployedModel{gpu("c", "svc@p.iam.gserviceaccount.com", 1), gpu("d", "svc@p.iam.gserviceaccount.com", 0)}})
	peered, _ := s.endpointAssets(&aiplatformpb.Endpoint{Name: "projects/p/locations/us-central1/endpoints/3", Network: "projects/123/global/networks/n"})
	dedicated, _ := s.endpointAssets(&aiplatformpb.Endpoint{Name: "projects/p/locations/us-central1/endpoints/4", DedicatedEndpointEnabled: true,
		PredictRequestResponseLoggingConfig: &aiplatformpb.PredictRequestResponseLoggingConfig{Enabled: true}})
	_, garden := s.endpointAssets(&aiplatformpb.Endpoint{Name: "projects/p/locations/us-central1/endpoints/5",
		DeployedModels: []*aiplatformpb.DeployedModel{{Id: "g", Model: "publishers/google/models/gemma2@001", ServiceAccount: "123-compute@developer.gserviceaccount.com",
			PredictionResources: &aiplatformpb.DeployedModel_AutomaticResources{AutomaticResources: &aiplatformpb.AutomaticResources{}}}}})

	for _, tc := range []struct {
		name     string
		got      *model.Asset
		identity string
		facts    map[string]any
	}{
		{"public endpoint, deployments with different identities", public, "", map[string]any{
			"network.connectivity": "public", "network.public_access": true, "network.private_endpoint": false,
			"encryption.cmek": false, "encryption.kms_key": nil, "logging.invocation_enabled": false, "logging.destination": "",
			"logging.sampling_percent": nil, "endpoint.deployed_models": int64(2), "endpoint.traffic_split": []string{"a=60", "b=40"},
			"gpu.requested": int64(6), "identity.default": nil}},
		{"PSC endpoint with CMEK and logging, one identity", psc, sa + "svc@p.iam.gserviceaccount.com", map[string]any{
			"network.connectivity": "private_service_connect", "network.public_access": false, "network.private_endpoint": true,
			"encryption.cmek": true, "encryption.kms_key": "projects/p/locations/us-central1/keyRings/r/cryptoKeys/k",
			"logging.invocation_enabled": true, "logging.destination": "bigquery", "logging.sampling_percent": int64(10),
			"gpu.requested": int64(2), "identity.default": false}},
		{"VPC-peered endpoint without deployments: identity unknown", peered, "", map[string]any{
			"network.connectivity": "vpc_peering", "network.public_access": false, "gpu.requested": nil, "identity.default": nil,
			"endpoint.deployed_models": int64(0)}},
		{"dedicated public endpoint logging nowhere", dedicated, "", map[string]any{
			"network.connectivity": "dedicated_public", "network.public_access": true,
			"logging.invocation_enabled": true, "logging.destination": ""}},
		{"deployment with its own account", publicDMs[0], sa + "svc@p.iam.gserviceaccount.com", map[string]any{
			"identity.default": false, "identity.service_account": "svc@p.iam.gserviceaccount.com", "gpu.requested": int64(2),
			"gpu.resources": []string{"NVIDIA_L4"}, "compute.machine_type": "g2-standard-12", "vertex.min_replicas": int64(2),
			"endpoint.traffic_percent": int64(60), "logging.invocation_enabled": false}},
		{"deployment without an account runs as the custom code service agent", publicDMs[1],
			sa + "service-123@gcp-sa-aiplatform-cc.iam.gserviceaccount.com", map[string]any{
				"identity.default": true, "identity.service_account": nil, "gpu.requested": int64(4), "identity.project_access": false}},
		{"model garden deployment as the compute default account", garden[0], sa + "123-compute@developer.gserviceaccount.com", map[string]any{
			"identity.default": true, "gpu.requested": int64(0), "compute.machine_type": nil}},
	} {
		if tc.got.Identity != tc.identity {
			t.Errorf("%s: identity %q, want %q", tc.name, tc.got.Identity, tc.identity)
		}
		checkFacts(t, tc.name, tc.got.Facts, tc.facts)
	}
	if public.Owner != "chat" || public.Tags["team"] != "chat" {
		t.Errorf("owner from labels: %q %v", public.Owner, public.Tags)
	}
	wantRel := []model.Relation{{Type: "serves", Target: "//aiplatform.googleapis.com/projects/p/locations/us-central1/models/m@3"},
		{Type: "runs_as", Target: sa + "svc@p.iam.gserviceaccount.com"}}
	if d := cmp.Diff(wantRel, pscDMs[0].Relations); d != "" {
		t.Errorf("deployment relations (-want +got):\n%s", d)
	}
	if d := cmp.Diff(&model.ModelRef{Publisher: "google", Name: "gemma2", Version: "001"}, garden[0].Model); d != "" {
		t.Errorf("publisher model (-want +got):\n%s", d)
	}
}

// A location's logging scope facts: how many endpoints, and logging when
// some endpoint logs (only then a destination).
func TestEndpointScopeFacts(t *testing.T) {
	logged := &aiplatformpb.Endpoint{PredictRequestResponseLoggingConfig: &aiplatformpb.PredictRequestResponseLoggingConfig{Enabled: true,
		BigqueryDestination: &aiplatformpb.BigQueryDestination{OutputUri: "bq://p.d.t"}}}
	for _, tc := range []struct {
		name string
		eps  []*aiplatformpb.Endpoint
		want map[string]any
	}{
		{"no endpoints", nil, map[string]any{"vertex.endpoints": int64(0), "logging.invocation_enabled": nil, "logging.destination": nil}},
		{"none logs", []*aiplatformpb.Endpoint{{}}, map[string]any{"vertex.endpoints": int64(1), "logging.invocation_enabled": false, "logging.destination": ""}},
		{"one of two logs", []*aiplatformpb.Endpoint{{}, logged}, map[string]any{"vertex.endpoints": int64(2), "logging.invocation_enabled": true, "logging.destination": "bigquery"}},
	} {
		checkFacts(t, tc.name, endpointScopeFacts(tc.eps), tc.want)
	}
}

// When the deployment resource pools cannot be listed, the models on them
// keep unknown machines and identity, and the gap is named.
func TestSharedResourcesUnreadAreUnknown(t *testing.T) {
	s := testScan(t)
	e := &aiplatformpb.Endpoint{Name: "projects/p/locations/us-central1/endpoints/9",
		DeployedModels: []*aiplatformpb.DeployedModel{{Id: "d", PredictionResources: &aiplatformpb.DeployedModel_SharedResources{SharedResources: "projects/p/locations/us-central1/deploymentResourcePools/x"}}}}
	_, dms := s.endpointAssets(e)
	checkFacts(t, "pools not read", dms[0].Facts, map[string]any{"vertex.deployment_resource_pool": "projects/p/locations/us-central1/deploymentResourcePools/x",
		"gpu.requested": nil, "identity.default": nil, "identity.service_account": nil, "compute.machine_type": nil})
	if dms[0].Identity != "" {
		t.Errorf("identity %q, want unknown", dms[0].Identity)
	}
	s.pools = map[string]*aiplatformpb.DeploymentResourcePool{"projects/p/locations/us-central1/deploymentResourcePools/x": {
		ServiceAccount:     "pool@p.iam.gserviceaccount.com",
		DedicatedResources: &aiplatformpb.DedicatedResources{MachineSpec: &aiplatformpb.MachineSpec{MachineType: "a2-highgpu-1g", AcceleratorType: aiplatformpb.AcceleratorType_NVIDIA_TESLA_A100, AcceleratorCount: 1}, MinReplicaCount: 3}}}
	_, dms = s.endpointAssets(e)
	checkFacts(t, "pools read", dms[0].Facts, map[string]any{"gpu.requested": int64(3), "identity.default": false,
		"identity.service_account": "pool@p.iam.gserviceaccount.com", "compute.machine_type": "a2-highgpu-1g", "identity.project_access": nil})
}
