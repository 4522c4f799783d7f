package kube

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/internal/kubeapi"
	"github.com/aisight/aisight/model"
)

// pass is one collection of one cluster. Indexes that could not be read are
// nil, and the facts that need them are left out (unknown), never guessed.
type pass struct {
	c       *Collector
	scope   model.Scope
	sink    collectors.Sink
	cluster string
	api     *kubeapi.Client
	dyn     dynamic.Interface
	calls   atomic.Int64
	served  servedResources

	rbac      *rbacIndex
	sas       map[string]saInfo // ns/name; nil when unreadable
	psa       map[string]string // namespace -> enforce level; nil when unreadable
	exposure  *exposureIndex
	netpols   *netpolIndex
	draGPU    map[string][]string // ns/template -> GPU device classes
	rsOwner   map[string]string   // ns/replicaset -> top-level key
	jobOwner  map[string]string   // ns/job -> top-level key
	found     map[string]*found   // top-level key -> AI workload
	children  map[types.UID][]workload.Container
	childPods map[types.UID]map[string]string // owner UID -> labels of one pod

	workloadLists int     // workload listings (controllers, pods) that succeeded
	workloadErrs  []error // and those that failed
}

// found is an AI workload awaiting its pods' running image IDs.
type found struct {
	key       string
	w         workload.Workload
	podLabels map[string]string // labels its pods carry (nil: unknown)
	uid       types.UID
	seenPod   bool
}

func (c *Collector) newPass(ctx context.Context, cl cluster, scope model.Scope, sink collectors.Sink) (*pass, error) {
	p := &pass{c: c, scope: scope, sink: sink, cluster: cl.name,
		rsOwner: map[string]string{}, jobOwner: map[string]string{}, found: map[string]*found{},
		children: map[types.UID][]workload.Container{}, childPods: map[types.UID]map[string]string{}}
	cfg := withCounter(cl.config, &p.calls)
	pcfg := *cfg
	pcfg.ContentType = "application/vnd.kubernetes.protobuf"
	pcfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	api, err := kubeapi.NewClient(&pcfg, corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme,
		rbacv1.AddToScheme, networkingv1.AddToScheme, admissionv1.AddToScheme)
	if err != nil {
		return nil, collectors.Classed(model.ErrInvalidConfig, err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, collectors.Classed(model.ErrInvalidConfig, err)
	}
	p.api, p.dyn = api, dyn
	return p, nil
}

func (p *pass) run(ctx context.Context) error {
	defer func() { p.sink.Count("api_calls", p.calls.Load()) }()
	served, version, err := discover(ctx, p.api.REST())
	if err != nil {
		return fmt.Errorf("discover API resources of %s: %w", p.cluster, err)
	}
	p.served = served
	if version != "" {
		p.sink.ScopeFact(model.String("cluster.version", version, model.Observed, "discovery /version"))
	}
	p.sink.ScopeFact(model.Strings("cluster.ai_resources", served.aiKinds(p.c.cat), model.Observed, "discovery"))
	p.loadIndexes(ctx)
	p.admissionFacts(ctx)
	if err := p.listControllers(ctx); err != nil {
		return err
	}
	if err := p.listPods(ctx); err != nil {
		return err
	}
	if p.workloadLists == 0 {
		// Nothing could be listed: the cluster was not scanned at all.
		return collectors.Join(classify, p.workloadErrs...)
	}
	p.listCustom(ctx)
	p.listCloudControllers(ctx)
	keys := make([]string, 0, len(p.found))
	for k := range p.found {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		a := p.asset(p.found[k])
		for _, key := range p.keyAssets(p.found[k], a.ID) {
			a.Relations = append(a.Relations, model.Relation{Type: "holds_key", Target: key.ID})
			p.sink.Asset(key)
		}
		p.sink.Asset(a)
	}
	p.sink.Count("ai_workloads", int64(len(keys)))
	return nil
}

// loadIndexes reads what facts about workloads need: RBAC, service accounts,
// namespaces, exposure, network policies, DRA claim templates.
func (p *pass) loadIndexes(ctx context.Context) {
	var err error
	if p.rbac, err = p.loadRBAC(ctx); err != nil {
		problem(p.sink, "rbac", err)
		p.rbac = nil
	}
	if p.sas, err = p.loadServiceAccounts(ctx); err != nil {
		problem(p.sink, "serviceaccounts", err)
		p.sas = nil
	}
	if p.psa, err = p.loadNamespaces(ctx); err != nil {
		problem(p.sink, "namespaces", err)
		p.psa = nil
	}
	if p.exposure, err = p.loadExposure(ctx); err != nil {
		problem(p.sink, "services, ingresses or httproutes", err)
		p.exposure = nil
	}
	if p.netpols, err = p.loadNetworkPolicies(ctx); err != nil {
		problem(p.sink, "networkpolicies", err)
		p.netpols = nil
	}
	if p.draGPU, err = p.loadDRA(ctx); err != nil {
		problem(p.sink, "resourceclaimtemplates", err)
		p.draGPU = nil
	}
}

// draClasses returns the GPU device classes a claim template requests.
func (p *pass) draClasses(ns, tmpl string) []string {
	if p.draGPU == nil {
		return nil
	}
	return p.draGPU[ns+"/"+tmpl]
}

func workloadKey(ns, kind, name string) string { return ns + "/" + kind + "/" + name }

func (p *pass) assetID(ns, kind, name string) string {
	if ns == "" {
		ns = "_"
	}
	return "k8s://" + p.cluster + "/" + ns + "/" + strings.ToLower(kind) + "/" + name
}
