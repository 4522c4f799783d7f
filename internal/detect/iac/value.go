package iac

import (
	"strconv"
	"strings"
)

// Type is what a Value holds.
type Type uint8

// Value types. Unknown is a value the code does not state literally (a
// variable without a default, a function call, a reference to another
// resource's computed attribute, an intrinsic function): it is never
// guessed, and a fact read from it is left out.
const (
	Unknown Type = iota
	Null
	String
	Bool
	Number
	List
	Map
)

// Value is a declared attribute, parsed from any of the forms into one
// tree: HCL blocks and objects, CloudFormation and ARM JSON/YAML objects,
// Bicep objects and Pulumi properties all become maps and lists of
// literals. Map keys are looked up normalised (norm), so one catalog path
// reads foundation_model (Terraform), FoundationModel (CloudFormation) and
// foundationModel (Pulumi, ARM).
type Value struct {
	Type Type
	S    string
	B    bool
	N    float64
	L    []Value
	M    map[string]Value
	// Keys are the map's keys as written, by normalised key (tags keep
	// their case).
	Keys map[string]string
	// Ref is the address of the declared resource an Unknown value refers
	// to (a Terraform reference, a CloudFormation Ref or GetAtt, a Bicep
	// symbol): paths may follow it to that resource (catalog "->").
	Ref string
	// Set marks an Unknown value that is certainly not null: a string
	// template with literal parts, a reference to a resource. An
	// attribute holding one is present, whatever its value.
	Set bool
}

// Literal values.
func unknown() Value          { return Value{} }
func str(s string) Value      { return Value{Type: String, S: s} }
func boolean(b bool) Value    { return Value{Type: Bool, B: b} }
func number(n float64) Value  { return Value{Type: Number, N: n} }
func refTo(addr string) Value { return Value{Ref: addr, Set: true} }
func nonNull() Value          { return Value{Set: true} }

// Known reports whether v is a literal (or a structure) rather than unknown.
func (v Value) Known() bool { return v.Type != Unknown }

// norm is a map key's lookup form: lower case without _ and -.
func norm(k string) string {
	var b strings.Builder
	for _, r := range k {
		switch {
		case r == '_' || r == '-':
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// newMap returns a map value whose keys are stored normalised.
func newMap(n int) Value {
	return Value{Type: Map, M: make(map[string]Value, n), Keys: make(map[string]string, n)}
}

func (v *Value) set(k string, x Value) {
	n := norm(k)
	v.M[n] = x
	v.Keys[n] = k
}

// Tags reads a resource's tags (or Kubernetes/GCP labels): a map of
// literal strings, or CloudFormation's list of {Key, Value}. Tags that
// are not literal are left out.
func (v Value) Tags() map[string]string {
	out := map[string]string{}
	for _, k := range []string{"tags", "labels"} {
		t, absent := v.field(k)
		if absent {
			continue
		}
		switch t.Type {
		case Map:
			for n, x := range t.M {
				if s, ok := x.text(); ok {
					out[t.Keys[n]] = s
				}
			}
		case List:
			for _, it := range t.L {
				key, _ := it.field("key")
				val, _ := it.field("value")
				ks, ok1 := key.text()
				vs, ok2 := val.text()
				if ok1 && ok2 {
					out[ks] = vs
				}
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// field returns the map entry k (normalised); absent reports a key the
// map does not hold. A list of one map (a Terraform block, a JSON array of
// one object) is looked into as that map.
func (v Value) field(k string) (x Value, absent bool) {
	if v.Type == List && len(v.L) == 1 {
		v = v.L[0]
	}
	switch v.Type {
	case Map:
		x, ok := v.M[norm(k)]
		return x, !ok
	case Null:
		return Value{Type: Null}, true
	}
	return unknown(), false
}

// text returns a literal scalar as a string.
func (v Value) text() (string, bool) {
	switch v.Type {
	case String:
		return v.S, true
	case Bool:
		return strconv.FormatBool(v.B), true
	case Number:
		return strconv.FormatFloat(v.N, 'f', -1, 64), true
	}
	return "", false
}

// truth returns a literal boolean; the strings "true" and "false" (as
// CloudFormation and Pulumi often write them) count.
func (v Value) truth() (bool, bool) {
	switch v.Type {
	case Bool:
		return v.B, true
	case String:
		if b, err := strconv.ParseBool(strings.ToLower(v.S)); err == nil {
			return b, true
		}
	}
	return false, false
}

// integer returns a literal whole number (also a numeric string).
func (v Value) integer() (int64, bool) {
	switch v.Type {
	case Number:
		if v.N == float64(int64(v.N)) {
			return int64(v.N), true
		}
	case String:
		if n, err := strconv.ParseInt(v.S, 10, 64); err == nil {
			return n, true
		}
	}
	return 0, false
}

// items returns the elements of a list, or a lone map as one item.
func (v Value) items() ([]Value, bool) {
	switch v.Type {
	case List:
		return v.L, true
	case Map:
		return []Value{v}, true
	case Null:
		return nil, true
	}
	return nil, false
}
