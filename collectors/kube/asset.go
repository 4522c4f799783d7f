package kube

import (
	"strings"

	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/model"
)

// keyAssets are the literal credentials a workload's env holds, as api_key
// assets by fingerprint (the value itself was dropped when read), so a key
// written into a pod spec is reported like one written into a file, and can
// be linked to the live key of a SaaS organisation.
func (p *pass) keyAssets(f *found, workloadID string) []model.Asset {
	w := f.w
	an := workload.Analyze(w, p.c.cat)
	src := "k8s:" + w.Namespace + "/" + strings.ToLower(w.Kind) + "/" + w.Name
	var out []model.Asset
	for _, k := range an.Keys {
		out = append(out, k.Asset(workload.Holder{ID: workloadID, Scope: p.scope.ID, What: w.Kind + " " + w.Namespace + "/" + w.Name,
			Source: src, FileClass: "workload_spec"}))
	}
	return out
}

// asset builds the inference_workload asset of one AI workload with every
// fact the cluster could answer; a fact whose source could not be read is
// left out (unknown), never defaulted.
func (p *pass) asset(f *found) model.Asset {
	w := f.w
	an := workload.Analyze(w, p.c.cat)
	src := "k8s:" + w.Namespace + "/" + strings.ToLower(w.Kind) + "/" + w.Name
	a := model.Asset{
		ID: p.assetID(w.Namespace, w.Kind, w.Name), Provider: Name, Scope: p.scope.ID,
		Kind: model.KindInferenceWorkload, DeploymentType: model.SelfHosted,
		Name: w.Name, Tags: w.Labels, Owner: workload.Owner(w.Labels), Model: an.ModelRef(),
		Facts: []model.Fact{
			model.String("workload.kind", w.Kind, model.Observed, src),
			model.String("workload.namespace", w.Namespace, model.Observed, src),
		},
	}
	a.Facts = append(a.Facts, an.Facts(w, src)...)
	if w.Namespace == "" { // cluster-scoped (ClusterServingRuntime): no pods, no identity
		return a
	}
	p.identityFacts(&a, w, src)
	if p.psa != nil {
		a.Facts = append(a.Facts, model.String("namespace.pod_security", p.psa[w.Namespace], model.Observed, "namespace label "+labelPSAEnforce))
	}
	if p.exposure != nil && f.podLabels != nil {
		e := p.exposure.forPods(w.Namespace, f.podLabels)
		a.Facts = append(a.Facts,
			model.Strings("exposure.services", e.services, model.Observed, src),
			model.Strings("exposure.service_types", e.types, model.Observed, src),
			model.Strings("exposure.ingresses", e.ingresses, model.Observed, src))
		if p.exposure.routesKnown {
			a.Facts = append(a.Facts, model.Strings("exposure.http_routes", e.routes, model.Observed, src),
				model.Bool("exposure.external", e.external(), model.Observed, src))
		} else if e.external() {
			a.Facts = append(a.Facts, model.Bool("exposure.external", true, model.Observed, src))
		}
	}
	if p.netpols != nil {
		if restricted, known := p.netpols.egressRestricted(w.Namespace, f.podLabels); known {
			conf := model.Observed
			if f.podLabels == nil {
				conf = model.Inferred // only namespace-wide policies could be judged
			}
			a.Facts = append(a.Facts, model.Bool("network.egress_restricted", restricted, conf, "networkpolicies in "+w.Namespace))
		}
	}
	return a
}

// identityFacts: the service account, whether it is dedicated, whether its
// token is mounted, its RBAC and its cloud workload identity bindings.
func (p *pass) identityFacts(a *model.Asset, w workload.Workload, src string) {
	sa := w.ServiceAccount
	if sa == "" {
		sa = "default" // the API server's default for a pod that names none
	}
	a.Identity = p.assetID(w.Namespace, "ServiceAccount", sa)
	a.Relations = append(a.Relations, model.Relation{Type: "runs_as", Target: a.Identity})
	a.Facts = append(a.Facts,
		model.String("identity.service_account", sa, model.Observed, src),
		model.Bool("identity.default", sa == "default", model.Observed, src))
	var info saInfo
	known := p.sas != nil
	if known {
		info = p.sas[w.Namespace+"/"+sa]
	}
	switch {
	case w.AutomountToken != nil:
		a.Facts = append(a.Facts, model.Bool("identity.automount_token", *w.AutomountToken, model.Observed, src))
	case known && info.automount != nil:
		a.Facts = append(a.Facts, model.Bool("identity.automount_token", *info.automount, model.Observed, "serviceaccount "+sa))
	case known:
		a.Facts = append(a.Facts, model.Bool("identity.automount_token", true, model.Observed, "Kubernetes default"))
	}
	if known {
		a.Facts = append(a.Facts, model.Strings("identity.cloud_bindings", info.cloud, model.Declared, "serviceaccount "+sa+" annotations"))
		for _, b := range info.cloud {
			a.Relations = append(a.Relations, model.Relation{Type: "assumes", Target: b})
		}
	}
	if p.rbac != nil {
		pr := p.rbac.forServiceAccount(w.Namespace, sa)
		rsrc := "rbac bindings of " + w.Namespace + "/" + sa
		a.Facts = append(a.Facts,
			model.Bool("rbac.cluster_admin", pr.clusterAdmin, model.Observed, rsrc),
			model.Bool("rbac.wildcard_verbs", pr.wildcardVerbs, model.Observed, rsrc),
			model.Bool("rbac.secrets_read", pr.secretsRead, model.Observed, rsrc),
			model.Strings("rbac.roles", pr.roles, model.Observed, rsrc))
	}
}
