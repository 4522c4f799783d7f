package kubeapi

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"

	"github.com/aisight/aisight/internal/redact"
)

// Client reads typed objects of the API groups it was made with, one REST
// client per group version sharing one connection pool and one rate
// limiter (as client-go's clientset shares them across its groups).
type Client struct {
	params runtime.ParameterCodec
	byGV   map[schema.GroupVersion]*rest.RESTClient
	any    *rest.RESTClient
}

// NewClient makes a client for the group versions the add functions
// register (e.g. corev1.AddToScheme). cfg's content type (JSON or
// protobuf), QPS, burst and timeout apply to every request.
func NewClient(cfg *rest.Config, add ...func(*runtime.Scheme) error) (*Client, error) {
	s := runtime.NewScheme()
	for _, f := range add {
		if err := f(s); err != nil {
			return nil, err
		}
	}
	metav1.AddToGroupVersion(s, schema.GroupVersion{Version: "v1"})
	codecs := serializer.NewCodecFactory(s)
	base := rest.CopyConfig(cfg)
	if base.UserAgent == "" {
		base.UserAgent = rest.DefaultKubernetesUserAgent()
	}
	if base.RateLimiter == nil && base.QPS > 0 {
		burst := base.Burst
		if burst <= 0 {
			burst = rest.DefaultBurst
		}
		base.RateLimiter = flowcontrol.NewTokenBucketRateLimiter(base.QPS, burst)
	}
	base.NegotiatedSerializer = codecs.WithoutConversion()
	hc, err := rest.HTTPClientFor(base)
	if err != nil {
		return nil, err
	}
	// client-go sets the bearer token again on a redirected request (its
	// round tripper sees every request): never to another host.
	hc.CheckRedirect = redact.CheckRedirect
	c := &Client{params: runtime.NewParameterCodec(s), byGV: map[schema.GroupVersion]*rest.RESTClient{}}
	for _, gv := range s.PrioritizedVersionsAllGroups() { // versioned only
		gcfg := rest.CopyConfig(base)
		gcfg.GroupVersion = &gv
		gcfg.APIPath = "/apis"
		if gv.Group == "" {
			gcfg.APIPath = "/api"
		}
		rc, err := rest.RESTClientForConfigAndClient(gcfg, hc)
		if err != nil {
			return nil, err
		}
		c.byGV[gv] = rc
		if c.any == nil || gv.Group == "" {
			c.any = rc
		}
	}
	if c.any == nil {
		return nil, fmt.Errorf("kubeapi: no API group registered")
	}
	return c, nil
}

// REST is a REST client of the server (for discovery and other absolute
// paths).
func (c *Client) REST() rest.Interface { return c.any }

// Lister lists resource in every namespace (or the cluster-scoped
// resource) of gvr's group version, which the client must have been made
// with, one page per call of the returned function.
func Lister[T any, L interface {
	*T
	runtime.Object
}](c *Client, gvr schema.GroupVersionResource) func(context.Context, metav1.ListOptions) (L, error) {
	rc := c.byGV[gvr.GroupVersion()]
	return func(ctx context.Context, opts metav1.ListOptions) (L, error) {
		l := L(new(T))
		if rc == nil {
			return l, fmt.Errorf("kubeapi: %s is not a group version of this client", gvr.GroupVersion())
		}
		err := rc.Get().Resource(gvr.Resource).VersionedParams(&opts, c.params).Do(ctx).Into(l)
		return l, err
	}
}
