package aws

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrock"
	bedrocktypes "github.com/aws/aws-sdk-go-v2/service/bedrock/types"

	"github.com/aisight/aisight/model"
)

func TestBedrockMappings(t *testing.T) {
	s := testScan()
	arn := "arn:aws:bedrock:us-east-1:111111111111:"
	for _, tc := range []struct {
		name      string
		got       *model.Asset
		kind      model.Kind
		owner     string
		relations []model.Relation
		facts     map[string]any
	}{
		{"custom model with owner tag", s.customModelAsset(bedrocktypes.CustomModelSummary{ModelArn: aws.String(arn + "custom-model/m1"), ModelName: aws.String("m1"),
			CustomizationType: bedrocktypes.CustomizationTypeFineTuning, BaseModelArn: aws.String("base")}, map[string]string{"Team": "ml"}),
			model.KindModel, "ml", nil, map[string]any{"model.customization": "FINE_TUNING", "model.base": "base"}},
		{"imported model", s.importedModelAsset(bedrocktypes.ImportedModelSummary{ModelArn: aws.String(arn + "imported-model/i1"), ModelName: aws.String("i1")}),
			model.KindModel, "", nil, map[string]any{"model.imported": true}},
		{"provisioned throughput serves its model", s.provisionedAsset(bedrocktypes.ProvisionedModelSummary{ProvisionedModelArn: aws.String(arn + "provisioned-model/p1"),
			ProvisionedModelName: aws.String("p1"), ModelArn: aws.String("mdl"), ModelUnits: aws.Int32(2)}),
			model.KindModelDeployment, "", []model.Relation{{Type: "serves", Target: "mdl"}}, map[string]any{"bedrock.model_units": int64(2), "bedrock.deployment": "provisioned_throughput"}},
		{"inference profile routes to every model", s.inferenceProfileAsset(bedrocktypes.InferenceProfileSummary{InferenceProfileArn: aws.String(arn + "application-inference-profile/ip"),
			InferenceProfileName: aws.String("ip"), Models: []bedrocktypes.InferenceProfileModel{{ModelArn: aws.String("a")}, {ModelArn: aws.String("b")}}}),
			model.KindModelDeployment, "", []model.Relation{{Type: "routes_to", Target: "a"}, {Type: "routes_to", Target: "b"}}, map[string]any{"bedrock.deployment": "application_inference_profile"}},
		{"guardrail with filters", s.guardrailAsset(bedrocktypes.GuardrailSummary{Arn: aws.String(arn + "guardrail/g"), Name: aws.String("g")}, &bedrock.GetGuardrailOutput{
			ContentPolicy: &bedrocktypes.GuardrailContentPolicy{Filters: make([]bedrocktypes.GuardrailContentFilter, 3)},
			TopicPolicy:   &bedrocktypes.GuardrailTopicPolicy{Topics: make([]bedrocktypes.GuardrailTopic, 1)}}),
			model.KindGuardrail, "", nil, map[string]any{"guardrail.content_filters": int64(3), "guardrail.denied_topics": int64(1), "guardrail.pii_filter": false}},
		{"guardrail whose details were unreadable", s.guardrailAsset(bedrocktypes.GuardrailSummary{Arn: aws.String(arn + "guardrail/g"), Name: aws.String("g")}, nil),
			model.KindGuardrail, "", nil, map[string]any{"guardrail.content_filters": nil, "guardrail.pii_filter": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.got
			if a.Kind != tc.kind || a.Owner != tc.owner || a.DeploymentType != model.PaaS || a.Scope != s.scope.ID || a.Region != "us-east-1" {
				t.Errorf("asset %+v", a)
			}
			if len(tc.relations) > 0 || len(a.Relations) > 0 {
				if d := cmpRel(tc.relations, a.Relations); d != "" {
					t.Errorf("relations (-want +got):\n%s", d)
				}
			}
			checkFacts(t, tc.name, a.Facts, tc.facts)
		})
	}
}

func TestInvocationLoggingFacts(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  *bedrocktypes.LoggingConfig
		want map[string]any
	}{
		{"off", nil, map[string]any{"logging.invocation_enabled": false, "logging.destination": ""}},
		{"cloudwatch and s3", &bedrocktypes.LoggingConfig{CloudWatchConfig: &bedrocktypes.CloudWatchConfig{LogGroupName: aws.String("g")},
			S3Config: &bedrocktypes.S3Config{BucketName: aws.String("b")}}, map[string]any{"logging.invocation_enabled": true, "logging.destination": "cloudwatch,s3"}},
		{"an empty destination is no destination", &bedrocktypes.LoggingConfig{S3Config: &bedrocktypes.S3Config{}}, map[string]any{"logging.invocation_enabled": false}},
	} {
		checkFacts(t, tc.name, invocationLoggingFacts(tc.cfg), tc.want)
	}
}
