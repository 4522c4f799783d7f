package kube

import (
	"context"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/aisight/aisight/internal/kubeapi"
)

// exposureIndex answers how a set of pods is reachable: Services selecting
// them, and Ingresses and Gateway API HTTPRoutes routing to those Services.
type exposureIndex struct {
	services map[string][]service // by namespace
	ingress  map[string][]string  // ns/service -> ingress names
	routes   map[string][]string  // ns/service -> httproute names
	// routesKnown is false when the cluster serves HTTPRoutes but they could
	// not be listed; exposure facts then leave routes out.
	routesKnown bool
}

type service struct {
	name, typ string
	selector  labels.Selector
}

// exposure is how one workload is reachable.
type exposure struct {
	services, types, ingresses, routes []string
}

// external reports reachability from outside the cluster network.
func (e exposure) external() bool {
	return slices.Contains(e.types, string(corev1.ServiceTypeLoadBalancer)) ||
		slices.Contains(e.types, string(corev1.ServiceTypeNodePort)) || len(e.ingresses) > 0 || len(e.routes) > 0
}

func (p *pass) loadExposure(ctx context.Context) (*exposureIndex, error) {
	x := &exposureIndex{services: map[string][]service{}, ingress: map[string][]string{}, routes: map[string][]string{}, routesKnown: true}
	size := p.c.opts.PageSize
	if err := pages(ctx, size, kubeapi.Lister[corev1.ServiceList](p.api, corev1.SchemeGroupVersion.WithResource("services")), func(l *corev1.ServiceList) {
		for _, s := range l.Items {
			if len(s.Spec.Selector) == 0 {
				continue // selects nothing by labels (ExternalName, manual endpoints)
			}
			x.services[s.Namespace] = append(x.services[s.Namespace], service{name: s.Name, typ: string(s.Spec.Type), selector: labels.SelectorFromSet(s.Spec.Selector)})
		}
	}); err != nil {
		return nil, err
	}
	if err := pages(ctx, size, kubeapi.Lister[networkingv1.IngressList](p.api, networkingv1.SchemeGroupVersion.WithResource("ingresses")), func(l *networkingv1.IngressList) {
		for _, ing := range l.Items {
			for _, svc := range ingressBackends(&ing) {
				k := ing.Namespace + "/" + svc
				x.ingress[k] = appendUnique(x.ingress[k], ing.Name)
			}
		}
	}); err != nil {
		return nil, err
	}
	if gvr, ok := p.served.get("gateway.networking.k8s.io", "httproutes"); ok {
		err := pages(ctx, size, p.dyn.Resource(gvr).List, func(l *unstructured.UnstructuredList) {
			for _, r := range l.Items {
				rules, _, _ := unstructured.NestedSlice(r.Object, "spec", "rules")
				for _, rule := range rules {
					refs, _, _ := unstructured.NestedSlice(asObj(rule), "backendRefs")
					for _, ref := range refs {
						m := asObj(ref)
						kind, _, _ := unstructured.NestedString(m, "kind")
						name, _, _ := unstructured.NestedString(m, "name")
						ns, _, _ := unstructured.NestedString(m, "namespace")
						if (kind != "" && kind != "Service") || name == "" {
							continue
						}
						if ns == "" {
							ns = r.GetNamespace()
						}
						x.routes[ns+"/"+name] = appendUnique(x.routes[ns+"/"+name], r.GetNamespace()+"/"+r.GetName())
					}
				}
			}
		})
		if err != nil {
			problem(p.sink, "httproutes", err)
			x.routesKnown = false
		}
	}
	return x, nil
}

func ingressBackends(ing *networkingv1.Ingress) []string {
	var out []string
	if b := ing.Spec.DefaultBackend; b != nil && b.Service != nil {
		out = append(out, b.Service.Name)
	}
	for _, r := range ing.Spec.Rules {
		if r.HTTP == nil {
			continue
		}
		for _, path := range r.HTTP.Paths {
			if path.Backend.Service != nil {
				out = append(out, path.Backend.Service.Name)
			}
		}
	}
	return out
}

func (x *exposureIndex) forPods(ns string, podLabels map[string]string) exposure {
	var e exposure
	set := labels.Set(podLabels)
	for _, s := range x.services[ns] {
		if !s.selector.Matches(set) {
			continue
		}
		e.services = append(e.services, s.name)
		e.types = appendUnique(e.types, s.typ)
		for _, ing := range x.ingress[ns+"/"+s.name] {
			e.ingresses = appendUnique(e.ingresses, ing)
		}
		for _, r := range x.routes[ns+"/"+s.name] {
			e.routes = appendUnique(e.routes, r)
		}
	}
	sort.Strings(e.types)
	sort.Strings(e.ingresses)
	sort.Strings(e.routes)
	return e
}

// netpolIndex holds the egress side of NetworkPolicies.
type netpolIndex struct {
	byNS map[string][]egressPolicy
}

type egressPolicy struct {
	name      string
	selector  labels.Selector
	selectAll bool
	// allowsAll is true when one of its egress rules has no "to" (any destination).
	allowsAll bool
}

func (p *pass) loadNetworkPolicies(ctx context.Context) (*netpolIndex, error) {
	x := &netpolIndex{byNS: map[string][]egressPolicy{}}
	err := pages(ctx, p.c.opts.PageSize, kubeapi.Lister[networkingv1.NetworkPolicyList](p.api, networkingv1.SchemeGroupVersion.WithResource("networkpolicies")), func(l *networkingv1.NetworkPolicyList) {
		for _, np := range l.Items {
			if !slices.Contains(np.Spec.PolicyTypes, networkingv1.PolicyTypeEgress) && len(np.Spec.Egress) == 0 {
				continue
			}
			sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
			if err != nil {
				continue
			}
			ep := egressPolicy{name: np.Name, selector: sel, selectAll: sel.Empty()}
			for _, r := range np.Spec.Egress {
				if len(r.To) == 0 {
					ep.allowsAll = true
				}
			}
			x.byNS[np.Namespace] = append(x.byNS[np.Namespace], ep)
		}
	})
	return x, err
}

// egressRestricted says whether egress of pods with these labels is limited
// to listed destinations: at least one egress policy selects them and none
// of those allows every destination. With unknown pod labels (nil) only a
// namespace-wide policy can answer; otherwise known is false.
func (x *netpolIndex) egressRestricted(ns string, podLabels map[string]string) (restricted, known bool) {
	selected, open := false, false
	for _, ep := range x.byNS[ns] {
		switch {
		case ep.selectAll:
		case podLabels == nil:
			continue
		case !ep.selector.Matches(labels.Set(podLabels)):
			continue
		}
		selected = true
		open = open || ep.allowsAll
	}
	if podLabels == nil && !selected {
		return false, false
	}
	return selected && !open, true
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func asObj(v any) map[string]any { m, _ := v.(map[string]any); return m }
