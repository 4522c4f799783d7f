package kube

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/aisight/aisight/internal/detect/workload"
)

// listCustom lists the AI custom resources the cluster serves. Each is an
// AI workload by kind; containers of objects and pods it owns are added so
// the image, model and GPU facts reflect what actually runs.
func (p *pass) listCustom(ctx context.Context) {
	for _, r := range p.c.cat.ServingResources {
		gvr, ok := p.served.get(r.Group, r.Plural)
		if !ok {
			continue
		}
		p.listObjects(ctx, gvr, r.Kind, func(obj *unstructured.Unstructured) {
			w := workload.FromObject(obj.Object, p.c.cat)
			w.Containers = append(w.Containers, p.children[obj.GetUID()]...)
			key := workloadKey(obj.GetNamespace(), r.Kind, obj.GetName())
			p.found[key] = &found{key: key, w: w, podLabels: p.childPods[obj.GetUID()], uid: obj.GetUID(), seenPod: true}
		})
	}
}

// listObjects lists every object of a served custom resource, page by
// page, each with its kind and apiVersion set (a list's items may omit
// them). A list that fails is a problem of the scope, named by resource.
func (p *pass) listObjects(ctx context.Context, gvr schema.GroupVersionResource, kind string, each func(*unstructured.Unstructured)) {
	err := pages(ctx, p.c.opts.PageSize, p.dyn.Resource(gvr).List, func(l *unstructured.UnstructuredList) {
		for i := range l.Items {
			obj := &l.Items[i]
			if obj.GetKind() == "" {
				obj.SetKind(kind)
			}
			if obj.GetAPIVersion() == "" {
				obj.SetAPIVersion(gvr.GroupVersion().String())
			}
			each(obj)
		}
	})
	if err != nil && ctx.Err() == nil {
		problem(p.sink, gvr.Resource+"."+gvr.Group, err)
	}
}

// loadDRA maps each ResourceClaimTemplate to the GPU device classes it
// requests (DRA, resource.k8s.io), so pods claiming GPUs through DRA count.
func (p *pass) loadDRA(ctx context.Context) (map[string][]string, error) {
	out := map[string][]string{}
	gvr, ok := p.served.get("resource.k8s.io", "resourceclaimtemplates")
	if !ok {
		return out, nil
	}
	err := pages(ctx, p.c.opts.PageSize, p.dyn.Resource(gvr).List, func(l *unstructured.UnstructuredList) {
		for _, t := range l.Items {
			reqs, _, _ := unstructured.NestedSlice(t.Object, "spec", "spec", "devices", "requests")
			for _, r := range reqs {
				m := asObj(r)
				class, _, _ := unstructured.NestedString(m, "deviceClassName")
				if class == "" {
					class, _, _ = unstructured.NestedString(m, "exactly", "deviceClassName")
				}
				if p.c.cat.IsAcceleratorClass(class) {
					k := t.GetNamespace() + "/" + t.GetName()
					out[k] = append(out[k], class)
				}
			}
		}
	})
	return out, err
}
