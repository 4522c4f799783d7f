package iac

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// kubeController reads a Kubernetes object of a cloud controller (Config
// Connector, AWS Controllers for Kubernetes, Crossplane, Azure Service
// Operator): its type is group/Kind, its attributes are below spec
// (spec.forProvider for Crossplane managed resources), and it is named
// Kind/namespace/name. The caller has checked the catalog knows the type.
func kubeController(file string, root *yaml.Node) (Declared, bool, error) {
	av, kind := mapping(root, "apiVersion"), mapping(root, "kind")
	if av == nil || kind == nil || av.Kind != yaml.ScalarNode || kind.Kind != yaml.ScalarNode {
		return Declared{}, false, nil
	}
	group, _, ok := strings.Cut(av.Value, "/")
	if !ok {
		return Declared{}, false, nil
	}
	name, ns := "", ""
	if md := mapping(root, "metadata"); md != nil {
		if n := mapping(md, "name"); n != nil {
			name = n.Value
		}
		if n := mapping(md, "namespace"); n != nil {
			ns = n.Value
		}
	}
	c := newConverter(nil)
	body := newMap(0)
	if spec := mapping(root, "spec"); spec != nil {
		if fp := mapping(spec, "forProvider"); fp != nil {
			spec = fp
		}
		body = c.value(spec)
	}
	if body.Type == Map {
		if _, has := body.M["name"]; !has && name != "" {
			body.set("name", str(name))
		}
	}
	addr := kind.Value + "/" + name
	if ns != "" {
		addr = kind.Value + "/" + ns + "/" + name
	}
	return Declared{Form: FormKubernetes, Type: group + "/" + kind.Value, Address: addr, File: file, Line: root.Line, Body: body}, true, c.err
}
