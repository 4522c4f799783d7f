package aws

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/aisight/aisight/model"
)

// organization reports the organisation's AI guardrails as scope facts: the
// AI services opt-out policy, Bedrock policies, and SCPs that deny AI
// actions (outside approved regions or models).
func (s *scan) organization(ctx context.Context) error {
	client := organizations.NewFromConfig(s.cfg)
	list := func(t orgtypes.PolicyType) ([]orgtypes.PolicySummary, error) {
		var out []orgtypes.PolicySummary
		p := organizations.NewListPoliciesPaginator(client, &organizations.ListPoliciesInput{Filter: t})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			var notEnabled *orgtypes.PolicyTypeNotEnabledException
			if errors.As(err, &notEnabled) {
				return nil, nil // the policy type is not enabled: there are none
			}
			if err != nil {
				return nil, fmt.Errorf("organizations list-policies %s: %w", t, err)
			}
			out = append(out, page.Policies...)
		}
		return out, nil
	}
	optOut, err := list(orgtypes.PolicyTypeAiservicesOptOutPolicy)
	if err != nil {
		return err
	}
	bedrock, err := list(orgtypes.PolicyType("BEDROCK_POLICY"))
	if err != nil {
		return err
	}
	scps, err := list(orgtypes.PolicyTypeServiceControlPolicy)
	if err != nil {
		return err
	}
	var restricting []string
	for _, p := range scps {
		d, err := client.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: p.Id})
		if err != nil {
			return fmt.Errorf("organizations describe-policy %s: %w", aws.ToString(p.Id), err)
		}
		if d.Policy != nil && scpRestrictsAI(aws.ToString(d.Policy.Content)) {
			restricting = append(restricting, aws.ToString(p.Name))
		}
	}
	src := "organizations policies of " + s.c.org
	s.sink.ScopeFact(model.Bool("org.ai_opt_out_policy", len(optOut) > 0, model.Observed, src))
	s.sink.ScopeFact(model.Bool("org.bedrock_policy", len(bedrock) > 0, model.Observed, src))
	s.sink.ScopeFact(model.Bool("org.scp_restricts_ai", len(restricting) > 0, model.Observed, src))
	s.sink.ScopeFact(model.Strings("org.ai_restricting_scps", restricting, model.Observed, src))
	s.sink.ScopeFact(model.Bool("org.ai_service_policy", len(restricting) > 0 || len(bedrock) > 0, model.Observed, src))
	return nil
}
