package gcp

import (
	"testing"

	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"cloud.google.com/go/notebooks/apiv2/notebookspb"
)

func TestNotebookMappings(t *testing.T) {
	s := testScan(t)
	euc := s.runtimeAsset(&aiplatformpb.NotebookRuntime{Name: "projects/p/locations/us-central1/notebookRuntimes/r1", RuntimeUser: "person@example.com",
		NetworkSpec: &aiplatformpb.NetworkSpec{EnableInternetAccess: true},
		MachineSpec: &aiplatformpb.MachineSpec{MachineType: "n1-standard-8", AcceleratorType: aiplatformpb.AcceleratorType_NVIDIA_TESLA_T4, AcceleratorCount: 1}})
	closed := s.runtimeAsset(&aiplatformpb.NotebookRuntime{Name: "projects/p/locations/us-central1/notebookRuntimes/r2", ServiceAccount: "nb@p.iam.gserviceaccount.com",
		NetworkSpec:        &aiplatformpb.NetworkSpec{},
		IdleShutdownConfig: &aiplatformpb.NotebookIdleShutdownConfig{}, EncryptionSpec: &aiplatformpb.EncryptionSpec{KmsKeyName: "k"},
		EucConfig: &aiplatformpb.NotebookEucConfig{EucDisabled: true}})
	open := s.workbenchAsset(&notebookspb.Instance{Name: "projects/p/locations/us-central1-a/instances/wb",
		Infrastructure: &notebookspb.Instance_GceSetup{GceSetup: &notebookspb.GceSetup{MachineType: "a2-highgpu-2g",
			AcceleratorConfigs: []*notebookspb.AcceleratorConfig{{Type: notebookspb.AcceleratorConfig_NVIDIA_TESLA_A100, CoreCount: 2}}}}})
	locked := s.workbenchAsset(&notebookspb.Instance{Name: "projects/p/locations/us-central1-b/instances/wb2", DisableProxyAccess: true,
		Infrastructure: &notebookspb.Instance_GceSetup{GceSetup: &notebookspb.GceSetup{DisablePublicIp: true,
			Metadata:        map[string]string{"notebook-disable-root": "true"},
			ServiceAccounts: []*notebookspb.ServiceAccount{{Email: "nb@p.iam.gserviceaccount.com"}},
			BootDisk:        &notebookspb.BootDisk{DiskEncryption: notebookspb.DiskEncryption_CMEK}}}})

	checkFacts(t, "Colab runtime on end-user credentials", euc.Facts, map[string]any{"notebook.product": "colab_enterprise",
		"notebook.direct_internet": true, "network.public_access": true, "gpu.requested": int64(1), "gpu.resources": []string{"NVIDIA_TESLA_T4"},
		"notebook.end_user_credentials": true, "identity.default": true, "notebook.idle_shutdown": false, "encryption.cmek": false})
	for _, f := range euc.Facts {
		if s, ok := f.Value.(string); ok && s == "person@example.com" {
			t.Errorf("the runtime user's email is reported (%s)", f.Key)
		}
	}
	// service_account is deprecated and no longer used: both run as the
	// project's Notebook service agent; euc_config says whether notebooks
	// use the end user's credentials.
	checkFacts(t, "closed Colab runtime", closed.Facts, map[string]any{"notebook.direct_internet": false, "identity.default": true,
		"identity.service_account": "service-123@gcp-sa-aiplatform-vm.iam.gserviceaccount.com",
		"notebook.idle_shutdown":   true, "encryption.cmek": true, "notebook.end_user_credentials": false})
	for _, r := range []string{euc.Identity, closed.Identity} {
		if r != sa+"service-123@gcp-sa-aiplatform-vm.iam.gserviceaccount.com" {
			t.Errorf("a Colab runtime runs as %q, want the Notebook service agent", r)
		}
	}
	checkFacts(t, "open Workbench instance", open.Facts, map[string]any{"notebook.product": "workbench", "notebook.direct_internet": true,
		"notebook.root_access": true, "notebook.proxy_access": true, "gpu.requested": int64(2), "identity.default": true, "encryption.cmek": false})
	if open.Identity != sa+"123-compute@developer.gserviceaccount.com" || open.Region != "us-central1-a" || open.Name != "wb" {
		t.Errorf("workbench identity/region/name: %q %q %q", open.Identity, open.Region, open.Name)
	}
	checkFacts(t, "locked Workbench instance", locked.Facts, map[string]any{"notebook.direct_internet": false, "network.public_access": false,
		"notebook.root_access": false, "notebook.proxy_access": false, "identity.default": false, "encryption.cmek": true, "gpu.requested": int64(0)})
}

func TestIndexEndpointMappings(t *testing.T) {
	s := testScan(t)
	public := s.indexEndpointAsset(&aiplatformpb.IndexEndpoint{Name: "projects/p/locations/us-central1/indexEndpoints/1", PublicEndpointEnabled: true,
		DeployedIndexes: []*aiplatformpb.DeployedIndex{{Index: "projects/p/locations/us-central1/indexes/9"}}})
	//lint:ignore SA1019 the deprecated flag is what older index endpoints carry
	psc := s.indexEndpointAsset(&aiplatformpb.IndexEndpoint{Name: "projects/p/locations/us-central1/indexEndpoints/2", EnablePrivateServiceConnect: true,
		EncryptionSpec: &aiplatformpb.EncryptionSpec{KmsKeyName: "k"}})
	checkFacts(t, "public index endpoint", public.Facts, map[string]any{"network.public_access": true, "encryption.cmek": false,
		"kb.deployed_indexes": []string{"projects/p/locations/us-central1/indexes/9"}, "kb.storage_type": "VERTEX_VECTOR_SEARCH"})
	checkFacts(t, "PSC index endpoint", psc.Facts, map[string]any{"network.public_access": false, "network.connectivity": "private_service_connect", "encryption.cmek": true})
}
