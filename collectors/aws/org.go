package aws

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// orgFamilies report the organisation's AI guardrails as scope facts: the
// AI services opt-out policy, Bedrock policies, and SCPs that deny AI
// actions (outside approved regions or models).
func (s *scan) orgFamilies() []collectors.Family {
	client := organizations.NewFromConfig(s.cfg)
	return []collectors.Family{{Name: "organizations.ai_policies", Collect: func(ctx context.Context) error {
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
		var contents []string
		var names []string
		unread := 0
		for _, p := range scps {
			d, err := client.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: p.Id})
			if err != nil {
				s.itemFailed(ctx, fmt.Errorf("organizations describe-policy %s: %w", aws.ToString(p.Id), err))
				unread++
				continue
			}
			if d.Policy != nil {
				contents = append(contents, aws.ToString(d.Policy.Content))
				names = append(names, aws.ToString(p.Name))
			}
		}
		facts, unparsed := orgPolicyFacts("organizations policies of "+s.c.org, len(optOut) > 0, len(bedrock) > 0, names, contents, unread)
		for _, name := range unparsed {
			s.sink.Problem(collectors.Classed(model.ErrUnparsed, fmt.Errorf("organizations policy %s: its document is not readable, so whether it restricts AI is unknown", name)))
		}
		for _, f := range facts {
			s.sink.ScopeFact(f)
		}
		return nil
	}}}
}

// orgPolicyFacts maps the organisation's policies to scope facts. When some
// SCPs could not be read or parsed (unparsed names the latter) and none of
// the others restricts AI, whether SCPs restrict AI is unknown and those
// facts are left out.
func orgPolicyFacts(src string, optOut, bedrockPolicy bool, scpNames, scpContents []string, unread int) (_ []model.Fact, unparsed []string) {
	var restricting []string
	for i, c := range scpContents {
		ok, err := scpRestrictsAI(c)
		if err != nil {
			unparsed = append(unparsed, scpNames[i])
			unread++
			continue
		}
		if ok {
			restricting = append(restricting, scpNames[i])
		}
	}
	out := []model.Fact{
		model.Bool("org.ai_opt_out_policy", optOut, model.Observed, src),
		model.Bool("org.bedrock_policy", bedrockPolicy, model.Observed, src),
	}
	if unread > 0 && len(restricting) == 0 && !bedrockPolicy {
		return out, unparsed
	}
	if unread == 0 || len(restricting) > 0 {
		out = append(out,
			model.Bool("org.scp_restricts_ai", len(restricting) > 0, model.Observed, src),
			model.Strings("org.ai_restricting_scps", restricting, model.Observed, src))
	}
	return append(out, model.Bool("org.ai_service_policy", len(restricting) > 0 || bedrockPolicy, model.Observed, src)), unparsed
}
