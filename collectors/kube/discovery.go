package kube

import (
	"context"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	"github.com/aisight/aisight/collectors/fingerprint"
)

// servedResources maps "group/resource" to the preferred served version.
type servedResources map[string]schema.GroupVersionResource

// discover lists the served resources (aggregated discovery: two requests)
// and the server version, returning when ctx ends even though client-go's
// discovery takes no context (its requests are bounded by the REST
// config's timeout).
func discover(ctx context.Context, d discovery.DiscoveryInterface) (servedResources, string, error) {
	type result struct {
		served  servedResources
		version string
		err     error
	}
	done := make(chan result, 1)
	go func() {
		s, v, err := discoverNow(d)
		done <- result{s, v, err}
	}()
	select {
	case r := <-done:
		return r.served, r.version, r.err
	case <-ctx.Done():
		return nil, "", ctx.Err()
	}
}

// discoverNow does the discovery. A group whose discovery failed (an
// aggregated API that is down) is left out; everything else is used.
func discoverNow(d discovery.DiscoveryInterface) (servedResources, string, error) {
	_, lists, err := d.ServerGroupsAndResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		return nil, "", err
	}
	out := servedResources{}
	for _, l := range lists {
		gv, perr := schema.ParseGroupVersion(l.GroupVersion)
		if perr != nil {
			continue
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") {
				continue // a subresource (status, scale)
			}
			key := gv.Group + "/" + r.Name
			if _, dup := out[key]; !dup {
				out[key] = gv.WithResource(r.Name)
			}
		}
	}
	version := ""
	if v, verr := d.ServerVersion(); verr == nil {
		version = v.GitVersion
	}
	return out, version, nil
}

func (s servedResources) get(group, resource string) (schema.GroupVersionResource, bool) {
	gvr, ok := s[group+"/"+resource]
	return gvr, ok
}

// inGroup lists the served resources of a group (e.g. Gatekeeper constraints).
func (s servedResources) inGroup(group string) []schema.GroupVersionResource {
	var out []schema.GroupVersionResource
	for _, gvr := range s {
		if gvr.Group == group {
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
