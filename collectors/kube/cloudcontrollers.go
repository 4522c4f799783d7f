package kube

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/aisight/aisight/internal/detect/iac"
	"github.com/aisight/aisight/internal/detect/workload"
	"github.com/aisight/aisight/model"
)

// listCloudControllers lists the objects of the cloud controllers the
// cluster runs (Config Connector, AWS Controllers for Kubernetes,
// Crossplane, Azure Service Operator) whose kinds the IaC catalog knows:
// each is a cloud AI resource declared in the cluster, reported as the
// source collector reports one declared in a file (the same kinds and
// facts, internal/detect/iac), named k8s://cluster/ns/kind/name. A kind
// whose list fails is a problem of the scope, not a failed scan.
func (p *pass) listCloudControllers(ctx context.Context) {
	u := iac.Unit{Root: p.cluster}
	for _, t := range p.c.iac.KubeTypes() {
		gvr, ok := p.served.byKind(t.Group, t.Kind)
		if !ok {
			continue
		}
		p.listObjects(ctx, gvr, t.Kind, func(obj *unstructured.Unstructured) {
			if d, ok := iac.KubeObject(obj.Object); ok {
				d.File = p.assetID(obj.GetNamespace(), t.Kind, obj.GetName()) // the asset's ID, and its facts' source
				u.Declared = append(u.Declared, d)
			}
		})
	}
	for _, r := range p.c.iac.Resources(&u) {
		name := r.Name
		if name == "" {
			name = r.Address[strings.LastIndex(r.Address, "/")+1:]
		}
		// r.File is the object's asset ID (set above).
		p.sink.Asset(model.Asset{ID: r.File, Provider: Name, Scope: p.scope.ID, Region: r.Region, Kind: r.Entry.Kind, DeploymentType: model.PaaS,
			Name: name, Tags: r.Tags, Owner: workload.Owner(r.Tags), Facts: r.Facts})
	}
}
