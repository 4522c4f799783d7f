package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagent"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"

	"github.com/aisight/aisight/model"
)

// agents reports Bedrock agents (role, foundation model, guardrail,
// aliases), knowledge bases (role, embedding model, data sources), flows and
// prompts.
func (s *scan) agents(ctx context.Context) error {
	client := bedrockagent.NewFromConfig(s.cfg)
	tagClient := bedrock.NewFromConfig(s.cfg)
	return s.steps(ctx,
		func(ctx context.Context) error {
			p := bedrockagent.NewListAgentsPaginator(client, &bedrockagent.ListAgentsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agent list-agents in %s: %w", s.scope.Region, err)
				}
				for _, sum := range page.AgentSummaries {
					out, err := client.GetAgent(ctx, &bedrockagent.GetAgentInput{AgentId: sum.AgentId})
					if err != nil {
						return fmt.Errorf("bedrock-agent get-agent %s: %w", aws.ToString(sum.AgentId), err)
					}
					ag := out.Agent
					a := s.asset(aws.ToString(ag.AgentArn), model.KindAgent, aws.ToString(ag.AgentName))
					src := "bedrock-agent get-agent"
					a.Facts = append(a.Facts, model.String("agent.platform", "bedrock_agents", model.Observed, src),
						model.String("agent.foundation_model", aws.ToString(ag.FoundationModel), model.Observed, src))
					if fm := aws.ToString(ag.FoundationModel); fm != "" {
						a.Model = &model.ModelRef{Name: fm}
						a.Relations = append(a.Relations, model.Relation{Type: "uses_model", Target: fm})
					}
					attached := ag.GuardrailConfiguration != nil && aws.ToString(ag.GuardrailConfiguration.GuardrailIdentifier) != ""
					a.Facts = append(a.Facts, model.Bool("guardrail.attached", attached, model.Observed, src))
					if attached {
						a.Relations = append(a.Relations, model.Relation{Type: "guarded_by", Target: aws.ToString(ag.GuardrailConfiguration.GuardrailIdentifier)})
					}
					s.runsAs(a, aws.ToString(ag.AgentResourceRoleArn))
					var aliases []string
					ap := bedrockagent.NewListAgentAliasesPaginator(client, &bedrockagent.ListAgentAliasesInput{AgentId: sum.AgentId})
					for ap.HasMorePages() {
						apage, err := ap.NextPage(ctx)
						if err != nil {
							return fmt.Errorf("bedrock-agent list-agent-aliases %s: %w", aws.ToString(sum.AgentId), err)
						}
						for _, al := range apage.AgentAliasSummaries {
							aliases = append(aliases, aws.ToString(al.AgentAliasName))
						}
					}
					a.Facts = append(a.Facts, model.Strings("agent.aliases", aliases, model.Observed, "bedrock-agent list-agent-aliases"))
					s.tag(a, s.bedrockTags(ctx, tagClient, aws.ToString(ag.AgentArn)))
					s.add(a)
				}
			}
			return nil
		},
		func(ctx context.Context) error {
			p := bedrockagent.NewListKnowledgeBasesPaginator(client, &bedrockagent.ListKnowledgeBasesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agent list-knowledge-bases in %s: %w", s.scope.Region, err)
				}
				for _, sum := range page.KnowledgeBaseSummaries {
					out, err := client.GetKnowledgeBase(ctx, &bedrockagent.GetKnowledgeBaseInput{KnowledgeBaseId: sum.KnowledgeBaseId})
					if err != nil {
						return fmt.Errorf("bedrock-agent get-knowledge-base %s: %w", aws.ToString(sum.KnowledgeBaseId), err)
					}
					kb := out.KnowledgeBase
					a := s.asset(aws.ToString(kb.KnowledgeBaseArn), model.KindKnowledgeBase, aws.ToString(kb.Name))
					src := "bedrock-agent get-knowledge-base"
					if c := kb.KnowledgeBaseConfiguration; c != nil && c.VectorKnowledgeBaseConfiguration != nil {
						em := aws.ToString(c.VectorKnowledgeBaseConfiguration.EmbeddingModelArn)
						a.Facts = append(a.Facts, model.String("kb.embedding_model", em, model.Observed, src))
						a.Relations = append(a.Relations, model.Relation{Type: "uses_model", Target: em})
					}
					if kb.StorageConfiguration != nil {
						a.Facts = append(a.Facts, model.String("kb.storage_type", string(kb.StorageConfiguration.Type), model.Observed, src))
					}
					s.runsAs(a, aws.ToString(kb.RoleArn))
					var sources []string
					dp := bedrockagent.NewListDataSourcesPaginator(client, &bedrockagent.ListDataSourcesInput{KnowledgeBaseId: sum.KnowledgeBaseId})
					for dp.HasMorePages() {
						dpage, err := dp.NextPage(ctx)
						if err != nil {
							return fmt.Errorf("bedrock-agent list-data-sources %s: %w", aws.ToString(sum.KnowledgeBaseId), err)
						}
						for _, d := range dpage.DataSourceSummaries {
							sources = append(sources, aws.ToString(d.Name))
						}
					}
					a.Facts = append(a.Facts, model.Strings("kb.data_sources", sources, model.Observed, "bedrock-agent list-data-sources"))
					s.add(a)
				}
			}
			return nil
		},
		func(ctx context.Context) error {
			p := bedrockagent.NewListFlowsPaginator(client, &bedrockagent.ListFlowsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agent list-flows in %s: %w", s.scope.Region, err)
				}
				for _, f := range page.FlowSummaries {
					s.add(s.asset(aws.ToString(f.Arn), model.KindFlow, aws.ToString(f.Name)))
				}
			}
			return nil
		},
		func(ctx context.Context) error {
			p := bedrockagent.NewListPromptsPaginator(client, &bedrockagent.ListPromptsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agent list-prompts in %s: %w", s.scope.Region, err)
				}
				for _, pr := range page.PromptSummaries {
					s.add(s.asset(aws.ToString(pr.Arn), model.KindPrompt, aws.ToString(pr.Name)))
				}
			}
			return nil
		},
	)
}

// agentCore reports Bedrock AgentCore agent runtimes (agents) and gateways
// (remote MCP servers).
func (s *scan) agentCore(ctx context.Context) error {
	client := bedrockagentcorecontrol.NewFromConfig(s.cfg)
	return s.steps(ctx,
		func(ctx context.Context) error {
			p := bedrockagentcorecontrol.NewListAgentRuntimesPaginator(client, &bedrockagentcorecontrol.ListAgentRuntimesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agentcore list-agent-runtimes in %s: %w", s.scope.Region, err)
				}
				for _, r := range page.AgentRuntimes {
					a := s.asset(aws.ToString(r.AgentRuntimeArn), model.KindAgent, aws.ToString(r.AgentRuntimeName))
					a.Facts = append(a.Facts, model.String("agent.platform", "agentcore_runtime", model.Observed, "bedrock-agentcore list-agent-runtimes"))
					s.add(a)
				}
			}
			return nil
		},
		func(ctx context.Context) error {
			p := bedrockagentcorecontrol.NewListGatewaysPaginator(client, &bedrockagentcorecontrol.ListGatewaysInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agentcore list-gateways in %s: %w", s.scope.Region, err)
				}
				for _, g := range page.Items {
					id := "arn:aws:bedrock-agentcore:" + s.scope.Region + ":" + s.scope.Account + ":gateway/" + aws.ToString(g.GatewayId)
					a := s.asset(id, model.KindMCPServer, aws.ToString(g.Name))
					src := "bedrock-agentcore list-gateways"
					a.Facts = append(a.Facts, model.Bool("mcp.remote", true, model.Observed, src),
						model.String("mcp.transport", "agentcore_gateway", model.Observed, src),
						model.String("gateway.authorizer_type", string(g.AuthorizerType), model.Observed, src))
					s.add(a)
				}
			}
			return nil
		},
	)
}
