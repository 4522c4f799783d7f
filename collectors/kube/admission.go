package kube

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/aisight/aisight/internal/kubeapi"
	"github.com/aisight/aisight/model"
)

// admission collects what the cluster's enforcing admission policies require.
type admission struct {
	labels, signatures, pinned bool
	policies                   []string
	// incomplete is set when a policy source the cluster serves could not be
	// read: a requirement not seen is then unknown, not false.
	incomplete bool
}

// admissionFacts reports cluster facts about admission policies: Kyverno
// (ClusterPolicy, Policy), Gatekeeper constraints, ValidatingAdmissionPolicy
// with a Deny binding, and sigstore policy-controller ClusterImagePolicies.
// Only enforcing policies count; audit-only ones are listed but do not.
func (p *pass) admissionFacts(ctx context.Context) {
	var a admission
	p.validatingPolicies(ctx, &a)
	p.kyvernoPolicies(ctx, &a)
	p.gatekeeperConstraints(ctx, &a)
	if gvr, ok := p.served.get("policy.sigstore.dev", "clusterimagepolicies"); ok {
		err := pages(ctx, p.c.opts.PageSize, p.dyn.Resource(gvr).List, func(l *unstructured.UnstructuredList) {
			for _, it := range l.Items {
				a.signatures = true
				a.policies = append(a.policies, "sigstore:"+it.GetName())
			}
		})
		if err != nil {
			problem(p.sink, "clusterimagepolicies", err)
			a.incomplete = true
		}
	}
	src := "admission policies"
	for _, f := range []struct {
		key string
		v   bool
	}{{"admission.requires_labels", a.labels}, {"admission.verifies_image_signatures", a.signatures}, {"admission.requires_pinned_images", a.pinned}} {
		if f.v || !a.incomplete {
			p.sink.ScopeFact(model.Bool(f.key, f.v, model.Observed, src))
		}
	}
	sort.Strings(a.policies)
	p.sink.ScopeFact(model.Strings("admission.policies", a.policies, model.Observed, src))
}

func (p *pass) validatingPolicies(ctx context.Context, a *admission) {
	if _, ok := p.served.get("admissionregistration.k8s.io", "validatingadmissionpolicies"); !ok {
		return
	}
	denying := map[string]bool{}
	err := pages(ctx, p.c.opts.PageSize, kubeapi.Lister[admissionv1.ValidatingAdmissionPolicyBindingList](p.api, admissionv1.SchemeGroupVersion.WithResource("validatingadmissionpolicybindings")), func(l *admissionv1.ValidatingAdmissionPolicyBindingList) {
		for _, b := range l.Items {
			if slices.Contains(b.Spec.ValidationActions, admissionv1.Deny) {
				denying[b.Spec.PolicyName] = true
			}
		}
	})
	if err == nil {
		err = pages(ctx, p.c.opts.PageSize, kubeapi.Lister[admissionv1.ValidatingAdmissionPolicyList](p.api, admissionv1.SchemeGroupVersion.WithResource("validatingadmissionpolicies")), func(l *admissionv1.ValidatingAdmissionPolicyList) {
			for _, vap := range l.Items {
				if !denying[vap.Name] {
					continue
				}
				var text strings.Builder
				for _, v := range vap.Spec.Validations {
					text.WriteString(v.Expression + "\n")
				}
				if p.classify(a, text.String(), false) {
					a.policies = append(a.policies, "vap:"+vap.Name)
				}
			}
		})
	}
	if err != nil {
		problem(p.sink, "validatingadmissionpolicies", err)
		a.incomplete = true
	}
}

func (p *pass) kyvernoPolicies(ctx context.Context, a *admission) {
	for _, res := range []string{"clusterpolicies", "policies"} {
		gvr, ok := p.served.get("kyverno.io", res)
		if !ok {
			continue
		}
		err := pages(ctx, p.c.opts.PageSize, p.dyn.Resource(gvr).List, func(l *unstructured.UnstructuredList) {
			for _, pol := range l.Items {
				action, _, _ := unstructured.NestedString(pol.Object, "spec", "validationFailureAction")
				rules, _, _ := unstructured.NestedSlice(pol.Object, "spec", "rules")
				matched := false
				for _, r := range rules {
					rm := asObj(r)
					ruleAction, _, _ := unstructured.NestedString(rm, "validate", "failureAction")
					enforce := strings.EqualFold(action, "enforce") || strings.EqualFold(ruleAction, "enforce")
					if vi, _, _ := unstructured.NestedSlice(rm, "verifyImages"); len(vi) > 0 {
						// verifyImages enforces unless its own failureAction says Audit.
						viAudit := false
						for _, v := range vi {
							if fa, _, _ := unstructured.NestedString(asObj(v), "failureAction"); strings.EqualFold(fa, "audit") {
								viAudit = true
							}
							if d, found, _ := unstructured.NestedBool(asObj(v), "verifyDigest"); found && d && !viAudit {
								a.pinned = true
							}
						}
						if !viAudit && (enforce || action == "") {
							a.signatures, matched = true, true
						}
					}
					if v, ok := rm["validate"]; ok && enforce {
						b, _ := json.Marshal(v)
						matched = p.classify(a, string(b), true) || matched
					}
				}
				if matched {
					ns := pol.GetNamespace()
					if ns != "" {
						ns += "/"
					}
					a.policies = append(a.policies, "kyverno:"+ns+pol.GetName())
				}
			}
		})
		if err != nil {
			problem(p.sink, "kyverno "+res, err)
			a.incomplete = true
		}
	}
}

func (p *pass) gatekeeperConstraints(ctx context.Context, a *admission) {
	for _, gvr := range p.served.inGroup("constraints.gatekeeper.sh") {
		err := pages(ctx, p.c.opts.PageSize, p.dyn.Resource(gvr).List, func(l *unstructured.UnstructuredList) {
			for _, c := range l.Items {
				action, _, _ := unstructured.NestedString(c.Object, "spec", "enforcementAction")
				if action != "" && action != "deny" {
					continue
				}
				matched := true
				switch gvr.Resource {
				case "k8srequiredlabels":
					a.labels = true
				case "k8simagedigests":
					a.pinned = true
				default:
					matched = false
				}
				if matched {
					a.policies = append(a.policies, "gatekeeper:"+gvr.Resource+"/"+c.GetName())
				}
			}
		})
		if err != nil {
			problem(p.sink, "gatekeeper "+gvr.Resource, err)
			a.incomplete = true
		}
	}
}

// classify reads a policy's validation text: a required label, a digest pin.
func (p *pass) classify(a *admission, text string, kyverno bool) bool {
	matched := false
	if strings.Contains(text, "metadata.labels") || (kyverno && strings.Contains(text, `"labels"`)) {
		a.labels, matched = true, true
	}
	if strings.Contains(text, "@sha256") || strings.Contains(text, "sha256:") || (kyverno && strings.Contains(text, `@*`)) {
		a.pinned, matched = true, true
	}
	return matched
}
