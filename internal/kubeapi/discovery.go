// Package kubeapi owns the Kubernetes API plumbing the cluster collector
// and the test API server share, written against client-go's REST client
// alone: discovery of the served resources and the server version, and a
// REST client over a scheme of only the API groups a caller reads.
//
// It exists so the binary does not link client-go's clientset or its
// discovery client: both import client-go's scheme of every built-in API
// group (about sixty), whose registration at start-up costs every run of
// aisight (a scan of a file tree included) about 24 MB of resident memory.
package kubeapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
)

// Discovery documents larger than this are refused: the largest real
// clusters' aggregated discovery is a few MiB.
const maxDiscoveryBytes = 64 << 20

// On a server without aggregated discovery, at most maxGroupVersions group
// versions are read (real clusters serve a few hundred), legacyAtOnce at a
// time: a server listing millions of groups is refused, not obeyed.
const (
	maxGroupVersions = 4096
	legacyAtOnce     = 16
)

// Accept headers: aggregated discovery (one document for all groups,
// Kubernetes 1.26+) preferred, the per-group documents otherwise.
const (
	acceptAggregated = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
	acceptDiscovery  = acceptAggregated + ",application/json"
)

// Resource is one served resource (never a subresource).
type Resource struct {
	schema.GroupVersionResource
	Kind       string
	Namespaced bool
}

// Served is what a cluster serves: its resources group by group, each
// group's versions in the server's order of preference, and the server's
// version ("" when /version could not be read).
type Served struct {
	Resources []Resource
	Version   string
	// Failed are the group versions whose discovery failed (an aggregated
	// API that is down): they are left out of Resources.
	Failed []schema.GroupVersion
}

// NewRESTClient is a REST client for absolute paths (discovery) on cfg's
// server, with the transport, rate limiter and timeout of cfg.
func NewRESTClient(cfg *rest.Config) (*rest.RESTClient, error) {
	c := rest.CopyConfig(cfg)
	c.NegotiatedSerializer = serializer.NewCodecFactory(runtime.NewScheme()).WithoutConversion()
	if c.UserAgent == "" {
		c.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	return rest.UnversionedRESTClientFor(c)
}

// Discover reads the served resources and the server version: three
// requests on a server with aggregated discovery (/api, /apis, /version),
// one more per group version on older servers. rc is any REST client of
// the server (paths are absolute).
func Discover(ctx context.Context, rc rest.Interface) (Served, error) {
	return discover(ctx, rc, acceptDiscovery)
}

// discover asks for the discovery documents with accept: the aggregated
// or per-group form.
func discover(ctx context.Context, rc rest.Interface, accept string) (Served, error) {
	var s Served
	core, err := get(ctx, rc, "/api", accept)
	if err != nil {
		return s, fmt.Errorf("discovery /api: %w", err)
	}
	groups, err := get(ctx, rc, "/apis", accept)
	if err != nil {
		return s, fmt.Errorf("discovery /apis: %w", err)
	}
	for _, doc := range []struct {
		path string
		body []byte
	}{{"/api", core}, {"/apis", groups}} {
		var kind struct{ Kind string }
		if err := json.Unmarshal(doc.body, &kind); err != nil {
			return s, fmt.Errorf("discovery %s: %w", doc.path, err)
		}
		switch kind.Kind {
		case "APIGroupDiscoveryList":
			err = s.addAggregated(doc.body)
		case "APIVersions":
			err = s.addLegacyCore(ctx, rc, doc.body)
		case "APIGroupList":
			err = s.addLegacyGroups(ctx, rc, doc.body)
		default:
			err = fmt.Errorf("unexpected document kind %q", kind.Kind)
		}
		if err != nil {
			return s, fmt.Errorf("discovery %s: %w", doc.path, err)
		}
	}
	if body, err := get(ctx, rc, "/version", "application/json"); err == nil {
		var v struct {
			GitVersion string `json:"gitVersion"`
		}
		if json.Unmarshal(body, &v) == nil {
			s.Version = v.GitVersion
		}
	}
	return s, nil
}

// Find returns the resource serving kind in group and version.
func (s Served) Find(gvk schema.GroupVersionKind) (Resource, bool) {
	for _, r := range s.Resources {
		if r.Group == gvk.Group && r.Version == gvk.Version && r.Kind == gvk.Kind {
			return r, true
		}
	}
	return Resource{}, false
}

func get(ctx context.Context, rc rest.Interface, path, accept string) ([]byte, error) {
	body, err := rc.Get().AbsPath(path).SetHeader("Accept", accept).Stream(ctx)
	if err != nil {
		return nil, err
	}
	defer body.Close()
	b, err := io.ReadAll(io.LimitReader(body, maxDiscoveryBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxDiscoveryBytes {
		return nil, fmt.Errorf("document larger than %d MiB", maxDiscoveryBytes>>20)
	}
	return b, nil
}

// aggregatedList is the part of apidiscovery.k8s.io/v2 APIGroupDiscoveryList
// discovery reads.
type aggregatedList struct {
	Items []struct {
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
		Versions []struct {
			Version   string `json:"version"`
			Freshness string `json:"freshness"`
			Resources []struct {
				Resource     string `json:"resource"`
				Scope        string `json:"scope"`
				ResponseKind *struct {
					Kind string `json:"kind"`
				} `json:"responseKind"`
			} `json:"resources"`
		} `json:"versions"`
	} `json:"items"`
}

func (s *Served) addAggregated(body []byte) error {
	var l aggregatedList
	if err := json.Unmarshal(body, &l); err != nil {
		return err
	}
	for _, g := range l.Items {
		for _, v := range g.Versions {
			gv := schema.GroupVersion{Group: g.Metadata.Name, Version: v.Version}
			if v.Freshness == "Stale" {
				s.Failed = append(s.Failed, gv)
				continue
			}
			for _, r := range v.Resources {
				kind := ""
				if r.ResponseKind != nil {
					kind = r.ResponseKind.Kind
				}
				s.add(gv, r.Resource, kind, r.Scope == "Namespaced")
			}
		}
	}
	return nil
}

// resourceList is the part of a meta/v1 APIResourceList discovery reads.
type resourceList struct {
	Resources []struct {
		Name       string `json:"name"`
		Kind       string `json:"kind"`
		Namespaced bool   `json:"namespaced"`
	} `json:"resources"`
}

func (s *Served) addLegacyCore(ctx context.Context, rc rest.Interface, body []byte) error {
	var v struct {
		Versions []string `json:"versions"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	gvs := make([]schema.GroupVersion, len(v.Versions))
	for i, ver := range v.Versions {
		gvs[i] = schema.GroupVersion{Version: ver}
	}
	return s.addLegacy(ctx, rc, gvs)
}

// validName reports whether a group or version name from a discovery
// document is one (lower-case DNS labels): paths are built from them.
func validName(n string) bool {
	for _, c := range n {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return !strings.Contains(n, "..")
}

func (s *Served) addLegacyGroups(ctx context.Context, rc rest.Interface, body []byte) error {
	var l struct {
		Groups []struct {
			Name     string `json:"name"`
			Versions []struct {
				Version string `json:"version"`
			} `json:"versions"`
			Preferred struct {
				Version string `json:"version"`
			} `json:"preferredVersion"`
		} `json:"groups"`
	}
	if err := json.Unmarshal(body, &l); err != nil {
		return err
	}
	var gvs []schema.GroupVersion
	for _, g := range l.Groups {
		if !validName(g.Name) {
			continue // not a group name: no request is built from it
		}
		// The preferred version first, then the others in the server's order.
		if g.Preferred.Version != "" {
			gvs = append(gvs, schema.GroupVersion{Group: g.Name, Version: g.Preferred.Version})
		}
		for _, v := range g.Versions {
			if v.Version != g.Preferred.Version {
				gvs = append(gvs, schema.GroupVersion{Group: g.Name, Version: v.Version})
			}
		}
	}
	return s.addLegacy(ctx, rc, gvs)
}

// addLegacy reads each group version's resource list (legacyAtOnce at a
// time); a group version that cannot be read is Failed, the
// others are used. When every one fails, that is the error.
func (s *Served) addLegacy(ctx context.Context, rc rest.Interface, gvs []schema.GroupVersion) error {
	if len(gvs) > maxGroupVersions {
		return fmt.Errorf("%d group versions listed, more than the %d read", len(gvs), maxGroupVersions)
	}
	lists := make([]resourceList, len(gvs))
	errs := make([]error, len(gvs))
	var wg sync.WaitGroup
	slots := make(chan struct{}, legacyAtOnce)
	for i, gv := range gvs {
		if gv.Version == "" || !validName(gv.Version) {
			errs[i] = fmt.Errorf("%q: not a version name", gv.Version)
			continue
		}
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			path := "/apis/" + gv.Group + "/" + gv.Version
			if gv.Group == "" {
				path = "/api/" + gv.Version
			}
			body, err := get(ctx, rc, path, "application/json")
			if err == nil {
				err = json.Unmarshal(body, &lists[i])
			}
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", path, err)
			}
		})
	}
	wg.Wait()
	failed := 0
	for i, gv := range gvs {
		if errs[i] != nil {
			s.Failed = append(s.Failed, gv)
			failed++
			continue
		}
		for _, r := range lists[i].Resources {
			s.add(gv, r.Name, r.Kind, r.Namespaced)
		}
	}
	if failed > 0 && failed == len(gvs) {
		return errors.Join(errs...)
	}
	return nil
}

func (s *Served) add(gv schema.GroupVersion, resource, kind string, namespaced bool) {
	if resource == "" || strings.Contains(resource, "/") {
		return // a subresource (status, scale)
	}
	if !validName(gv.Group) || !validName(gv.Version) || !validName(resource) {
		return // not a name the API server would serve: never a path
	}
	s.Resources = append(s.Resources, Resource{GroupVersionResource: gv.WithResource(resource), Kind: kind, Namespaced: namespaced})
}
