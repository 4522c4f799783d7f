package aws

import (
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	agenttypes "github.com/aws/aws-sdk-go-v2/service/bedrockagent/types"
	coretypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/aisight/aisight/model"
)

func TestAgentMappings(t *testing.T) {
	s := testScan()
	role := "arn:aws:iam::111111111111:role/agent"
	guarded := &agenttypes.Agent{AgentArn: aws.String("arn:agent/A1"), AgentName: aws.String("a1"), FoundationModel: aws.String("anthropic.claude"),
		AgentResourceRoleArn: aws.String(role), GuardrailConfiguration: &agenttypes.GuardrailConfiguration{GuardrailIdentifier: aws.String("gr")}}
	bare := &agenttypes.Agent{AgentArn: aws.String("arn:agent/A2"), AgentName: aws.String("a2")}
	kb := &agenttypes.KnowledgeBase{KnowledgeBaseArn: aws.String("arn:kb/K"), Name: aws.String("k"), RoleArn: aws.String(role),
		KnowledgeBaseConfiguration: &agenttypes.KnowledgeBaseConfiguration{VectorKnowledgeBaseConfiguration: &agenttypes.VectorKnowledgeBaseConfiguration{EmbeddingModelArn: aws.String("titan")}},
		StorageConfiguration:       &agenttypes.StorageConfiguration{Type: agenttypes.KnowledgeBaseStorageTypeOpensearchServerless}}
	for _, tc := range []struct {
		name     string
		got      *model.Asset
		kind     model.Kind
		identity string
		rels     []model.Relation
		facts    map[string]any
	}{
		{"agent with guardrail, model and aliases", s.agentAsset(guarded, []string{"prod"}, true), model.KindAgent, role,
			[]model.Relation{{Type: "uses_model", Target: "anthropic.claude"}, {Type: "guarded_by", Target: "gr"}, {Type: "runs_as", Target: role}},
			map[string]any{"guardrail.attached": true, "agent.aliases": []string{"prod"}, "agent.platform": "bedrock_agents"}},
		{"agent without guardrail, aliases unreadable", s.agentAsset(bare, nil, false), model.KindAgent, "", nil,
			map[string]any{"guardrail.attached": false, "agent.aliases": nil}},
		{"agent with no aliases", s.agentAsset(bare, nil, true), model.KindAgent, "", nil, map[string]any{"agent.aliases": []string{}}},
		{"knowledge base", s.knowledgeBaseAsset(kb, []string{"s3"}, true), model.KindKnowledgeBase, role,
			[]model.Relation{{Type: "uses_model", Target: "titan"}, {Type: "runs_as", Target: role}},
			map[string]any{"kb.embedding_model": "titan", "kb.storage_type": "OPENSEARCH_SERVERLESS", "kb.data_sources": []string{"s3"}}},
		{"knowledge base, sources unreadable", s.knowledgeBaseAsset(kb, nil, false), model.KindKnowledgeBase, role,
			[]model.Relation{{Type: "uses_model", Target: "titan"}, {Type: "runs_as", Target: role}}, map[string]any{"kb.data_sources": nil}},
		{"agentcore runtime", s.agentRuntimeAsset(coretypes.AgentRuntime{AgentRuntimeArn: aws.String("arn:rt"), AgentRuntimeName: aws.String("rt")}), model.KindAgent, "", nil,
			map[string]any{"agent.platform": "agentcore_runtime"}},
		{"agentcore gateway is a remote MCP server", s.gatewayAsset(coretypes.GatewaySummary{GatewayId: aws.String("gw-1"), Name: aws.String("tools"), AuthorizerType: coretypes.AuthorizerTypeCustomJwt}),
			model.KindMCPServer, "", nil, map[string]any{"mcp.remote": true, "gateway.authorizer_type": "CUSTOM_JWT"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got.Kind != tc.kind || tc.got.Identity != tc.identity {
				t.Errorf("kind %s identity %q", tc.got.Kind, tc.got.Identity)
			}
			if d := cmpRel(tc.rels, tc.got.Relations); d != "" {
				t.Errorf("relations (-want +got):\n%s", d)
			}
			checkFacts(t, tc.name, tc.got.Facts, tc.facts)
		})
	}
	if id := s.gatewayAsset(coretypes.GatewaySummary{GatewayId: aws.String("gw-1")}).ID; id != "arn:aws:bedrock-agentcore:us-east-1:111111111111:gateway/gw-1" {
		t.Errorf("gateway id %s", id)
	}
}

// serve plans its collectors for every scan and closes them after it: the
// AWS collector releases its shared client's idle connections
// (BenchmarkServeSoak measures what that keeps flat).
var _ io.Closer = (*Collector)(nil)
