package gcp

import (
	"context"
	"slices"
	"sort"

	orgpolicy "cloud.google.com/go/orgpolicy/apiv2"
	"cloud.google.com/go/orgpolicy/apiv2/orgpolicypb"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// orgPolicyEndpoint serves the Organization Policy API.
const orgPolicyEndpoint = "orgpolicy.googleapis.com:443"

// aiConstraints are the organisation policy constraints that decide which
// AI services, models and regions a project may use, read as the policy in
// effect for the project (set on it or inherited from its folders and
// organisation): ORG.4.service-guardrails' GCP evidence.
var aiConstraints = []struct{ name, governs string }{
	{"vertexai.allowedModels", "models"},     // which Model Garden and Gemini models may be used
	{"gcp.restrictServiceUsage", "services"}, // which Google Cloud services may be used
	{"gcp.resourceLocations", "regions"},     // where resources may be created
}

// aiServices are the services gcp.restrictServiceUsage may govern that run
// or serve AI models.
var aiServices = []string{"aiplatform.googleapis.com", "generativelanguage.googleapis.com", "ml.googleapis.com",
	"notebooks.googleapis.com", "discoveryengine.googleapis.com", "dialogflow.googleapis.com"}

// orgPolicyFamilies are the project's effective AI policy constraints.
func (s *scan) orgPolicyFamilies(ctx context.Context) []collectors.Family {
	const fam = "orgpolicy.effective"
	cc, err := s.c.conn(ctx, orgPolicyEndpoint)
	if err != nil {
		return failing(fam, err)
	}
	client, err := orgpolicy.NewClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		const src = "orgpolicy get-effective-policy"
		var restricting []string
		var failed []error
		for _, c := range aiConstraints {
			name := "projects/" + s.project.ID + "/policies/" + c.name
			p, err := client.GetEffectivePolicy(ctx, &orgpolicypb.GetEffectivePolicyRequest{Name: name}, s.c.callOpts(ctx)...)
			if err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failed = append(failed, callErr(err, "orgpolicy get-effective-policy %s", name))
				continue
			}
			if restricts(p, c.governs) {
				restricting = append(restricting, c.name)
			}
		}
		if len(failed) == len(aiConstraints) {
			return failed[0] // none could be read: the family failed (its class is the first's)
		}
		for _, err := range failed {
			collectors.ItemFailed(s.sink, classify, err)
		}
		unknown := len(failed) > 0
		sort.Strings(restricting)
		aiPolicy := slices.Contains(restricting, "vertexai.allowedModels") || slices.Contains(restricting, "gcp.restrictServiceUsage")
		if aiPolicy || !unknown {
			// A restriction seen is known whatever else failed; no
			// restriction is known only when every constraint was read.
			s.sink.ScopeFact(model.Bool("org.ai_service_policy", aiPolicy, model.Observed, src))
		}
		if !unknown {
			s.sink.ScopeFact(model.Strings("org.ai_policies", restricting, model.Observed, src))
			s.sink.ScopeFact(model.Bool("org.regions_restricted", slices.Contains(restricting, "gcp.resourceLocations"), model.Observed, src))
		}
		return nil
	}}}
}

// restricts reports whether an effective policy limits what its
// constraint governs for every resource of the project: a rule denying
// all, or listing allowed or denied values (for services, an allow-list,
// or a deny-list naming an AI service). Conditional rules (tags) limit only
// some resources and do not count; allowing all, or no rule, limits
// nothing.
func restricts(p *orgpolicypb.Policy, governs string) bool {
	for _, r := range p.GetSpec().GetRules() {
		if r.GetCondition() != nil {
			continue
		}
		switch {
		case r.GetDenyAll():
			return true
		case r.GetValues() != nil:
			v := r.GetValues()
			if len(v.GetAllowedValues()) > 0 {
				return true
			}
			for _, d := range v.GetDeniedValues() {
				if governs != "services" || slices.Contains(aiServices, d) {
					return true
				}
			}
		}
	}
	return false
}
