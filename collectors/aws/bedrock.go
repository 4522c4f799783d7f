package aws

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	bedrocktypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// bedrockFamilies are Bedrock's resource families in a region: custom and
// imported models, provisioned throughput, application inference profiles,
// guardrails and the region's model invocation logging configuration.
func (s *scan) bedrockFamilies() []collectors.Family {
	client := bedrock.NewFromConfig(s.cfg)
	return []collectors.Family{
		{Name: "bedrock.custom_models", Collect: func(ctx context.Context) error {
			p := bedrock.NewListCustomModelsPaginator(client, &bedrock.ListCustomModelsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock list-custom-models in %s: %w", s.scope.Region, err)
				}
				for _, m := range page.ModelSummaries {
					s.add(s.customModelAsset(m, s.bedrockTags(ctx, client, aws.ToString(m.ModelArn))))
				}
			}
			return nil
		}},
		{Name: "bedrock.imported_models", Collect: func(ctx context.Context) error {
			p := bedrock.NewListImportedModelsPaginator(client, &bedrock.ListImportedModelsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock list-imported-models in %s: %w", s.scope.Region, err)
				}
				for _, m := range page.ModelSummaries {
					s.add(s.importedModelAsset(m))
				}
			}
			return nil
		}},
		{Name: "bedrock.provisioned_throughput", Collect: func(ctx context.Context) error {
			p := bedrock.NewListProvisionedModelThroughputsPaginator(client, &bedrock.ListProvisionedModelThroughputsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock list-provisioned-model-throughputs in %s: %w", s.scope.Region, err)
				}
				for _, m := range page.ProvisionedModelSummaries {
					s.add(s.provisionedAsset(m))
				}
			}
			return nil
		}},
		{Name: "bedrock.inference_profiles", Collect: func(ctx context.Context) error {
			p := bedrock.NewListInferenceProfilesPaginator(client, &bedrock.ListInferenceProfilesInput{TypeEquals: bedrocktypes.InferenceProfileTypeApplication})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock list-inference-profiles in %s: %w", s.scope.Region, err)
				}
				for _, ip := range page.InferenceProfileSummaries {
					s.add(s.inferenceProfileAsset(ip))
				}
			}
			return nil
		}},
		{Name: "bedrock.guardrails", Collect: func(ctx context.Context) error {
			p := bedrock.NewListGuardrailsPaginator(client, &bedrock.ListGuardrailsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("bedrock list-guardrails in %s: %w", s.scope.Region, err)
				}
				for _, g := range page.Guardrails {
					d, err := client.GetGuardrail(ctx, &bedrock.GetGuardrailInput{GuardrailIdentifier: g.Id, GuardrailVersion: g.Version})
					if err != nil { // still listed; its filters are unknown
						s.itemFailed(ctx, fmt.Errorf("bedrock get-guardrail %s in %s: %w", aws.ToString(g.Id), s.scope.Region, err))
						d = nil
					}
					s.add(s.guardrailAsset(g, d))
				}
			}
			return nil
		}},
		{Name: "bedrock.invocation_logging", Collect: func(ctx context.Context) error {
			out, err := client.GetModelInvocationLoggingConfiguration(ctx, &bedrock.GetModelInvocationLoggingConfigurationInput{})
			if err != nil {
				return fmt.Errorf("bedrock get-model-invocation-logging-configuration in %s: %w", s.scope.Region, err)
			}
			for _, f := range invocationLoggingFacts(out.LoggingConfig) {
				s.sink.ScopeFact(f)
			}
			return nil
		}},
	}
}

// bedrockTags reads a Bedrock resource's tags (agents included); a failure
// is counted and the asset is reported without tags.
func (s *scan) bedrockTags(ctx context.Context, client *bedrock.Client, arn string) map[string]string {
	out, err := client.ListTagsForResource(ctx, &bedrock.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
	if err != nil {
		s.sink.Count("tags_unreadable", 1)
		return nil
	}
	m := map[string]string{}
	for _, t := range out.Tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

func (s *scan) customModelAsset(m bedrocktypes.CustomModelSummary, tags map[string]string) *model.Asset {
	a := s.asset(aws.ToString(m.ModelArn), model.KindModel, aws.ToString(m.ModelName))
	a.Model = &model.ModelRef{Publisher: "custom", Name: aws.ToString(m.ModelName)}
	a.Facts = append(a.Facts,
		model.String("model.customization", string(m.CustomizationType), model.Observed, "bedrock"),
		model.String("model.base", aws.ToString(m.BaseModelArn), model.Observed, "bedrock"))
	s.tag(a, tags)
	return a
}

func (s *scan) importedModelAsset(m bedrocktypes.ImportedModelSummary) *model.Asset {
	a := s.asset(aws.ToString(m.ModelArn), model.KindModel, aws.ToString(m.ModelName))
	a.Model = &model.ModelRef{Publisher: "imported", Name: aws.ToString(m.ModelName)}
	a.Facts = append(a.Facts, model.Bool("model.imported", true, model.Observed, "bedrock"))
	return a
}

func (s *scan) provisionedAsset(m bedrocktypes.ProvisionedModelSummary) *model.Asset {
	a := s.asset(aws.ToString(m.ProvisionedModelArn), model.KindModelDeployment, aws.ToString(m.ProvisionedModelName))
	a.Facts = append(a.Facts, model.Int("bedrock.model_units", int64(aws.ToInt32(m.ModelUnits)), model.Observed, "bedrock"),
		model.String("bedrock.deployment", "provisioned_throughput", model.Observed, "bedrock"))
	a.Relations = append(a.Relations, model.Relation{Type: "serves", Target: aws.ToString(m.ModelArn)})
	return a
}

func (s *scan) inferenceProfileAsset(ip bedrocktypes.InferenceProfileSummary) *model.Asset {
	a := s.asset(aws.ToString(ip.InferenceProfileArn), model.KindModelDeployment, aws.ToString(ip.InferenceProfileName))
	a.Facts = append(a.Facts, model.String("bedrock.deployment", "application_inference_profile", model.Observed, "bedrock"))
	for _, m := range ip.Models {
		a.Relations = append(a.Relations, model.Relation{Type: "routes_to", Target: aws.ToString(m.ModelArn)})
	}
	return a
}

// guardrailAsset maps a guardrail and its details (nil when they could not
// be read: the filter facts are then unknown).
func (s *scan) guardrailAsset(g bedrocktypes.GuardrailSummary, d *bedrock.GetGuardrailOutput) *model.Asset {
	a := s.asset(aws.ToString(g.Arn), model.KindGuardrail, aws.ToString(g.Name))
	if d == nil {
		return a
	}
	filters, topics := 0, 0
	if d.ContentPolicy != nil {
		filters = len(d.ContentPolicy.Filters)
	}
	if d.TopicPolicy != nil {
		topics = len(d.TopicPolicy.Topics)
	}
	src := "bedrock get-guardrail"
	a.Facts = append(a.Facts,
		model.Int("guardrail.content_filters", int64(filters), model.Observed, src),
		model.Int("guardrail.denied_topics", int64(topics), model.Observed, src),
		model.Bool("guardrail.pii_filter", d.SensitiveInformationPolicy != nil, model.Observed, src))
	return a
}

// invocationLoggingFacts are a region's scope facts from its Bedrock model
// invocation logging configuration (nil: logging is off).
func invocationLoggingFacts(c *bedrocktypes.LoggingConfig) []model.Fact {
	var dest []string
	if c != nil {
		if c.CloudWatchConfig != nil && aws.ToString(c.CloudWatchConfig.LogGroupName) != "" {
			dest = append(dest, "cloudwatch")
		}
		if c.S3Config != nil && aws.ToString(c.S3Config.BucketName) != "" {
			dest = append(dest, "s3")
		}
	}
	src := "bedrock get-model-invocation-logging-configuration"
	return []model.Fact{
		model.Bool("logging.invocation_enabled", len(dest) > 0, model.Observed, src),
		model.String("logging.destination", strings.Join(dest, ","), model.Observed, src),
	}
}
