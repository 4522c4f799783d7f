package kube

import (
	"context"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/kubeapi"
)

// servedResources maps "group/resource" to the preferred served version.
type servedResources map[string]schema.GroupVersionResource

// discover lists the served resources (aggregated discovery: two requests)
// and the server version. A group version whose discovery failed (an
// aggregated API that is down) is left out; everything else is used.
func discover(ctx context.Context, rc rest.Interface) (servedResources, string, error) {
	served, err := kubeapi.Discover(ctx, rc)
	if err != nil {
		return nil, "", err
	}
	out := servedResources{}
	for _, r := range served.Resources {
		key := r.Group + "/" + r.Resource
		if _, dup := out[key]; !dup {
			out[key] = r.GroupVersionResource
		}
		if kk := kindKey(r.Group, r.Kind); r.Kind != "" && !strings.Contains(r.Resource, "/") {
			if _, dup := out[kk]; !dup {
				out[kk] = r.GroupVersionResource
			}
		}
	}
	return out, served.Version, nil
}

// kindKey is the key of a served kind (beside group/resource keys).
func kindKey(group, kind string) string { return "kind:" + group + "/" + kind }

// byKind returns the served resource of a group's kind.
func (s servedResources) byKind(group, kind string) (schema.GroupVersionResource, bool) {
	gvr, ok := s[kindKey(group, kind)]
	return gvr, ok
}

func (s servedResources) get(group, resource string) (schema.GroupVersionResource, bool) {
	gvr, ok := s[group+"/"+resource]
	return gvr, ok
}

// inGroup lists the served resources of a group (e.g. Gatekeeper constraints).
func (s servedResources) inGroup(group string) []schema.GroupVersionResource {
	var out []schema.GroupVersionResource
	for k, gvr := range s {
		if gvr.Group == group && !strings.HasPrefix(k, "kind:") {
			out = append(out, gvr)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Resource < out[j].Resource })
	return out
}

// aiKinds names the catalog's serving custom resources this cluster serves.
func (s servedResources) aiKinds(cat *fingerprint.Catalog) []string {
	var out []string
	for _, r := range cat.ServingResources {
		if _, ok := s.get(r.Group, r.Plural); ok {
			out = append(out, r.Kind+"."+r.Group)
		}
	}
	return out
}
