package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	coretypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// agentCoreFamilies are Bedrock AgentCore's resource families in a region:
// agent runtimes (agents) and gateways (remote MCP servers).
func (s *scan) agentCoreFamilies() []collectors.Family {
	client := bedrockagentcorecontrol.NewFromConfig(s.cfg)
	return []collectors.Family{
		{Name: "agentcore.runtimes", Collect: func(ctx context.Context) error {
			p := bedrockagentcorecontrol.NewListAgentRuntimesPaginator(client, &bedrockagentcorecontrol.ListAgentRuntimesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agentcore list-agent-runtimes in %s: %w", s.scope.Region, err)
				}
				for _, r := range page.AgentRuntimes {
					s.add(s.agentRuntimeAsset(r))
				}
			}
			return nil
		}},
		{Name: "agentcore.gateways", Collect: func(ctx context.Context) error {
			p := bedrockagentcorecontrol.NewListGatewaysPaginator(client, &bedrockagentcorecontrol.ListGatewaysInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agentcore list-gateways in %s: %w", s.scope.Region, err)
				}
				for _, g := range page.Items {
					s.add(s.gatewayAsset(g))
				}
			}
			return nil
		}},
	}
}

func (s *scan) agentRuntimeAsset(r coretypes.AgentRuntime) *model.Asset {
	a := s.asset(aws.ToString(r.AgentRuntimeArn), model.KindAgent, aws.ToString(r.AgentRuntimeName))
	a.Facts = append(a.Facts, model.String("agent.platform", "agentcore_runtime", model.Observed, "bedrock-agentcore list-agent-runtimes"))
	return a
}

// gatewayAsset maps a gateway; ListGateways gives no ARN, so it is built
// from the gateway id in the documented ARN format.
func (s *scan) gatewayAsset(g coretypes.GatewaySummary) *model.Asset {
	id := "arn:aws:bedrock-agentcore:" + s.scope.Region + ":" + s.scope.Account + ":gateway/" + aws.ToString(g.GatewayId)
	a := s.asset(id, model.KindMCPServer, aws.ToString(g.Name))
	src := "bedrock-agentcore list-gateways"
	a.Facts = append(a.Facts, model.Bool("mcp.remote", true, model.Observed, src),
		model.String("mcp.transport", "agentcore_gateway", model.Observed, src),
		model.String("gateway.authorizer_type", string(g.AuthorizerType), model.Observed, src))
	return a
}
