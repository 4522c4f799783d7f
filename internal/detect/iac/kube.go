package iac

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// kubeController reads a Kubernetes object of a cloud controller (Config
// Connector, AWS Controllers for Kubernetes, Crossplane, Azure Service
// Operator) from a YAML document, when the catalog knows its kind (ok false
// otherwise, before anything is converted).
func (c *Catalog) kubeController(file string, root *yaml.Node) (Declared, bool, error) {
	av, kind := mapping(root, "apiVersion"), mapping(root, "kind")
	if av == nil || kind == nil || av.Kind != yaml.ScalarNode || kind.Kind != yaml.ScalarNode {
		return Declared{}, false, nil
	}
	group, _, ok := strings.Cut(av.Value, "/")
	if !ok || c.Lookup(FormKubernetes, group+"/"+kind.Value) == nil {
		return Declared{}, false, nil
	}
	conv := newConverter(nil)
	d, ok := kubeDeclared(conv.value(root))
	d.File, d.Line = file, root.Line
	return d, ok, conv.err
}

// kubeDeclared reads an object, from a file or from a cluster: its type is
// group/Kind, its attributes are below spec (spec.forProvider for
// Crossplane managed resources), and it is named Kind/namespace/name.
func kubeDeclared(v Value) (Declared, bool) {
	av, _ := v.field("apiVersion")
	kind, _ := v.field("kind")
	avs, ok1 := av.text()
	ks, ok2 := kind.text()
	group, _, ok3 := strings.Cut(avs, "/")
	if !ok1 || !ok2 || !ok3 {
		return Declared{}, false
	}
	md, _ := v.field("metadata")
	nv, _ := md.field("name")
	nsv, _ := md.field("namespace")
	name, _ := nv.text()
	ns, _ := nsv.text()
	body, absent := v.field("spec")
	if fp, gone := body.field("forProvider"); !absent && !gone {
		body = fp
	}
	if body.Type != Map {
		body = newMap(0)
	}
	if _, has := body.M["name"]; !has && name != "" {
		body.set("name", str(name))
	}
	addr := ks + "/" + name
	if ns != "" {
		addr = ks + "/" + ns + "/" + name
	}
	return Declared{Form: FormKubernetes, Type: group + "/" + ks, Address: addr, Body: body}, true
}

// KubeType is a cloud controller's kind the catalog knows, with the
// resource name the API serves it under (its lower-case plural).
type KubeType struct {
	Group, Kind, Plural string
}

// KubeTypes lists the cloud controllers' kinds of the catalog, sorted.
func (c *Catalog) KubeTypes() []KubeType {
	var out []KubeType
	for _, t := range c.Types(FormKubernetes) {
		group, kind, _ := strings.Cut(t, "/")
		out = append(out, KubeType{Group: group, Kind: kind, Plural: strings.ToLower(kind) + "s"})
	}
	return out
}

// KubeObject reads a live object of a cloud controller (from the
// Kubernetes API, as unstructured JSON) as the file reader does.
func KubeObject(obj map[string]any) (Declared, bool) {
	budget := maxNodes
	return kubeDeclared(jsonValue(obj, nil, &budget))
}
