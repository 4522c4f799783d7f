package aws

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sagemaker"
	smtypes "github.com/aws/aws-sdk-go-v2/service/sagemaker/types"

	"github.com/aisight/aisight/collectors/fingerprint"
	"github.com/aisight/aisight/model"
)

// sagemaker reports models (image and its pinning, model data, execution
// role, network isolation, VPC), endpoints with their configs' variants,
// notebook instances (root access, direct internet), domains and model
// package groups (a model registry in use).
func (s *scan) sagemaker(ctx context.Context) error {
	client := sagemaker.NewFromConfig(s.cfg)
	models := map[string]string{} // name -> ARN
	return s.steps(ctx,
		func(ctx context.Context) error {
			p := sagemaker.NewListModelsPaginator(client, &sagemaker.ListModelsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("sagemaker list-models in %s: %w", s.scope.Region, err)
				}
				for _, m := range page.Models {
					d, err := client.DescribeModel(ctx, &sagemaker.DescribeModelInput{ModelName: m.ModelName})
					if err != nil {
						return fmt.Errorf("sagemaker describe-model %s: %w", aws.ToString(m.ModelName), err)
					}
					models[aws.ToString(d.ModelName)] = aws.ToString(d.ModelArn)
					s.add(s.smModel(d))
				}
			}
			return nil
		},
		func(ctx context.Context) error {
			p := sagemaker.NewListEndpointsPaginator(client, &sagemaker.ListEndpointsInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("sagemaker list-endpoints in %s: %w", s.scope.Region, err)
				}
				for _, e := range page.Endpoints {
					if err := s.endpoint(ctx, client, e, models); err != nil {
						return err
					}
				}
			}
			return nil
		},
		func(ctx context.Context) error {
			p := sagemaker.NewListNotebookInstancesPaginator(client, &sagemaker.ListNotebookInstancesInput{})
			for p.HasMorePages() {
				page, err := p.NextPage(ctx)
				if err != nil {
					return fmt.Errorf("sagemaker list-notebook-instances in %s: %w", s.scope.Region, err)
				}
				for _, n := range page.NotebookInstances {
					d, err := client.DescribeNotebookInstance(ctx, &sagemaker.DescribeNotebookInstanceInput{NotebookInstanceName: n.NotebookInstanceName})
					if err != nil {
						return fmt.Errorf("sagemaker describe-notebook-instance %s: %w", aws.ToString(n.NotebookInstanceName), err)
					}
					a := s.asset(aws.ToString(d.NotebookInstanceArn), model.KindNotebook, aws.ToString(d.NotebookInstanceName))
					src := "sagemaker describe-notebook-instance"
					a.Facts = append(a.Facts,
						model.Bool("notebook.root_access", d.RootAccess == smtypes.RootAccessEnabled, model.Observed, src),
						model.Bool("notebook.direct_internet", d.DirectInternetAccess == smtypes.DirectInternetAccessEnabled, model.Observed, src))
					s.runsAs(a, aws.ToString(d.RoleArn))
					s.add(a)
				}
			}
			return nil
		},
		func(ctx context.Context) error {
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
		},
		func(ctx context.Context) error {
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
		},
	)
}

func (s *scan) smModel(d *sagemaker.DescribeModelOutput) *model.Asset {
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
		if u := aws.ToString(c.ModelDataUrl); u != "" {
			a.Model = &model.ModelRef{Name: aws.ToString(d.ModelName), SourceURI: u}
			a.Facts = append(a.Facts, model.String("model.data_url", u, model.Observed, src))
		}
	}
	a.Facts = append(a.Facts, model.Bool("sagemaker.network_isolation", aws.ToBool(d.EnableNetworkIsolation), model.Observed, src),
		model.Bool("network.vpc", d.VpcConfig != nil && len(d.VpcConfig.Subnets) > 0, model.Observed, src))
	s.runsAs(a, aws.ToString(d.ExecutionRoleArn))
	return a
}

func (s *scan) endpoint(ctx context.Context, client *sagemaker.Client, e smtypes.EndpointSummary, models map[string]string) error {
	d, err := client.DescribeEndpoint(ctx, &sagemaker.DescribeEndpointInput{EndpointName: e.EndpointName})
	if err != nil {
		return fmt.Errorf("sagemaker describe-endpoint %s: %w", aws.ToString(e.EndpointName), err)
	}
	cfg, err := client.DescribeEndpointConfig(ctx, &sagemaker.DescribeEndpointConfigInput{EndpointConfigName: d.EndpointConfigName})
	if err != nil {
		return fmt.Errorf("sagemaker describe-endpoint-config %s: %w", aws.ToString(d.EndpointConfigName), err)
	}
	a := s.asset(aws.ToString(d.EndpointArn), model.KindEndpoint, aws.ToString(d.EndpointName))
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
		if role := s.roleOf[target]; role != "" && a.Identity == "" {
			s.runsAs(a, role)
		}
	}
	if t, err := client.ListTags(ctx, &sagemaker.ListTagsInput{ResourceArn: d.EndpointArn}); err == nil {
		m := map[string]string{}
		for _, tg := range t.Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		s.tag(a, m)
	} else {
		s.sink.Count("tags_unreadable", 1)
	}
	s.add(a)
	return nil
}
