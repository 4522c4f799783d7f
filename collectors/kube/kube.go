// Package kube is the Kubernetes collector: it inventories self-hosted AI
// workloads in every cluster of a kubeconfig (or the cluster it runs in),
// with the identity, exposure, network and supply-chain facts the scorer
// needs. It only ever calls get, list and watch (deploy/kubernetes ships the
// ClusterRole), never reads Secrets, and streams pods page by page so memory
// stays flat in cluster size.
//
// It reads typed objects and discovers through internal/kubeapi, never
// client-go's clientset or discovery client: those register every built-in
// API group at start-up, which every run of the binary would pay for.
//
// Which serving custom resources it lists, and the rules of the shipped
// ClusterRole, come from the detection catalog (internal/detect/fingerprint).
//
// Files: options.go (flags, validation, enablement), kube.go (scopes, error
// classes), config.go (kubeconfig contexts, in-cluster config, request
// counting), pass.go (the per-cluster pass and its indexes), discovery.go,
// podspec.go (typed pod templates to workload.Workload), workloads.go
// (controllers, pods, owner reduction), custom.go (the catalog's serving
// resources, DRA claim templates), rbac.go, identity.go (service accounts),
// exposure.go (Services, Ingresses, HTTPRoutes, NetworkPolicies),
// admission.go (cluster admission policies), asset.go (assets and facts),
// clusterrole.go (the generated ClusterRole; clusterrolegen/ prints it).
package kube

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/iac"
	"github.com/aisight/aisight/model"
)

// Name is the collector's name in runs, scopes and evidence.
const Name = "kubernetes"

// DefaultPageSize is how many objects one list request asks for.
const DefaultPageSize = 500

// Options configure the collector.
type Options struct {
	// Kubeconfig is the kubeconfig path; empty uses $KUBECONFIG or ~/.kube/config.
	Kubeconfig string
	// IaC is the infrastructure-as-code catalog whose cloud-controller kinds
	// are listed (default: the embedded one).
	IaC *iac.Catalog
	// KubeconfigPaths, when set, replace $KUBECONFIG and ~/.kube/config
	// of the process (they come from collectors.Env).
	KubeconfigPaths []string
	// Contexts limits the scan to these contexts; empty scans every context.
	Contexts []string
	// InCluster uses the pod's service account instead of a kubeconfig.
	InCluster bool
	// ClusterName names the in-cluster scope (default "in-cluster").
	ClusterName string
	// PageSize is the list page size (default 500).
	PageSize int64
	// QPS and Burst bound request rates per cluster (defaults 50 and 100).
	QPS   float32
	Burst int
	// RequestTimeout bounds each API request, connection included (default 30s).
	RequestTimeout time.Duration
	// Logger receives debug detail; nil discards.
	Logger *slog.Logger
	// Secret registers the kubeconfig's credentials (bearer tokens, token
	// files, passwords) with the output wall; nil registers nothing.
	Secret func(string)
}

// Collector implements collectors.Collector for Kubernetes clusters.
type Collector struct {
	opts     Options
	cat      *fingerprint.Catalog
	iac      *iac.Catalog
	clusters map[string]cluster // by scope ID
	order    []model.Scope
}

// New loads the kubeconfig (or in-cluster config) and prepares one scope per
// selected context. A context that does not exist is an error naming the
// contexts that do.
func New(o Options, cat *fingerprint.Catalog) (*Collector, error) {
	if o.PageSize <= 0 {
		o.PageSize = DefaultPageSize
	}
	if o.QPS <= 0 {
		o.QPS = 50
	}
	if o.Burst <= 0 {
		o.Burst = 100
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 30 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	cs, err := loadClusters(o)
	if err != nil {
		return nil, err
	}
	if o.IaC == nil {
		if o.IaC, err = iac.Load(); err != nil {
			return nil, err
		}
	}
	c := &Collector{opts: o, cat: cat, iac: o.IaC, clusters: map[string]cluster{}}
	for _, cl := range cs {
		s := model.Scope{ID: "kubernetes:" + cl.name, Provider: Name, Kind: "cluster", Name: cl.name, Account: hostOf(cl.config.Host)}
		c.clusters[s.ID] = cl
		c.order = append(c.order, s)
	}
	return c, nil
}

// Name implements collectors.Collector.
func (c *Collector) Name() string { return Name }

// ScopesAtOnce implements collectors.ScopesAtOnce: clusters are separate
// servers, and a cluster's scope holds one page of objects (PageSize) at a
// time plus the AI workloads it keeps, so an organisation's clusters are
// listed at once (5 clusters of 20,000 pods: docs/benchmarks.md).
func (c *Collector) ScopesAtOnce() int { return 16 }

// Scopes returns one scope per cluster.
func (c *Collector) Scopes(context.Context) ([]model.Scope, error) { return c.order, nil }

// Collect inventories one cluster.
func (c *Collector) Collect(ctx context.Context, scope model.Scope, sink collectors.Sink) error {
	cl, ok := c.clusters[scope.ID]
	if !ok {
		return collectors.Classedf(model.ErrInvalidConfig, "unknown scope %s", scope.ID)
	}
	p, err := c.newPass(ctx, cl, scope, sink)
	if err != nil {
		return err
	}
	return p.run(ctx)
}

// ClassifyError maps Kubernetes API errors to error classes.
func (c *Collector) ClassifyError(err error) model.ErrorClass {
	return classify(err)
}

func classify(err error) model.ErrorClass {
	var ue *url.Error
	switch {
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		return model.ErrDenied
	case apierrors.IsTooManyRequests(err):
		return model.ErrThrottled
	case apierrors.IsNotFound(err):
		return model.ErrNotEnabled
	case apierrors.IsServiceUnavailable(err), apierrors.IsServerTimeout(err), apierrors.IsTimeout(err), apierrors.IsInternalError(err):
		return model.ErrUnavailable
	case errors.As(err, &ue): // the server could not be reached or answered garbage
		return model.ErrUnavailable
	}
	return model.ErrNone
}

// problem reports a non-fatal failure to list one resource type.
func problem(sink collectors.Sink, what string, err error) {
	sink.Problem(collectors.Classed(classify(err), fmt.Errorf("list %s: %w", what, err)))
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}
