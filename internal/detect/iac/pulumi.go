package iac

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// pulumiInterp is a string that is one interpolation: "${name}" or
// "${name.property...}".
var pulumiInterp = regexp.MustCompile(`^\$\{([A-Za-z_][\w-]*)(?:[.\[][^}]*)?\}$`)

// pulumiYAML reads a Pulumi YAML program (Pulumi.yaml with runtime yaml,
// or Main.yaml): its resources with their type tokens and properties. An
// interpolation of a resource keeps its name (paths may follow it), one of
// a literal variable or configuration default is that value; fn:: calls
// and any other interpolation are unknown. Resources read with get: are
// not declared here and are skipped.
func pulumiYAML(file string, root *yaml.Node) (Unit, error) {
	res := mapping(root, "resources")
	if res == nil || res.Kind != yaml.MappingNode {
		return Unit{}, nil
	}
	names := map[string]bool{}
	for i := 0; i+1 < len(res.Content); i += 2 {
		names[res.Content[i].Value] = true
	}
	lits := map[string]Value{}
	for _, sec := range []string{"variables", "config", "configuration"} {
		m := mapping(root, sec)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			v := m.Content[i+1]
			if d := mapping(v, "default"); d != nil {
				v = d
			}
			if v.Kind == yaml.ScalarNode && !strings.Contains(v.Value, "${") {
				lits[m.Content[i].Value] = scalar(v)
			}
		}
	}
	c := newConverter(nil)
	c.scalars = func(s string) Value {
		if !strings.Contains(s, "${") {
			return str(s)
		}
		m := pulumiInterp.FindStringSubmatch(s)
		switch {
		case m == nil:
			return unknown()
		case names[m[1]]:
			return refTo(m[1])
		}
		if v, ok := lits[m[1]]; ok && !strings.ContainsAny(s[len(m[1])+2:], ".[") {
			return v
		}
		return unknown()
	}
	c.maps = func(k string, _ *yaml.Node) (Value, bool) {
		if strings.HasPrefix(k, "fn::") {
			return unknown(), true
		}
		return Value{}, false
	}
	var u Unit
	for i := 0; i+1 < len(res.Content); i += 2 {
		name, r := res.Content[i], res.Content[i+1]
		t := mapping(r, "type")
		if t == nil || t.Kind != yaml.ScalarNode || mapping(r, "get") != nil {
			continue
		}
		d := Declared{Form: FormPulumi, Type: t.Value, Address: name.Value, File: file, Line: name.Line, Body: newMap(0)}
		if p := mapping(r, "properties"); p != nil {
			d.Body = c.value(p)
		}
		if d.Body.Type == Map {
			if o := mapping(r, "options"); o != nil {
				if p := mapping(o, "parent"); p != nil {
					d.Body.set("parent", c.value(p))
				}
			}
		}
		u.Declared = append(u.Declared, d)
	}
	return u, c.err
}
