package iac

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the values one document may expand to through YAML
// aliases (a "billion laughs" document stops here, and is named).
const maxNodes = 200_000

var errTooLarge = errors.New("aliases expand to too many nodes")

// yamlDocs decodes every document of a YAML (or JSON) stream into nodes.
func yamlDocs(src []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var out []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("yaml: %w", err)
		}
		if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
			out = append(out, n.Content[0])
		}
	}
}

// tagFunc interprets a custom tag (CloudFormation's !Ref, !GetAtt, ...):
// ok false leaves the node to the generic conversion.
type tagFunc func(tag string, n *yaml.Node) (Value, bool)

type converter struct {
	left int
	tags tagFunc
	// maps interprets a mapping of one key (CloudFormation's {"Ref": x},
	// {"Fn::GetAtt": ...}, Pulumi's fn:: calls); ok false: a plain map.
	maps tagFunc
	// scalars interprets a string (Pulumi's ${res.prop}); nil: literal.
	scalars func(string) Value
	active  map[*yaml.Node]bool
	err     error
}

func newConverter(tags tagFunc) *converter {
	return &converter{left: maxNodes, tags: tags, active: map[*yaml.Node]bool{}}
}

// value converts a node; aliases are followed under the node budget and
// a cycle is unknown.
func (c *converter) value(n *yaml.Node) Value {
	if n == nil {
		return Value{Type: Null}
	}
	if c.left--; c.left < 0 {
		c.err = errTooLarge
		return unknown()
	}
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || c.active[n.Alias] {
			return unknown()
		}
		c.active[n.Alias] = true
		defer delete(c.active, n.Alias)
		return c.value(n.Alias)
	}
	if c.tags != nil && strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		if v, ok := c.tags(n.Tag, n); ok {
			return v
		}
		return unknown()
	}
	switch n.Kind {
	case yaml.MappingNode:
		if c.maps != nil && len(n.Content) == 2 {
			if v, ok := c.maps(n.Content[0].Value, n.Content[1]); ok {
				return v
			}
		}
		out := newMap(len(n.Content) / 2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode || k.Value == "<<" {
				// A merge key: its map's entries, under the same budget.
				if m := c.value(n.Content[i+1]); m.Type == Map {
					for mk, mv := range m.M {
						if _, ok := out.M[mk]; !ok {
							out.M[mk], out.Keys[mk] = mv, m.Keys[mk]
						}
					}
				}
				continue
			}
			out.set(k.Value, c.value(n.Content[i+1]))
		}
		return out
	case yaml.SequenceNode:
		out := Value{Type: List, L: make([]Value, 0, len(n.Content))}
		for _, e := range n.Content {
			out.L = append(out.L, c.value(e))
		}
		return out
	case yaml.ScalarNode:
		v := scalar(n)
		if v.Type == String && c.scalars != nil {
			return c.scalars(v.S)
		}
		return v
	}
	return unknown()
}

func scalar(n *yaml.Node) Value {
	switch n.ShortTag() {
	case "!!null":
		return Value{Type: Null}
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			// YAML 1.1 yes/no/on/off
			switch strings.ToLower(n.Value) {
			case "yes", "on":
				return boolean(true)
			case "no", "off":
				return boolean(false)
			}
			return str(n.Value)
		}
		return boolean(b)
	case "!!int", "!!float":
		f, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err != nil {
			return str(n.Value)
		}
		return number(f)
	}
	return str(n.Value)
}

// jsonValue converts decoded JSON (UseNumber) into a Value; strings go
// through expr, which may read them as expressions (ARM's "[...]").
func jsonValue(x any, expr func(string) Value, budget *int) Value {
	if *budget--; *budget < 0 {
		return unknown()
	}
	switch t := x.(type) {
	case nil:
		return Value{Type: Null}
	case bool:
		return boolean(t)
	case json.Number:
		f, err := t.Float64()
		if err != nil {
			return unknown()
		}
		return number(f)
	case int64: // unstructured Kubernetes objects
		return number(float64(t))
	case float64:
		return number(t)
	case int:
		return number(float64(t))
	case string:
		if expr != nil {
			return expr(t)
		}
		return str(t)
	case []any:
		out := Value{Type: List, L: make([]Value, 0, len(t))}
		for _, e := range t {
			out.L = append(out.L, jsonValue(e, expr, budget))
		}
		return out
	case map[string]any:
		out := newMap(len(t))
		for k, e := range t {
			out.set(k, jsonValue(e, expr, budget))
		}
		return out
	}
	return unknown()
}

// decodeJSON decodes a JSON document keeping numbers exact.
func decodeJSON(src []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var x any
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("json: %w", err)
	}
	return x, nil
}
