package kubeapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"

	"github.com/aisight/aisight/internal/kubeapi"
	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/testenv/kubeharness"
)

// cluster is the real etcd + kube-apiserver this package's tests share.
var cluster harness.Shared

func TestMain(m *testing.M) { cluster.Main(m, "aisight-kubeapi-") }

func server(t *testing.T) *apiserver.Server { return cluster.Get(t) }

// served renders resources as sorted "group/version/resource kind scope".
func served(rs []kubeapi.Resource) []string {
	var out []string
	for _, r := range rs {
		scope := "cluster"
		if r.Namespaced {
			scope = "namespaced"
		}
		out = append(out, fmt.Sprintf("%s/%s/%s %s %s", r.Group, r.Version, r.Resource, r.Kind, scope))
	}
	slices.Sort(out)
	return out
}

// The aggregated and the per-group documents of a real API server, with a
// CRD and an aggregated API that is down, give what client-go's discovery
// client reads from the same server: every served resource with its kind
// and scope, the group that failed left out and named.
func TestDiscoverAgreesWithClientGo(t *testing.T) {
	s := server(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	manifest := append(apiserver.CRDManifest(apiserver.CRD{Group: "serving.kserve.io", Version: "v1beta1", Kind: "InferenceService", Plural: "inferenceservices"},
		apiserver.CRD{Group: "serving.kserve.io", Version: "v1alpha1", Kind: "ClusterServingRuntime", Plural: "clusterservingruntimes", ClusterScoped: true}),
		[]byte(`apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1beta1.metrics.k8s.io}
spec:
  group: metrics.k8s.io
  version: v1beta1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service: {name: metrics-server, namespace: kube-system}
`)...)
	if err := s.Apply(ctx, manifest); err != nil {
		t.Fatal(err)
	}
	rc, err := kubeapi.NewRESTClient(s.AdminConfig())
	if err != nil {
		t.Fatal(err)
	}
	metrics := schema.GroupVersion{Group: "metrics.k8s.io", Version: "v1beta1"}
	// The aggregator marks the group stale once it has tried the service.
	var agg kubeapi.Served
	for deadline := time.Now().Add(30 * time.Second); ; {
		if agg, err = kubeapi.Discover(ctx, rc); err != nil {
			t.Fatal(err)
		}
		if slices.Contains(agg.Failed, metrics) || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !slices.Contains(agg.Failed, metrics) {
		t.Fatalf("aggregated discovery: %v failed, want %v among them", agg.Failed, metrics)
	}
	legacy, err := kubeapi.DiscoverLegacy(ctx, rc)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(legacy.Failed, metrics) {
		t.Errorf("per-group discovery: %v failed, want %v among them", legacy.Failed, metrics)
	}
	if !strings.HasPrefix(agg.Version, "v1.") || legacy.Version != agg.Version {
		t.Errorf("versions %q (aggregated) and %q (per group), want the server's v1.x", agg.Version, legacy.Version)
	}

	dc, err := discovery.NewDiscoveryClientForConfig(s.AdminConfig())
	if err != nil {
		t.Fatal(err)
	}
	_, lists, err := dc.ServerGroupsAndResources()
	if err != nil && !discovery.IsGroupDiscoveryFailedError(err) {
		t.Fatal(err)
	}
	var want []kubeapi.Resource
	for _, l := range lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion)
		for _, r := range l.APIResources {
			if !strings.Contains(r.Name, "/") {
				want = append(want, kubeapi.Resource{GroupVersionResource: gv.WithResource(r.Name), Kind: r.Kind, Namespaced: r.Namespaced})
			}
		}
	}
	w := served(want)
	for name, got := range map[string][]string{"aggregated": served(agg.Resources), "per group": served(legacy.Resources)} {
		if !slices.Equal(got, w) {
			t.Errorf("%s discovery differs from client-go's:\n got %d resources\nwant %d\nmissing: %v\nextra: %v", name, len(got), len(w), minus(w, got), minus(got, w))
		}
	}
	for _, k := range []schema.GroupVersionKind{
		{Group: "serving.kserve.io", Version: "v1beta1", Kind: "InferenceService"},
		{Group: "serving.kserve.io", Version: "v1alpha1", Kind: "ClusterServingRuntime"},
		{Version: "v1", Kind: "Pod"},
	} {
		r, ok := agg.Find(k)
		if !ok || r.Namespaced != (k.Kind != "ClusterServingRuntime") {
			t.Errorf("Find(%v) = %+v, %v", k, r, ok)
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}

// A typed list through a client of only the core group, in protobuf, page
// by page; a group the client was not made with is an error, not a panic.
func TestListerPages(t *testing.T) {
	s := server(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var manifest strings.Builder
	manifest.WriteString("apiVersion: v1\nkind: Namespace\nmetadata: {name: lister}\n")
	for i := range 7 {
		fmt.Fprintf(&manifest, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-%d, namespace: lister}\n", i)
	}
	if err := s.Apply(ctx, []byte(manifest.String())); err != nil {
		t.Fatal(err)
	}
	cfg := s.AdminConfig()
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	c, err := kubeapi.NewClient(cfg, corev1.AddToScheme)
	if err != nil {
		t.Fatal(err)
	}
	list := kubeapi.Lister[corev1.ConfigMapList](c, corev1.SchemeGroupVersion.WithResource("configmaps"))
	var names []string
	opts := metav1.ListOptions{Limit: 3}
	pages := 0
	for {
		l, err := list(ctx, opts)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, cm := range l.Items {
			if cm.Namespace == "lister" {
				names = append(names, cm.Name)
			}
		}
		if opts.Continue = l.Continue; opts.Continue == "" {
			break
		}
	}
	if len(names) != 7 || pages < 3 {
		t.Errorf("listed %v in %d pages, want cm-0..cm-6 in at least 3", names, pages)
	}
	other := kubeapi.Lister[corev1.ConfigMapList](c, schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"})
	if _, err := other(ctx, metav1.ListOptions{}); err == nil || !strings.Contains(err.Error(), "apps/v1") {
		t.Errorf("a group the client was not made with: err = %v", err)
	}
}

// A hostile or broken server cannot make discovery read without bound or
// accept a document it does not understand.
func TestDiscoverRefusesHostileDocuments(t *testing.T) {
	for name, body := range map[string]func(w http.ResponseWriter){
		"oversized": func(w http.ResponseWriter) {
			fmt.Fprint(w, `{"kind":"APIVersions","versions":["`)
			chunk := []byte(strings.Repeat("a", 1<<20))
			for range 65 {
				w.Write(chunk)
			}
			fmt.Fprint(w, `"]}`)
		},
		"unknown kind": func(w http.ResponseWriter) { fmt.Fprint(w, `{"kind":"Status"}`) },
		"not json":     func(w http.ResponseWriter) { fmt.Fprint(w, `<html>`) },
	} {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				body(w)
			}))
			defer ts.Close()
			rc, err := kubeapi.NewRESTClient(&rest.Config{Host: ts.URL, Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := kubeapi.Discover(context.Background(), rc); err == nil || !strings.Contains(err.Error(), "/api") {
				t.Errorf("Discover = %v, want an error naming /api", err)
			}
		})
	}
}

// A server without aggregated discovery that lists more group versions
// than any cluster serves is refused before a request per group is made,
// and names that are not group or version names never become paths.
func TestDiscoverBoundsPerGroupDiscovery(t *testing.T) {
	var requests []string
	var mu sync.Mutex
	groups := func(n int, name func(int) string) string {
		var b strings.Builder
		b.WriteString(`{"kind":"APIGroupList","groups":[`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"name":%q,"versions":[{"version":"v1"}],"preferredVersion":{"version":"v1"}}`, name(i))
		}
		b.WriteString(`]}`)
		return b.String()
	}
	for name, tc := range map[string]struct {
		apis    string
		wantErr string
		want    []string // requests beyond /api, /api/v1, /apis and /version
	}{
		"too many groups": {groups(5000, func(i int) string { return fmt.Sprintf("g%d.example.com", i) }), "group versions", nil},
		"hostile names": {groups(2, func(i int) string { return []string{"../../api/v1/secrets?x=", "ok.example.com"}[i] }), "",
			[]string{"/apis/ok.example.com/v1"}},
	} {
		t.Run(name, func(t *testing.T) {
			requests = nil
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				requests = append(requests, r.URL.Path)
				mu.Unlock()
				w.Header().Set("Content-Type", "application/json")
				switch r.URL.Path {
				case "/api":
					fmt.Fprint(w, `{"kind":"APIVersions","versions":["v1"]}`)
				case "/apis":
					fmt.Fprint(w, tc.apis)
				case "/version":
					fmt.Fprint(w, `{"gitVersion":"v1.29.0"}`)
				default:
					fmt.Fprint(w, `{"kind":"APIResourceList","resources":[{"name":"things","kind":"Thing","namespaced":true}]}`)
				}
			}))
			defer ts.Close()
			rc, err := kubeapi.NewRESTClient(&rest.Config{Host: ts.URL, Timeout: 10 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			_, err = kubeapi.Discover(context.Background(), rc)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Discover = %v, want an error about %s", err, tc.wantErr)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			var extra []string
			for _, r := range requests {
				if !slices.Contains([]string{"/api", "/api/v1", "/apis", "/version"}, r) {
					extra = append(extra, r)
				}
			}
			if !slices.Equal(extra, tc.want) {
				t.Errorf("requests beyond the documents: %v, want %v", extra, tc.want)
			}
		})
	}
}

// In an aggregated document too, a group, version or resource that is not
// a name the API server could serve is left out (the collector builds list
// paths from served resources).
func TestDiscoverDropsHostileAggregatedNames(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/api":
			fmt.Fprint(w, `{"kind":"APIGroupDiscoveryList","items":[{"metadata":{"name":""},"versions":[{"version":"v1","resources":[
				{"resource":"pods","scope":"Namespaced","responseKind":{"kind":"Pod"}},
				{"resource":"..","scope":"Namespaced","responseKind":{"kind":"X"}}]}]}]}`)
		case "/apis":
			fmt.Fprint(w, `{"kind":"APIGroupDiscoveryList","items":[
				{"metadata":{"name":"../api"},"versions":[{"version":"v1","resources":[{"resource":"secrets","scope":"Namespaced"}]}]},
				{"metadata":{"name":"constraints.gatekeeper.sh"},"versions":[{"version":"v1beta1?x=","resources":[{"resource":"k8srequiredlabels","scope":"Cluster"}]},
					{"version":"v1","resources":[{"resource":"k8sallowedrepos","scope":"Cluster","responseKind":{"kind":"K8sAllowedRepos"}},{"resource":"A%2F","scope":"Cluster"}]}]}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer ts.Close()
	rc, err := kubeapi.NewRESTClient(&rest.Config{Host: ts.URL, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	s, err := kubeapi.Discover(context.Background(), rc)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/v1/pods Pod namespaced", "constraints.gatekeeper.sh/v1/k8sallowedrepos K8sAllowedRepos cluster"}
	if got := served(s.Resources); !slices.Equal(got, want) {
		t.Errorf("served %v, want %v", got, want)
	}
}
