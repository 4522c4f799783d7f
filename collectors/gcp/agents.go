package gcp

import (
	"context"
	"errors"
	"sort"

	aiplatform "cloud.google.com/go/aiplatform/apiv1"
	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	"google.golang.org/api/iterator"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/model"
)

// agentFamilies are the location's Agent Engine reasoning engines (agent
// assets).
func (s *scan) agentFamilies(ctx context.Context) []collectors.Family {
	const fam = "vertex.reasoning_engines"
	cc, err := s.c.conn(ctx, vertexEndpoint(s.scope.Region))
	if err != nil {
		return failing(fam, err)
	}
	client, err := aiplatform.NewReasoningEngineClient(ctx, clientOpts(cc)...)
	if err != nil {
		return failing(fam, err)
	}
	return []collectors.Family{{Name: fam, Collect: func(ctx context.Context) error {
		it := client.ListReasoningEngines(ctx, &aiplatformpb.ListReasoningEnginesRequest{Parent: s.parent()}, s.c.callOpts(ctx)...)
		for {
			r, err := it.Next()
			if errors.Is(err, iterator.Done) {
				return nil
			}
			if err != nil {
				return callErr(err, "vertex list-reasoning-engines in %s", s.parent())
			}
			for _, a := range s.engineAssets(r) {
				s.sink.Asset(*a)
			}
		}
	}}}
}

// engineAssets maps a reasoning engine: its framework, the service account
// it runs as (the project's Reasoning Engine service agent when none), the
// names of its env vars (values only as fingerprints of literal
// credentials, which become api_key assets), and its network.
func (s *scan) engineAssets(r *aiplatformpb.ReasoningEngine) []*model.Asset {
	id := resourceID(r.GetName())
	src := "vertex reasoning engine " + r.GetName()
	a := s.asset(id, model.KindAgent, r.GetDisplayName())
	s.label(a, r.GetLabels())
	spec := r.GetSpec()
	a.Facts = append(a.Facts, model.String("agent.platform", "vertex_agent_engine", model.Observed, src))
	if fw := spec.GetAgentFramework(); fw != "" {
		a.Facts = append(a.Facts, model.String("agent.framework", fw, model.Observed, src))
	}
	a.Facts = append(a.Facts, cmekFacts(r.GetEncryptionSpec(), src)...)
	sa := spec.GetServiceAccount()
	who := sa
	if sa == "" {
		who = serviceAgent(s.project.Number, reasoningEngineAgent)
	}
	s.runAs(a, sa, who, src)
	dep := spec.GetDeploymentSpec()
	a.SetFact(model.Bool("network.vpc", dep.GetPscInterfaceConfig() != nil, model.Observed, src))
	var c workload.Container
	var names []string
	for _, e := range dep.GetEnv() {
		names = append(names, e.GetName())
		c.Env = append(c.Env, workload.NewEnvVar(s.c.cat, e.GetName(), e.GetValue(), false))
	}
	for _, e := range dep.GetSecretEnv() {
		names = append(names, e.GetName())
		c.Env = append(c.Env, workload.NewEnvVar(s.c.cat, e.GetName(), "", true))
	}
	sort.Strings(names)
	a.SetFact(model.Strings("agent.env_vars", names, model.Observed, src))
	if img := spec.GetContainerSpec().GetImageUri(); img != "" {
		c.Image = img
	}
	w := workload.Workload{Kind: "reasoning_engine", Name: r.GetDisplayName(), Containers: []workload.Container{c}}
	an := workload.Analyze(w, s.c.cat)
	for _, f := range an.Facts(w, src) {
		switch f.Key {
		case "env.credential_vars", "env.credential_literal", "env.credential_from_secret", "image.ref", "image.pinned_digest", "image.registry_public":
			a.SetFact(f)
		}
	}
	return append([]*model.Asset{a}, s.heldKeys(an, id, "agent "+r.GetDisplayName(), src)...)
}
