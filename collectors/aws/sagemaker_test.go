package aws

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/aisight/aisight/model"
)

func TestSageMakerMappings(t *testing.T) {
	s := testScan()
	role := "arn:aws:iam::111111111111:role/sm"
	pinned := s.modelAsset(&sagemaker.DescribeModelOutput{ModelArn: aws.String("arn:m/pinned"), ModelName: aws.String("pinned"), ExecutionRoleArn: aws.String(role),
		PrimaryContainer:       &smtypes.ContainerDefinition{Image: aws.String("111111111111.dkr.ecr.us-east-1.amazonaws.com/xgb@sha256:" + sha64), ModelDataUrl: aws.String("s3://b/model.tar.gz")},
		EnableNetworkIsolation: aws.Bool(true), VpcConfig: &smtypes.VpcConfig{Subnets: []string{"subnet-1"}}})
	public := s.modelAsset(&sagemaker.DescribeModelOutput{ModelArn: aws.String("arn:m/public"), ModelName: aws.String("public"),
		Containers: []smtypes.ContainerDefinition{{Image: aws.String("ghcr.io/huggingface/text-generation-inference:3.0.1")}}})
	nb := s.notebookAsset(&sagemaker.DescribeNotebookInstanceOutput{NotebookInstanceArn: aws.String("arn:nb"), NotebookInstanceName: aws.String("nb"),
		RootAccess: smtypes.RootAccessEnabled, DirectInternetAccess: smtypes.DirectInternetAccessDisabled, RoleArn: aws.String(role)})
	s.roleOf = map[string]string{"arn:m/pinned": role}
	ep := s.endpointAsset(&sagemaker.DescribeEndpointOutput{EndpointArn: aws.String("arn:ep"), EndpointName: aws.String("ep")},
		&sagemaker.DescribeEndpointConfigOutput{ProductionVariants: []smtypes.ProductionVariant{{ModelName: aws.String("pinned")}, {ModelName: aws.String("gone")}},
			DataCaptureConfig: &smtypes.DataCaptureConfig{EnableCapture: aws.Bool(true)}},
		map[string]string{"owner": "growth"}, map[string]string{"pinned": "arn:m/pinned"})
	noCfg := s.endpointAsset(&sagemaker.DescribeEndpointOutput{EndpointArn: aws.String("arn:ep2"), EndpointName: aws.String("ep2")}, nil, nil, nil)
	for _, tc := range []struct {
		name     string
		got      *model.Asset
		identity string
		facts    map[string]any
	}{
		{"digest-pinned private model in a VPC", pinned, role, map[string]any{"image.pinned_digest": true, "image.registry_public": false,
			"sagemaker.network_isolation": true, "network.vpc": true, "model.data_url": "s3://b/model.tar.gz"}},
		{"public tag-pinned model without isolation", public, "", map[string]any{"image.pinned_digest": false, "image.registry_public": true,
			"sagemaker.network_isolation": false, "network.vpc": false, "model.data_url": nil}},
		{"notebook", nb, role, map[string]any{"notebook.root_access": true, "notebook.direct_internet": false}},
		{"endpoint runs as its model's role", ep, role, map[string]any{"endpoint.variants": int64(2), "sagemaker.data_capture": true}},
		{"endpoint whose config was unreadable", noCfg, "", map[string]any{"endpoint.variants": nil, "sagemaker.data_capture": nil}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got.Identity != tc.identity {
				t.Errorf("identity %q, want %q", tc.got.Identity, tc.identity)
			}
			checkFacts(t, tc.name, tc.got.Facts, tc.facts)
		})
	}
	if ep.Owner != "growth" || len(ep.Relations) != 3 || ep.Relations[2].Target != "arn:aws:sagemaker:us-east-1:111111111111:model/gone" {
		t.Errorf("endpoint owner %q relations %+v", ep.Owner, ep.Relations)
	}
	if public.Model != nil {
		t.Errorf("a model without model data has no source: %+v", public.Model)
	}
}

const sha64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
