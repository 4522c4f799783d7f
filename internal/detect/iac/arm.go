package iac

import (
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// armParam is an ARM expression that only reads a parameter or variable:
// "[parameters('name')]", "[variables('name')]".
var armParam = regexp.MustCompile(`^\[\s*(parameters|variables)\(\s*'([^']+)'\s*\)\s*\]$`)

// arm reads an ARM deployment template (JSON): its resources, nested
// child resources (their types joined to the parent's) and, in
// languageVersion 2.0, symbolic names. An expression that only reads a
// parameter with a literal defaultValue or a literal variable is that
// value; every other expression is unknown.
func arm(file string, root *yaml.Node) (Unit, error) {
	res := mapping(root, "resources")
	if res == nil {
		return Unit{}, nil
	}
	lits := map[string]Value{}
	if p := mapping(root, "parameters"); p != nil {
		for i := 0; i+1 < len(p.Content); i += 2 {
			if d := mapping(p.Content[i+1], "defaultValue"); d != nil && d.Kind == yaml.ScalarNode && !strings.HasPrefix(d.Value, "[") {
				lits["parameters/"+strings.ToLower(p.Content[i].Value)] = scalar(d)
			}
		}
	}
	if v := mapping(root, "variables"); v != nil {
		for i := 0; i+1 < len(v.Content); i += 2 {
			if d := v.Content[i+1]; d.Kind == yaml.ScalarNode && !strings.HasPrefix(d.Value, "[") {
				lits["variables/"+strings.ToLower(v.Content[i].Value)] = scalar(d)
			}
		}
	}
	c := newConverter(nil)
	c.scalars = func(s string) Value {
		if strings.HasPrefix(s, "[[") {
			return str(s[1:])
		}
		if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
			return str(s)
		}
		if m := armParam.FindStringSubmatch(s); m != nil {
			if v, ok := lits[m[1]+"/"+strings.ToLower(m[2])]; ok {
				return v
			}
		}
		return unknown()
	}
	var u Unit
	var walk func(list []*yaml.Node, names []string, parentType, parentAddr string, depth int)
	walk = func(list []*yaml.Node, names []string, parentType, parentAddr string, depth int) {
		if depth > 8 {
			return
		}
		for i, r := range list {
			t := mapping(r, "type")
			if t == nil || t.Kind != yaml.ScalarNode {
				continue
			}
			typ := t.Value
			if parentType != "" && !strings.Contains(typ, ".") {
				typ = parentType + "/" + typ
			}
			addr := ""
			if names != nil {
				addr = names[i]
			} else if n := mapping(r, "name"); n != nil && n.Kind == yaml.ScalarNode {
				addr = n.Value
			} else {
				addr = typ + "[" + strconv.Itoa(i) + "]"
			}
			body := c.value(r)
			if body.Type != Map {
				continue
			}
			if parentAddr != "" {
				body.set("parent", refTo(parentAddr))
			}
			d := Declared{Form: FormARM, Type: typ, Address: addr, File: file, Line: r.Line, Body: body}
			d.Conditional = mapping(r, "condition") != nil || mapping(r, "copy") != nil
			u.Declared = append(u.Declared, d)
			if kids := mapping(r, "resources"); kids != nil && kids.Kind == yaml.SequenceNode {
				walk(kids.Content, nil, typ, addr, depth+1)
			}
		}
	}
	switch res.Kind {
	case yaml.SequenceNode:
		walk(res.Content, nil, "", "", 0)
	case yaml.MappingNode: // languageVersion 2.0: symbolic name -> resource
		var list []*yaml.Node
		var names []string
		for i := 0; i+1 < len(res.Content); i += 2 {
			names = append(names, res.Content[i].Value)
			list = append(list, res.Content[i+1])
		}
		walk(list, names, "", "", 0)
	}
	return u, c.err
}

// isARM reports whether a JSON document's root is a deployment template.
func isARM(root *yaml.Node) bool {
	s := mapping(root, "$schema")
	return s != nil && strings.Contains(strings.ToLower(s.Value), "deploymenttemplate.json") && mapping(root, "resources") != nil
}
