package iac

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// cloudFormation reads a CloudFormation or SAM template (YAML with the
// intrinsic function tags, or JSON; synthesized CDK output is JSON). A
// Ref to a parameter with a literal Default reads the default; a Ref or
// GetAtt of another resource keeps its logical id (paths may follow it);
// every other intrinsic function is unknown.
func cloudFormation(file string, root *yaml.Node) (Unit, error) {
	resources := mapping(root, "Resources")
	if resources == nil {
		return Unit{}, nil
	}
	params := map[string]Value{}
	logical := map[string]bool{}
	for i := 0; i+1 < len(resources.Content); i += 2 {
		logical[resources.Content[i].Value] = true
	}
	if p := mapping(root, "Parameters"); p != nil {
		for i := 0; i+1 < len(p.Content); i += 2 {
			if d := mapping(p.Content[i+1], "Default"); d != nil && d.Kind == yaml.ScalarNode {
				params[p.Content[i].Value] = scalar(d)
			}
		}
	}
	ref := func(name string) Value {
		name, _, _ = strings.Cut(name, ".")
		if v, ok := params[name]; ok {
			return v
		}
		if logical[name] {
			return refTo(name)
		}
		return unknown()
	}
	getAtt := func(n *yaml.Node) Value {
		switch {
		case n.Kind == yaml.ScalarNode:
			return ref(n.Value)
		case n.Kind == yaml.SequenceNode && len(n.Content) > 0 && logical[n.Content[0].Value]:
			return refTo(n.Content[0].Value)
		}
		return unknown()
	}
	c := newConverter(func(tag string, n *yaml.Node) (Value, bool) {
		switch tag {
		case "!Ref":
			return ref(n.Value), true
		case "!GetAtt":
			return getAtt(n), true
		case "!Sub", "!Join", "!ImportValue", "!GetAZs", "!Base64":
			return nonNull(), true
		}
		return unknown(), true
	})
	c.maps = func(k string, n *yaml.Node) (Value, bool) {
		switch {
		case k == "Ref" && n.Kind == yaml.ScalarNode:
			return ref(n.Value), true
		case k == "Fn::GetAtt":
			return getAtt(n), true
		case k == "Fn::Sub" || k == "Fn::Join" || k == "Fn::ImportValue" || k == "Fn::GetAZs" || k == "Fn::Base64":
			return nonNull(), true
		case strings.HasPrefix(k, "Fn::"):
			return unknown(), true
		}
		return Value{}, false
	}
	var u Unit
	for i := 0; i+1 < len(resources.Content); i += 2 {
		id, body := resources.Content[i], resources.Content[i+1]
		t := mapping(body, "Type")
		if t == nil || t.Kind != yaml.ScalarNode {
			continue
		}
		d := Declared{Form: FormCloudFormation, Type: t.Value, Address: id.Value, File: file, Line: id.Line}
		d.Conditional = mapping(body, "Condition") != nil
		d.Body = newMap(0)
		if p := mapping(body, "Properties"); p != nil {
			d.Body = c.value(p)
		}
		u.Declared = append(u.Declared, d)
	}
	return u, c.err
}

// mapping returns the value of key k in a mapping node, or nil.
func mapping(n *yaml.Node, k string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}
