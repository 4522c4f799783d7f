package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/model"
)

// sagemakerFamilies are SageMaker's resource families in a region: models
// (image and its pinning, model data, execution role, network isolation,
// VPC), endpoints with their configs' variants, notebook instances (root
// access, direct internet), domains and model package groups (a model
// registry in use). Endpoints are listed after models: an endpoint runs as
// its models' role.
func (s *scan) sagemakerFamilies() []collectors.Family {
	client := sagemaker.NewFromConfig(s.cfg)
	models := map[string]string{} // name -> ARN
	return []collectors.Family{
		{Name: "sagemaker.models", Collect: func(ctx context.Context) error {
			p := sagemaker.NewListModelsPaginator(client, &sagemaker.ListModelsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("sagemaker list-models in %s: %w", s.scope.Region, err)
				}
				for _, m := range page.Models {
					models[aws.ToString(m.ModelName)] = aws.ToString(m.ModelArn)
					d, err := client.DescribeModel(ctx, &sagemaker.DescribeModelInput{ModelName: m.ModelName})
					if err != nil { // still listed; its image, role and network are unknown
						s.itemFailed(ctx, fmt.Errorf("sagemaker describe-model %s in %s: %w", aws.ToString(m.ModelName), s.scope.Region, err))
						s.add(s.asset(aws.ToString(m.ModelArn), model.KindModel, aws.ToString(m.ModelName)))
						continue
					}
					s.add(s.modelAsset(d))
				}
			}
			return nil
		}},
		{Name: "sagemaker.endpoints", Collect: func(ctx context.Context) error {
			p := sagemaker.NewListEndpointsPaginator(client, &sagemaker.ListEndpointsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("sagemaker list-endpoints in %s: %w", s.scope.Region, err)
				}
				for _, e := range page.Endpoints {
					s.add(s.endpoint(ctx, client, e, models))
				}
			}
			return nil
		}},
		{Name: "sagemaker.notebooks", Collect: func(ctx context.Context) error {
			p := sagemaker.NewListNotebookInstancesPaginator(client, &sagemaker.ListNotebookInstancesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("sagemaker list-notebook-instances in %s: %w", s.scope.Region, err)
				}
				for _, n := range page.NotebookInstances {
					d, err := client.DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: n.NotebookInstanceName})
					if err != nil {
						s.itemFailed(ctx, fmt.Errorf("sagemaker describe-notebook-instance %s in %s: %w", aws.ToString(n.NotebookInstanceName), s.scope.Region, err))
						s.add(s.asset(aws.ToString(n.NotebookInstanceArn), model.KindNotebook, aws.ToString(n.NotebookInstanceName)))
						continue
					}
					s.add(s.notebookAsset(d))
				}
			}
			return nil
		}},
		{Name: "sagemaker.domains", Collect: func(ctx context.Context) error {
			p := sagemaker.NewListDomainsPaginator(client, &sagemaker.ListDomainsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("sagemaker list-domains in %s: %w", s.scope.Region, err)
				}
				for _, d := range page.Domains {
					s.add(s.asset(aws.ToString(d.DomainArn), model.KindProject, aws.ToString(d.DomainName)))
				}
			}
			return nil
		}},
		{Name: "sagemaker.model_package_groups", Collect: func(ctx context.Context) error {
			p := sagemaker.NewListModelPackageGroupsPaginator(client, &sagemaker.ListModelPackageGroupsInput{})
			n := 0
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("sagemaker list-model-package-groups in %s: %w", s.scope.Region, err)
				}
				for _, g := range page.ModelPackageGroupSummaryList {
					n++
					s.add(s.asset(aws.ToString(g.ModelPackageGroupArn), model.KindModelRegistry, aws.ToString(g.ModelPackageGroupName)))
				}
			}
			s.sink.ScopeFact(model.Bool("registry.model_registry_in_use", n > 0, model.Observed, "sagemaker list-model-package-groups"))
			return nil
		}},
	}
}

func (s *scan) modelAsset(d *sagemaker.DescribeModelOutput) *model.Asset {
	a := s.asset(aws.ToString(d.ModelArn), model.KindModel, aws.ToString(d.ModelName))
	src := "sagemaker describe-model"
	c := d.PrimaryContainer
	if c == nil && len(d.Containers) > 0 {
		c = &d.Containers[0]
	}
	if c != nil {
		if img := aws.ToString(c.Image); img != "" {
			ref := fingerprint.ParseImage(img)
			a.Facts = append(a.Facts, model.String("image.ref", img, model.Observed, src),
				model.Bool("image.pinned_digest", ref.PinnedByDigest(), model.Observed, src),
				model.Bool("image.registry_public", ref.PublicRegistry(), model.Inferred, src))
		}
		if u := redact.URL(aws.ToString(c.ModelDataUrl)); u != "" {
			a.Model = &model.ModelRef{Name: aws.ToString(d.ModelName), SourceURI: u}
			a.Facts = append(a.Facts, model.String("model.data_url", u, model.Observed, src))
		}
	}
	a.Facts = append(a.Facts, model.Bool("sagemaker.network_isolation", aws.ToBool(d.EnableNetworkIsolation), model.Observed, src),
		model.Bool("network.vpc", d.VpcConfig != nil && len(d.VpcConfig.Subnets) > 0, model.Observed, src))
	s.runsAs(a, aws.ToString(d.ExecutionRoleArn))
	return a
}

func (s *scan) notebookAsset(d *sagemaker.DescribeNotebookInstanceOutput) *model.Asset {
	a := s.asset(aws.ToString(d.NotebookInstanceArn), model.KindNotebook, aws.ToString(d.NotebookInstanceName))
	src := "sagemaker describe-notebook-instance"
	a.Facts = append(a.Facts,
		model.Bool("notebook.root_access", d.RootAccess == smtypes.RootAccessEnabled, model.Observed, src),
		model.Bool("notebook.direct_internet", d.DirectInternetAccess == smtypes.DirectInternetAccessEnabled, model.Observed, src))
	s.runsAs(a, aws.ToString(d.RoleArn))
	return a
}

// endpoint describes one endpoint and its config; when either cannot be
// read the endpoint is still reported, from its summary, with a problem.
func (s *scan) endpoint(ctx context.Context, client *sagemaker.Client, e smtypes.EndpointSummary, models map[string]string) *model.Asset {
	d, err := client.DescribeEndpoint(ctx, &sagemaker.DescribeEndpointInput{EndpointName: e.EndpointName})
	if err != nil {
		s.itemFailed(ctx, fmt.Errorf("sagemaker describe-endpoint %s in %s: %w", aws.ToString(e.EndpointName), s.scope.Region, err))
		return s.asset(aws.ToString(e.EndpointArn), model.KindEndpoint, aws.ToString(e.EndpointName))
	}
	cfg, err := client.DescribeEndpointConfig(ctx, &sagemaker.DescribeEndpointConfigInput{EndpointConfigName: d.EndpointConfigName})
	if err != nil {
		s.itemFailed(ctx, fmt.Errorf("sagemaker describe-endpoint-config %s in %s: %w", aws.ToString(d.EndpointConfigName), s.scope.Region, err))
		cfg = nil
	}
	var tags map[string]string
	if t, err := client.ListTags(ctx, &sagemaker.ListTagsInput{ResourceArn: d.EndpointArn}); err == nil {
		tags = map[string]string{}
		for _, tg := range t.Tags {
			tags[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
	} else {
		s.sink.Count("tags_unreadable", 1)
	}
	return s.endpointAsset(d, cfg, tags, models)
}

// endpointAsset maps an endpoint, its config (nil when unreadable: variants
// and data capture unknown) and tags; it runs as the role of its first
// model whose role is known.
func (s *scan) endpointAsset(d *sagemaker.DescribeEndpointOutput, cfg *sagemaker.DescribeEndpointConfigOutput, tags map[string]string, models map[string]string) *model.Asset {
	a := s.asset(aws.ToString(d.EndpointArn), model.KindEndpoint, aws.ToString(d.EndpointName))
	if cfg != nil {
		src := "sagemaker describe-endpoint-config"
		a.Facts = append(a.Facts, model.Int("endpoint.variants", int64(len(cfg.ProductionVariants)), model.Observed, src),
			model.Bool("sagemaker.data_capture", cfg.DataCaptureConfig != nil && aws.ToBool(cfg.DataCaptureConfig.EnableCapture), model.Observed, src))
		for _, v := range cfg.ProductionVariants {
			name := aws.ToString(v.ModelName)
			target, ok := models[name]
			if !ok {
				target = "arn:aws:sagemaker:" + s.scope.Region + ":" + s.scope.Account + ":model/" + name
			}
			a.Relations = append(a.Relations, model.Relation{Type: "serves", Target: target})
			if role := s.roleOfAsset(target); role != "" && a.Identity == "" {
				s.runsAs(a, role)
			}
		}
	}
	s.tag(a, tags)
	return a
}
