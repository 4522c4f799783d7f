package iac

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// terraformPlan reads the JSON of `terraform show -json` (a plan's
// planned_values, or a state's values): resolved attribute values, with
// those the plan cannot know yet (resource_changes[].change.after_unknown)
// marked unknown rather than read as absent.
func terraformPlan(file string, root *yaml.Node) (Unit, error) {
	top := mapping(root, "planned_values")
	if top == nil {
		top = mapping(root, "values")
	}
	mod := mapping(top, "root_module")
	if mod == nil {
		return Unit{}, nil
	}
	c := newConverter(nil)
	unknowns := map[string]Value{}
	if rc := mapping(root, "resource_changes"); rc != nil && rc.Kind == yaml.SequenceNode {
		for _, ch := range rc.Content {
			a, after := mapping(ch, "address"), mapping(mapping(ch, "change"), "after_unknown")
			if a != nil && after != nil {
				unknowns[a.Value] = c.value(after)
			}
		}
	}
	var u Unit
	var walk func(m *yaml.Node, depth int)
	walk = func(m *yaml.Node, depth int) {
		if m == nil || depth > maxModuleDepth*2 {
			return
		}
		if rs := mapping(m, "resources"); rs != nil && rs.Kind == yaml.SequenceNode {
			for _, r := range rs.Content {
				mode, t, a := mapping(r, "mode"), mapping(r, "type"), mapping(r, "address")
				if t == nil || a == nil || mode != nil && mode.Value != "managed" {
					continue
				}
				body := c.value(mapping(r, "values"))
				if body.Type != Map {
					body = newMap(0)
				}
				if ux, ok := unknowns[a.Value]; ok {
					markUnknown(&body, ux, 0)
				}
				d := Declared{Form: FormTerraform, Type: t.Value, Address: a.Value, File: file, Line: r.Line, Body: body}
				d.Conditional = mapping(r, "index") != nil
				u.Declared = append(u.Declared, azapi(d))
			}
		}
		if kids := mapping(m, "child_modules"); kids != nil && kids.Kind == yaml.SequenceNode {
			for _, k := range kids.Content {
				walk(k, depth+1)
			}
		}
	}
	walk(mod, 0)
	return u, c.err
}

// markUnknown sets unknown every attribute after_unknown marks true.
func markUnknown(v *Value, marks Value, depth int) {
	if depth > 64 || v.Type != Map || marks.Type != Map {
		return
	}
	for k, m := range marks.M {
		switch {
		case m.Type == Bool && m.B:
			v.M[k] = unknown()
		case m.Type == Map:
			x := v.M[k]
			markUnknown(&x, m, depth+1)
			v.M[k] = x
		case m.Type == List:
			x := v.M[k]
			if x.Type == List {
				for i := range min(len(x.L), len(m.L)) {
					if m.L[i].Type == Bool && m.L[i].B {
						x.L[i] = unknown()
					} else {
						markUnknown(&x.L[i], m.L[i], depth+1)
					}
				}
				v.M[k] = x
			}
		}
	}
}

// azapi turns an AzAPI resource (azapi_resource with a literal type
// "Microsoft.X/y@version") into the ARM shape: its body (an object, or a
// JSON string in older AzAPI versions) with name, location and parent.
func azapi(d Declared) Declared {
	if d.Type != "azapi_resource" {
		return d
	}
	t, _ := d.Body.field("type")
	typ, ok := t.text()
	if !ok || !strings.Contains(typ, "/") {
		return d
	}
	body, _ := d.Body.field("body")
	if body.Type == String {
		if x, err := decodeJSON([]byte(body.S)); err == nil {
			budget := maxNodes
			body = jsonValue(x, nil, &budget)
		} else {
			body = unknown()
		}
	}
	if body.Type != Map {
		if body.Type == Unknown {
			// The body is not literal: every property is unknown.
			body = newMap(0)
			body.set("properties", unknown())
		} else {
			body = newMap(0)
		}
	}
	for _, k := range []string{"name", "location", "parent_id", "identity"} {
		if v, absent := d.Body.field(k); !absent {
			body.set(k, v)
		}
	}
	d.Form, d.Type, d.Body = FormARM, typ, body
	return d
}
