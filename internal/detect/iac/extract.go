package iac

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aisight/aisight/model"
)

// Declared is one resource found in code, before the catalog reads it.
type Declared struct {
	Form    string
	Type    string
	Address string // the Terraform address, CloudFormation logical id, Bicep symbol, ...
	File    string
	Line    int
	Body    Value
	// Conditional: the code may create it zero or several times (count,
	// for_each, a CloudFormation Condition, a Bicep if or loop).
	Conditional bool
	// Region is the region the code's provider configuration states, and
	// Project its default project (Google).
	Region, Project string
}

// Resource is a declared AI cloud resource as the catalog reads it.
type Resource struct {
	Declared
	Entry     *Entry
	Name      string // the cloud name when literal, else empty
	Region    string
	Model     *model.ModelRef
	Tags      map[string]string
	Facts     []model.Fact
	Relations []model.Relation // targets are addresses in the same unit
}

// Unit is a set of declarations that refer to each other by address: a
// Terraform root module with the modules it calls, a template, a Bicep
// file, a Pulumi program, the controller objects of one file.
type Unit struct {
	// Root is the root module's directory or the file: addresses are
	// unique within it.
	Root     string
	Declared []Declared
	// FromBicep: an ARM template the Bicep compiler generated (its
	// metadata says so). Beside its .bicep source it is the same
	// declarations twice: the source collector then keeps the source's.
	FromBicep bool
	byAddr    map[string]*Declared
}

func (u *Unit) lookup(addr string) *Declared {
	if u.byAddr == nil {
		u.byAddr = make(map[string]*Declared, len(u.Declared))
		for i := range u.Declared {
			u.byAddr[u.Declared[i].Address] = &u.Declared[i]
		}
	}
	return u.byAddr[addr]
}

// Resources returns the unit's declarations that the catalog knows as AI
// resources, with their facts.
func (c *Catalog) Resources(u *Unit) []Resource {
	// Attachments first: the facts they set on the resources they name.
	attached := map[string][]model.Fact{}
	for i := range u.Declared {
		d := &u.Declared[i]
		a := c.attachTypes[typeKey(d.Form, d.Type)]
		if a == nil {
			continue
		}
		if len(a.When) > 0 {
			if _, st := u.get(d.Body, a.When); st == absent {
				continue
			}
		}
		f, ok := typed(a.Fact, a.Value, model.Declared, fmt.Sprintf("file:%s:%d", d.File, d.Line))
		if !ok {
			continue
		}
		if len(a.Unit) > 0 { // every resource of these kinds in the unit, cloud and region
			for j := range u.Declared {
				o := &u.Declared[j]
				if e := c.Lookup(o.Form, o.Type); e != nil && e.Provider == a.Cloud && o.Region == d.Region && slices.Contains(a.Unit, e.Kind) {
					attached[o.Address] = append(attached[o.Address], f)
				}
			}
			continue
		}
		if v, _ := u.get(d.Body, a.Target); v.Ref != "" {
			attached[v.Ref] = append(attached[v.Ref], f)
		}
	}
	var out []Resource
	for i := range u.Declared {
		d := &u.Declared[i]
		e := c.Lookup(d.Form, d.Type)
		if e == nil {
			continue
		}
		if e.When != nil {
			v, st := u.get(d.Body, e.When.Equals)
			if s, ok := v.text(); st == found && ok && !inFold(s, e.When.Values) {
				continue
			}
		}
		r := c.read(u, d, e)
		for _, f := range attached[d.Address] {
			r.setFact(f)
		}
		out = append(out, r)
	}
	return out
}

// setFact sets f, replacing a fact of the same key.
func (r *Resource) setFact(f model.Fact) {
	for i := range r.Facts {
		if r.Facts[i].Key == f.Key {
			r.Facts[i] = f
			return
		}
	}
	r.Facts = append(r.Facts, f)
}

func (c *Catalog) read(u *Unit, d *Declared, e *Entry) Resource {
	r := Resource{Declared: *d, Entry: e, Region: d.Region, Tags: d.Body.Tags()}
	src := fmt.Sprintf("file:%s:%d", d.File, d.Line)
	if strings.Contains(d.File, "://") {
		src = d.File // a live object (a cloud controller's, read from a cluster)
	}
	if v, st := u.get(d.Body, e.Name); st == found {
		r.Name, _ = v.text()
	}
	if v, st := u.get(d.Body, e.Region); st == found {
		if s, ok := v.text(); ok {
			r.Region = s
		}
	}
	if m := e.Model; m != nil {
		ref := model.ModelRef{}
		for _, p := range []struct {
			paths []string
			to    *string
		}{{m.Name, &ref.Name}, {m.Version, &ref.Version}, {m.Publisher, &ref.Publisher}, {m.Format, &ref.Format}} {
			if v, st := u.get(d.Body, p.paths); st == found {
				*p.to, _ = v.text()
			}
		}
		if ref != (model.ModelRef{}) {
			r.Model = &ref
		}
	}
	r.Facts = append(r.Facts,
		model.String("iac.form", d.Form, model.Declared, src),
		model.String("iac.resource_type", d.Type, model.Declared, src),
		model.String("iac.address", d.Address, model.Declared, src),
		model.String("iac.cloud", e.Provider, model.Declared, src),
		model.Bool("iac.conditional", d.Conditional, model.Declared, src))
	if r.Name != "" {
		r.Facts = append(r.Facts, model.String("iac.cloud_name", r.Name, model.Declared, src))
	}
	// Where the code places it, when it says: the project (Google) or the
	// resource group (Azure) reconciliation compares with the live one.
	switch e.Provider {
	case "gcp":
		p := d.Project
		if v, st := u.get(d.Body, []string{"project", "projectRef.external"}); st == found {
			p, _ = v.text()
		}
		if p = strings.TrimPrefix(p, "projects/"); p != "" {
			r.Facts = append(r.Facts, model.String("iac.project", p, model.Declared, src))
		}
	case "azure":
		if v, st := u.get(d.Body, []string{"resource_group_name", "resource_group_name->name"}); st == found {
			if rg, ok := v.text(); ok && rg != "" {
				r.Facts = append(r.Facts, model.String("iac.resource_group", rg, model.Declared, src))
			}
		}
	}
	if e.ARMType != "" {
		r.Facts = append(r.Facts, model.String("azure.resource_type", e.ARMType, model.Declared, src))
	}
	for _, rule := range e.Facts {
		if f, ok := u.fact(d.Body, rule, src); ok {
			r.Facts = append(r.Facts, f)
		}
	}
	for _, rel := range e.Relations {
		v, _ := u.get(d.Body, rel.Path)
		if v.Ref != "" && u.lookup(v.Ref) != nil {
			r.Relations = append(r.Relations, model.Relation{Type: rel.Type, Target: v.Ref})
		}
	}
	return r
}

type state uint8

const (
	found state = iota
	absent
	unstated // the code has it, but not as a literal
)

// get reads the first of the alternative paths the body states.
func (u *Unit) get(body Value, paths []string) (Value, state) {
	st, last := absent, unknown()
	for _, p := range paths {
		v, s := u.walk(body, p, 0)
		switch s {
		case found:
			return v, found
		case unstated:
			if st != unstated {
				st, last = unstated, v
			}
		}
	}
	return last, st
}

func (u *Unit) walk(v Value, path string, depth int) (Value, state) {
	here, rest, follow := strings.Cut(path, "->")
	for _, k := range strings.Split(here, ".") {
		if !v.Known() {
			return v, unstated
		}
		x, gone := v.field(k)
		if gone {
			return x, absent
		}
		v = x
	}
	if !follow {
		switch v.Type {
		case Null:
			return v, absent
		case Unknown:
			return v, unstated
		}
		return v, found
	}
	if v.Ref == "" || depth > 4 {
		return unknown(), unstated
	}
	d := u.lookup(v.Ref)
	if d == nil {
		return unknown(), unstated
	}
	return u.walk(d.Body, rest, depth+1)
}

// fact applies one rule to a body.
func (u *Unit) fact(body Value, r Rule, src string) (model.Fact, bool) {
	var paths []string
	for _, set := range [][]string{r.String, r.Bool, r.Int, r.Present, r.Count, r.Equals} {
		if len(set) > 0 {
			paths = set
		}
	}
	if r.Const != nil {
		return typed(r.Fact, r.Const, model.Declared, src)
	}
	v, st := u.get(body, paths)
	if st == unstated {
		if r.Present != nil && v.Set { // not literal, but certainly set
			return model.Bool(r.Fact, !r.Negate, model.Declared, src), true
		}
		return model.Fact{}, false
	}
	if st == absent {
		if r.Present != nil {
			return model.Bool(r.Fact, r.Negate, model.Declared, src), true
		}
		if r.Count != nil && r.Default == nil {
			return model.Int(r.Fact, 0, model.Declared, src), true
		}
		if r.Default == nil {
			return model.Fact{}, false
		}
		return typed(r.Fact, r.Default, model.Inferred, src)
	}
	switch {
	case r.String != nil:
		if s, ok := v.text(); ok {
			return model.String(r.Fact, s, model.Declared, src), true
		}
	case r.Bool != nil:
		if b, ok := v.truth(); ok {
			return model.Bool(r.Fact, b != r.Negate, model.Declared, src), true
		}
	case r.Int != nil:
		if n, ok := v.integer(); ok {
			return model.Int(r.Fact, n, model.Declared, src), true
		}
	case r.Present != nil:
		return model.Bool(r.Fact, !r.Negate, model.Declared, src), true
	case r.Equals != nil:
		if s, ok := v.text(); ok {
			return model.Bool(r.Fact, inFold(s, r.Values) != r.Negate, model.Declared, src), true
		}
	case r.Count != nil:
		items, ok := v.items()
		if !ok {
			return model.Fact{}, false
		}
		n := int64(0)
		for _, it := range items {
			keep := true
			for _, w := range r.Where {
				x, st := u.walk(it, w, 0)
				b, ok := x.truth()
				if st == unstated || st == found && !ok {
					return model.Fact{}, false
				}
				keep = keep && st == found && b
			}
			if keep {
				n++
			}
		}
		return model.Int(r.Fact, n, model.Declared, src), true
	}
	return model.Fact{}, false
}

func typed(key string, v any, c model.Confidence, src string) (model.Fact, bool) {
	switch x := v.(type) {
	case bool:
		return model.Bool(key, x, c, src), true
	case int:
		return model.Int(key, int64(x), c, src), true
	case string:
		return model.String(key, x, c, src), true
	}
	return model.Fact{}, false
}

func inFold(s string, set []string) bool {
	for _, x := range set {
		if strings.EqualFold(s, x) {
			return true
		}
	}
	return false
}
