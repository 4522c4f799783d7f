package gcp

import (
	"testing"

	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"

	"github.com/aisight/aisight/model"
)

func TestReasoningEngineMappings(t *testing.T) {
	s := testScan(t)
	own := "agent@p.iam.gserviceaccount.com"
	withKey := s.engineAssets(&aiplatformpb.ReasoningEngine{Name: "projects/p/locations/us-central1/reasoningEngines/1", DisplayName: "support",
		Spec: &aiplatformpb.ReasoningEngineSpec{AgentFramework: "langgraph", ServiceAccount: &own,
			DeploymentSpec: &aiplatformpb.ReasoningEngineSpec_DeploymentSpec{
				Env:       []*aiplatformpb.EnvVar{{Name: "LOG_LEVEL", Value: "info"}, {Name: "OPENAI_API_KEY", Value: "sk-proj-Mapping1032547698badcfehgjilknmporqtsvuxwzyABCD"}},
				SecretEnv: []*aiplatformpb.SecretEnvVar{{Name: "ANTHROPIC_API_KEY", SecretRef: &aiplatformpb.SecretRef{Secret: "s"}}}}}})
	def := s.engineAssets(&aiplatformpb.ReasoningEngine{Name: "projects/p/locations/us-central1/reasoningEngines/2",
		Spec: &aiplatformpb.ReasoningEngineSpec{DeploymentSpec: &aiplatformpb.ReasoningEngineSpec_DeploymentSpec{
			PscInterfaceConfig: &aiplatformpb.PscInterfaceConfig{NetworkAttachment: "na"}}}})
	if len(withKey) != 2 || withKey[1].Kind != model.KindAPIKey || withKey[1].Secret == nil {
		t.Fatalf("the literal OPENAI_API_KEY is not an api_key asset: %+v", withKey)
	}
	checkFacts(t, "engine with its own account", withKey[0].Facts, map[string]any{"agent.platform": "vertex_agent_engine",
		"agent.framework": "langgraph", "identity.default": false, "agent.env_vars": []string{"ANTHROPIC_API_KEY", "LOG_LEVEL", "OPENAI_API_KEY"},
		"env.credential_vars": []string{"ANTHROPIC_API_KEY", "OPENAI_API_KEY"}, "env.credential_literal": true, "env.credential_from_secret": true,
		"network.vpc": false})
	if withKey[0].Identity != sa+own {
		t.Errorf("identity %q", withKey[0].Identity)
	}
	checkFacts(t, "engine on the default agent", def[0].Facts, map[string]any{"identity.default": true, "network.vpc": true,
		"agent.framework": nil, "env.credential_vars": nil})
	if def[0].Identity != sa+"service-123@gcp-sa-aiplatform-re.iam.gserviceaccount.com" {
		t.Errorf("default identity %q", def[0].Identity)
	}
}
