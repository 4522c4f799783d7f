package apiserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/aisight/aisight/internal/kubeapi"
)

var uidRef = regexp.MustCompile(`\{\{uid:([A-Za-z]+)/([a-z0-9.-]*)/([a-z0-9.-]+)\}\}`)

// Apply creates every object of a multi-document YAML stream as the admin,
// in order; an object that already exists is left as it is, so applying
// the same manifest twice (tests run with -count) is harmless. "{{uid:Kind/namespace/name}}" is replaced by the UID of an
// object created earlier in the same call (for ownerReferences), and an
// object's "status" is written through its /status subresource afterwards
// (no controllers run to do it).
func (s *Server) Apply(ctx context.Context, manifest []byte) error {
	dyn, err := dynamic.NewForConfig(s.AdminConfig())
	if err != nil {
		return err
	}
	rc, err := kubeapi.NewRESTClient(s.AdminConfig())
	if err != nil {
		return err
	}
	mapper := &mapper{rc: rc}
	uids := map[string]string{}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("decode manifest: %w", err)
		}
		if len(obj.Object) == 0 {
			continue
		}
		if err := substituteUIDs(&obj, uids); err != nil {
			return err
		}
		created, err := createObject(ctx, dyn, mapper, &obj)
		if err != nil {
			return fmt.Errorf("create %s %s/%s: %w", obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
		}
		uids[obj.GetKind()+"/"+obj.GetNamespace()+"/"+obj.GetName()] = string(created.GetUID())
	}
}

func substituteUIDs(obj *unstructured.Unstructured, uids map[string]string) error {
	var missing error
	refs := obj.GetOwnerReferences()
	for i, r := range refs {
		if m := uidRef.FindStringSubmatch(string(r.UID)); m != nil {
			uid, ok := uids[m[1]+"/"+m[2]+"/"+m[3]]
			if !ok {
				missing = fmt.Errorf("%s refers to %s/%s/%s, not created before it", obj.GetName(), m[1], m[2], m[3])
			}
			refs[i].UID = typesUID(uid)
		}
	}
	if len(refs) > 0 {
		obj.SetOwnerReferences(refs)
	}
	return missing
}

// createObject creates obj (retrying while a just-created CRD becomes
// served) and then writes its status, if it has one.
func createObject(ctx context.Context, dyn dynamic.Interface, mapper *mapper, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	gvk := obj.GroupVersionKind()
	status, hasStatus := obj.Object["status"]
	delete(obj.Object, "status")
	deadline := time.Now().Add(30 * time.Second)
	for {
		mapping, err := mapper.find(ctx, gvk)
		if err != nil {
			if time.Now().After(deadline) {
				return nil, err
			}
			time.Sleep(200 * time.Millisecond)
			continue
		}
		ri := resourceFor(dyn, mapping, obj.GetNamespace())
		created, err := ri.Create(ctx, obj, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			return ri.Get(ctx, obj.GetName(), metav1.GetOptions{})
		}
		if apierrors.IsNotFound(err) && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			continue
		}
		if err != nil {
			return nil, err
		}
		if hasStatus {
			created.Object["status"] = status
			if created, err = ri.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
				return nil, fmt.Errorf("status: %w", err)
			}
		}
		if gvk.Kind == "CustomResourceDefinition" {
			if err := waitEstablished(ctx, ri, obj.GetName()); err != nil {
				return nil, err
			}
			mapper.served = nil
		}
		return created, nil
	}
}

// mapper finds the resource serving a kind, discovering again when the
// kind is not (yet) served: a CRD created earlier in the manifest.
type mapper struct {
	rc     rest.Interface
	served *kubeapi.Served
}

func (m *mapper) find(ctx context.Context, gvk schema.GroupVersionKind) (kubeapi.Resource, error) {
	if m.served != nil {
		if r, ok := m.served.Find(gvk); ok {
			return r, nil
		}
	}
	served, err := kubeapi.Discover(ctx, m.rc)
	if err != nil {
		return kubeapi.Resource{}, err
	}
	m.served = &served
	if r, ok := served.Find(gvk); ok {
		return r, nil
	}
	return kubeapi.Resource{}, fmt.Errorf("no resource serves %s", gvk)
}

func resourceFor(dyn dynamic.Interface, r kubeapi.Resource, ns string) dynamic.ResourceInterface {
	if r.Namespaced {
		return dyn.Resource(r.GroupVersionResource).Namespace(ns)
	}
	return dyn.Resource(r.GroupVersionResource)
}

func waitEstablished(ctx context.Context, ri dynamic.ResourceInterface, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for {
		crd, err := ri.Get(ctx, name, metav1.GetOptions{})
		if err == nil {
			conds, _, _ := unstructured.NestedSlice(crd.Object, "status", "conditions")
			for _, c := range conds {
				m, _ := c.(map[string]any)
				if m["type"] == "Established" && m["status"] == "True" {
					return nil
				}
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("CRD %s not established: %w", name, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// CRD is a CustomResourceDefinition that accepts any content: enough to
// serve a third party's resources (KServe, Ray, Kyverno, ...) in tests.
type CRD struct {
	Group, Version, Kind, Plural string
	ClusterScoped                bool
}

// CRDManifest renders CRDs as YAML documents for Apply.
func CRDManifest(crds ...CRD) []byte {
	var b bytes.Buffer
	for _, c := range crds {
		scope := "Namespaced"
		if c.ClusterScoped {
			scope = "Cluster"
		}
		// Groups under k8s.io need the approval annotation real projects carry.
		fmt.Fprintf(&b, `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: %[4]s.%[1]s, annotations: {api-approved.kubernetes.io: "https://github.com/kubernetes-sigs/gateway-api/pull/2466"}}
spec:
  group: %[1]s
  scope: %[5]s
  names: {kind: %[3]s, plural: %[4]s, listKind: %[3]sList}
  versions:
  - name: %[2]s
    served: true
    storage: true
    subresources: {status: {}}
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
---
`, c.Group, c.Version, c.Kind, c.Plural, scope)
	}
	return b.Bytes()
}

// GVR is a convenience for tests.
func GVR(group, version, resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: group, Version: version, Resource: resource}
}
