package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagent"
	agenttypes "github.com/aws/aws-sdk-go-v2/service/bedrockagent/types"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// agentFamilies are Bedrock Agents' resource families in a region: agents
// (role, foundation model, guardrail, aliases), knowledge bases (role,
// embedding model, data sources), flows and prompts.
func (s *scan) agentFamilies() []collectors.Family {
	client := bedrockagent.NewFromConfig(s.cfg)
	tagClient := bedrock.NewFromConfig(s.cfg)
	return []collectors.Family{
		{Name: "bedrock_agent.agents", Collect: func(ctx context.Context) error {
			p := bedrockagent.NewListAgentsPaginator(client, &bedrockagent.ListAgentsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agent list-agents in %s: %w", s.scope.Region, err)
				}
				for _, sum := range page.AgentSummaries {
					out, err := client.GetAgent(ctx, &bedrockagent.GetAgentInput{AgentId: sum.AgentId})
					if err != nil {
						s.itemFailed(ctx, fmt.Errorf("bedrock-agent get-agent %s in %s: %w", aws.ToString(sum.AgentId), s.scope.Region, err))
						continue
					}
					aliases, err := s.agentAliases(ctx, client, sum.AgentId)
					if err != nil {
						s.itemFailed(ctx, err)
					}
					a := s.agentAsset(out.Agent, aliases, err == nil)
					s.tag(a, s.bedrockTags(ctx, tagClient, aws.ToString(out.Agent.AgentArn)))
					s.add(a)
				}
			}
			return nil
		}},
		{Name: "bedrock_agent.knowledge_bases", Collect: func(ctx context.Context) error {
			p := bedrockagent.NewListKnowledgeBasesPaginator(client, &bedrockagent.ListKnowledgeBasesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock-agent list-knowledge-bases in %s: %w", s.scope.Region, err)
				}
				for _, sum := range page.KnowledgeBaseSummaries {
					out, err := client.GetKnowledgeBase(ctx, &bedrockagent.GetKnowledgeBaseInput{KnowledgeBaseId: sum.KnowledgeBaseId})
					if err != nil {
						s.itemFailed(ctx, fmt.Errorf("bedrock-agent get-knowledge-base %s in %s: %w", aws.ToString(sum.KnowledgeBaseId), s.scope.Region, err))
						continue
					}
					sources, err := s.dataSources(ctx, client, sum.KnowledgeBaseId)
					if err != nil {
						s.itemFailed(ctx, err)
					}
					s.add(s.knowledgeBaseAsset(out.KnowledgeBase, sources, err == nil))
				}
			}
			return nil
		}},
		{Name: "bedrock_agent.flows", Collect: func(ctx context.Context) error {
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
		}},
		{Name: "bedrock_agent.prompts", Collect: func(ctx context.Context) error {
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
		}},
	}
}

func (s *scan) agentAliases(ctx context.Context, client *bedrockagent.Client, agentID *string) ([]string, error) {
	var aliases []string
	p := bedrockagent.NewListAgentAliasesPaginator(client, &bedrockagent.ListAgentAliasesInput{AgentId: agentID})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("bedrock-agent list-agent-aliases %s in %s: %w", aws.ToString(agentID), s.scope.Region, err)
		}
		for _, al := range page.AgentAliasSummaries {
			aliases = append(aliases, aws.ToString(al.AgentAliasName))
		}
	}
	return aliases, nil
}

func (s *scan) dataSources(ctx context.Context, client *bedrockagent.Client, kbID *string) ([]string, error) {
	var sources []string
	p := bedrockagent.NewListDataSourcesPaginator(client, &bedrockagent.ListDataSourcesInput{KnowledgeBaseId: kbID})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("bedrock-agent list-data-sources %s in %s: %w", aws.ToString(kbID), s.scope.Region, err)
		}
		for _, d := range page.DataSourceSummaries {
			sources = append(sources, aws.ToString(d.Name))
		}
	}
	return sources, nil
}

// agentAsset maps a Bedrock agent; its aliases are a fact only when they
// could be listed (aliasesKnown), else the fact is unknown.
func (s *scan) agentAsset(ag *agenttypes.Agent, aliases []string, aliasesKnown bool) *model.Asset {
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
	if aliasesKnown {
		a.Facts = append(a.Facts, model.Strings("agent.aliases", aliases, model.Observed, "bedrock-agent list-agent-aliases"))
	}
	return a
}

// knowledgeBaseAsset maps a knowledge base; its data sources are a fact
// only when they could be listed.
func (s *scan) knowledgeBaseAsset(kb *agenttypes.KnowledgeBase, sources []string, sourcesKnown bool) *model.Asset {
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
	if sourcesKnown {
		a.Facts = append(a.Facts, model.Strings("kb.data_sources", sources, model.Observed, "bedrock-agent list-data-sources"))
	}
	return a
}
