package gcp

import (
	"strings"
	"testing"

	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/model"
)

func TestModelMappings(t *testing.T) {
	s := testScan(t)
	const token = "hf_Mapping0Token1Acbedgfihkjmlonqpr"
	vllm := s.modelAssets(&aiplatformpb.Model{Name: "projects/p/locations/us-central1/models/llama", VersionId: "2", DisplayName: "llama",
		VersionAliases: []string{"default"}, Labels: map[string]string{"owner": "chat"},
		ArtifactUri:     "https://storage.googleapis.com/b/m?X-Goog-Signature=secretsig&X-Goog-Credential=x",
		ModelSourceInfo: &aiplatformpb.ModelSourceInfo{SourceType: aiplatformpb.ModelSourceInfo_MODEL_GARDEN},
		BaseModelSource: &aiplatformpb.Model_BaseModelSource{Source: &aiplatformpb.Model_BaseModelSource_ModelGardenSource{
			ModelGardenSource: &aiplatformpb.ModelGardenSource{PublicModelName: "publishers/meta/models/llama3"}}},
		ContainerSpec: &aiplatformpb.ModelContainerSpec{ImageUri: "vllm/vllm-openai:v0.6.0", Args: []string{"--model=meta-llama/Meta-Llama-3-8B-Instruct"},
			Env: []*aiplatformpb.EnvVar{{Name: "HF_TOKEN", Value: token}}},
		DeployedModels: []*aiplatformpb.DeployedModelRef{{Endpoint: "e"}}})
	custom := s.modelAssets(&aiplatformpb.Model{Name: "projects/p/locations/us-central1/models/fraud", VersionId: "1",
		ArtifactUri: "gs://b/fraud", EncryptionSpec: &aiplatformpb.EncryptionSpec{KmsKeyName: "k"},
		ModelSourceInfo: &aiplatformpb.ModelSourceInfo{SourceType: aiplatformpb.ModelSourceInfo_CUSTOM},
		ContainerSpec:   &aiplatformpb.ModelContainerSpec{ImageUri: "us-docker.pkg.dev/p/r/xgb@sha256:" + strings.Repeat("a", 64)}})
	bare := s.modelAssets(&aiplatformpb.Model{Name: "projects/p/locations/us-central1/models/automl", VersionId: "1"})

	if len(vllm) != 2 || vllm[1].Kind != model.KindAPIKey {
		t.Fatalf("the literal HF_TOKEN is not an api_key asset: %d assets", len(vllm))
	}
	m, key := vllm[0], vllm[1]
	if m.ID != "//aiplatform.googleapis.com/projects/p/locations/us-central1/models/llama@2" || m.Owner != "chat" {
		t.Errorf("model id/owner: %s %q", m.ID, m.Owner)
	}
	checkFacts(t, "vllm model garden version", m.Facts, map[string]any{
		"model.origin": "model_garden", "model.garden_source": "publishers/meta/models/llama3", "model.default_version": true,
		"model.deployed": true, "runtime.name": "vllm", "image.pinned_digest": false, "image.registry_public": true,
		"model.served_id": "meta-llama/Meta-Llama-3-8B-Instruct", "env.credential_vars": []string{"HF_TOKEN"}, "env.credential_literal": true,
		"encryption.cmek": false, "gpu.requested": nil})
	if u := m.Model.SourceURI; strings.Contains(u, "secretsig") || strings.Contains(u, "X-Goog") {
		t.Errorf("signed URL kept its signature: %s", u)
	}
	if m.Model.Publisher != "model_garden:meta" || m.Model.Name != "llama3" || m.Model.Version != "2" {
		t.Errorf("model ref %+v", m.Model)
	}
	if key.Secret == nil || strings.Contains(key.Secret.Prefix+key.Secret.Suffix, token[4:]) || key.Relations[0].Target != m.ID {
		t.Errorf("key asset %+v", key)
	}
	checkFacts(t, "custom pinned CMEK version", custom[0].Facts, map[string]any{
		"model.origin": "custom", "model.default_version": false, "model.deployed": false, "image.pinned_digest": true,
		"encryption.cmek": true, "model.source": "gcs", "model.data_url": "gs://b/fraud"})
	checkFacts(t, "model without a container", bare[0].Facts, map[string]any{"model.origin": "unspecified", "image.ref": nil, "model.data_url": nil})
}

func TestTunedModels(t *testing.T) {
	s := testScan(t)
	registered := s.modelAssets(&aiplatformpb.Model{Name: "projects/p/locations/us-central1/models/support", VersionId: "1", DisplayName: "support"})[0]
	s.add(registered)
	supervised := &aiplatformpb.TuningJob_SupervisedTuningSpec{SupervisedTuningSpec: &aiplatformpb.SupervisedTuningSpec{}}
	merged := s.tunedModel(&aiplatformpb.TuningJob{Name: "projects/p/locations/us-central1/tuningJobs/1", TuningSpec: supervised,
		SourceModel: &aiplatformpb.TuningJob_BaseModel{BaseModel: "gemini-2.0-flash-001"},
		TunedModel:  &aiplatformpb.TunedModel{Model: "projects/p/locations/us-central1/models/support@1", Endpoint: "projects/p/locations/us-central1/endpoints/9"}})
	fresh := s.tunedModel(&aiplatformpb.TuningJob{Name: "projects/p/locations/us-central1/tuningJobs/2", TunedModelDisplayName: "billing",
		TunedModel: &aiplatformpb.TunedModel{Model: "projects/p/locations/us-central1/models/billing"}})
	running := s.tunedModel(&aiplatformpb.TuningJob{Name: "projects/p/locations/us-central1/tuningJobs/3"})

	if merged != registered {
		t.Error("the tuning job did not add to the registered version")
	}
	checkFacts(t, "registered tuned model", merged.Facts, map[string]any{"model.customization": "SUPERVISED_FINE_TUNING",
		"model.base": "gemini-2.0-flash-001", "model.tuning_job": "projects/p/locations/us-central1/tuningJobs/1", "model.origin": "unspecified"})
	if d := cmp.Diff([]model.Relation{{Type: "deployed_to", Target: "//aiplatform.googleapis.com/projects/p/locations/us-central1/endpoints/9"}}, merged.Relations); d != "" {
		t.Errorf("relations (-want +got):\n%s", d)
	}
	if fresh.ID != "//aiplatform.googleapis.com/projects/p/locations/us-central1/models/billing@1" || fresh.Name != "billing" {
		t.Errorf("unregistered tuned model: %s %q", fresh.ID, fresh.Name)
	}
	checkFacts(t, "unregistered tuned model", fresh.Facts, map[string]any{"model.customization": "unknown", "model.base": nil, "encryption.cmek": false})
	if running != nil {
		t.Error("a job without a tuned model yielded an asset")
	}
}
