package iac

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// TFFile is one parsed Terraform/OpenTofu file (.tf, or terraform.tfvars
// and *.auto.tfvars for a root module's variable values).
type TFFile struct {
	Path string // slash-separated, relative to the scanned root
	body *hclsyntax.Body
	vars bool // a .tfvars file
}

// ParseTerraform parses one file. Nothing is evaluated yet: evaluation
// needs the whole module (TerraformUnits).
func ParseTerraform(p string, src []byte) (*TFFile, error) {
	f, diags := hclsyntax.ParseConfig(src, p, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("hcl: %s", firstError(diags))
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("hcl: not a native syntax body")
	}
	return &TFFile{Path: p, body: body, vars: strings.HasSuffix(p, ".tfvars")}, nil
}

func firstError(d hcl.Diagnostics) string {
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			if x.Subject != nil {
				return fmt.Sprintf("%s: %s", x.Subject, x.Summary)
			}
			return x.Summary
		}
	}
	return d.Error()
}

// Limits of module evaluation: real trees nest modules a few levels deep
// and instantiate tens of them; a hostile tree (a module calling itself,
// or a fan-out of calls) stops here, and what was cut is reported.
const (
	maxModuleDepth     = 8
	maxModuleInstances = 500
	maxLocalDepth      = 64
)

// tfModule is the files of one directory.
type tfModule struct {
	dir       string
	files     []*TFFile
	variables map[string]*hclsyntax.Block
	locals    map[string]*hclsyntax.Attribute
	resources []*hclsyntax.Block
	calls     []*hclsyntax.Block
	providers []*hclsyntax.Block
	tfvars    map[string]*hclsyntax.Attribute
}

// TerraformResult is what TerraformUnits found.
type TerraformResult struct {
	Units []Unit
	// Truncated names what the limits cut (a module nested too deeply,
	// too many instances): the scan is then incomplete.
	Truncated []string
}

// TerraformUnits evaluates the modules of a tree. Files are grouped by
// directory into modules; every module no local module call in the tree
// refers to is a root and is instantiated with its variables' defaults
// (and terraform.tfvars / *.auto.tfvars values); module calls with a local
// source ("./x", "../x") are followed with the inputs they pass. Calls of
// registry or git modules are left to the catalog (FormModule): nothing is
// downloaded.
func TerraformUnits(files []*TFFile) TerraformResult {
	mods := map[string]*tfModule{}
	for _, f := range files {
		dir := path.Dir(f.Path)
		m := mods[dir]
		if m == nil {
			m = &tfModule{dir: dir, variables: map[string]*hclsyntax.Block{}, locals: map[string]*hclsyntax.Attribute{}, tfvars: map[string]*hclsyntax.Attribute{}}
			mods[dir] = m
		}
		m.add(f)
	}
	called := map[string]bool{}
	for _, m := range mods {
		for _, c := range m.calls {
			if dir, ok := localSource(m.dir, c); ok && mods[dir] != nil && dir != m.dir {
				called[dir] = true
			}
		}
	}
	dirs := make([]string, 0, len(mods))
	for d := range mods {
		dirs = append(dirs, d)
	}
	sort.Strings(dirs)
	var res TerraformResult
	budget := maxModuleInstances
	for _, d := range dirs {
		m := mods[d]
		if called[d] || !m.declaresAnything() {
			continue
		}
		ev := &tfEval{mods: mods, budget: &budget, res: &res}
		u := Unit{Root: d}
		ev.instance(&u, m, "", nil, map[string]string{}, 0, true)
		if len(u.Declared) > 0 {
			res.Units = append(res.Units, u)
		}
	}
	return res
}

func (m *tfModule) add(f *TFFile) {
	m.files = append(m.files, f)
	if f.vars {
		for name, a := range f.body.Attributes {
			m.tfvars[name] = a
		}
		return
	}
	for _, b := range f.body.Blocks {
		switch b.Type {
		case "resource":
			if len(b.Labels) == 2 {
				m.resources = append(m.resources, b)
			}
		case "module":
			if len(b.Labels) == 1 {
				m.calls = append(m.calls, b)
			}
		case "variable":
			if len(b.Labels) == 1 {
				m.variables[b.Labels[0]] = b
			}
		case "locals":
			for name, a := range b.Body.Attributes {
				m.locals[name] = a
			}
		case "provider":
			m.providers = append(m.providers, b)
		}
	}
}

func (m *tfModule) declaresAnything() bool { return len(m.resources) > 0 || len(m.calls) > 0 }

// localSource resolves a module call's literal local source to a directory.
func localSource(dir string, call *hclsyntax.Block) (string, bool) {
	s := literalSource(call)
	if !strings.HasPrefix(s, "./") && !strings.HasPrefix(s, "../") {
		return "", false
	}
	return path.Clean(path.Join(dir, s)), true
}

// literalSource is a module call's source when it is a literal string.
func literalSource(call *hclsyntax.Block) string {
	if a := call.Body.Attributes["source"]; a != nil {
		if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type().Equals(cty.String) && v.IsKnown() && !v.IsNull() {
			return v.AsString()
		}
	}
	return ""
}

type tfEval struct {
	mods   map[string]*tfModule
	budget *int
	res    *TerraformResult
}

// instance declares the resources of one module instance into u.
func (ev *tfEval) instance(u *Unit, m *tfModule, prefix string, inputs map[string]cty.Value, regions map[string]string, depth int, root bool) {
	s := &tfScope{m: m, prefix: prefix, vars: map[string]cty.Value{}, locals: map[string]cty.Value{}, busy: map[string]bool{}}
	for name, b := range m.variables {
		switch v, ok := inputs[name]; {
		case ok:
			s.vars[name] = v
		case root && m.tfvars[name] != nil:
			s.vars[name] = literal(m.tfvars[name].Expr)
		default:
			s.vars[name] = cty.DynamicVal
			if d := b.Body.Attributes["default"]; d != nil {
				s.vars[name] = literal(d.Expr)
			}
		}
	}
	s.declared = map[string]bool{}
	for _, r := range m.resources {
		s.declared[r.Labels[0]+"."+r.Labels[1]] = true
	}
	regions = s.providerRegions(regions)
	for _, r := range m.resources {
		d := Declared{Form: FormTerraform, Type: r.Labels[0], Address: prefix + r.Labels[0] + "." + r.Labels[1],
			File: r.TypeRange.Filename, Line: r.TypeRange.Start.Line}
		if c := r.Body.Attributes["count"]; c != nil {
			v := s.value(c.Expr)
			if n, ok := v.integer(); ok && n == 0 {
				continue // count = 0: not created
			} else if !ok || n != 1 {
				d.Conditional = true
			}
		}
		d.Region, d.Project = regions[providerOf(r)], regions[providerOf(r)+":project"]
		if fe := r.Body.Attributes["for_each"]; fe != nil {
			keys, vals, ok := forEachItems(s.eval(fe.Expr))
			if !ok { // not literal: declared once, conditional
				d.Conditional = true
				d.Body = s.body(r.Body)
				u.Declared = append(u.Declared, azapi(d))
				continue
			}
			for i, k := range keys { // one instance per key, as Terraform addresses them
				s.each = cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(k), "value": vals[i]})
				inst := d
				inst.Address = fmt.Sprintf("%s[%q]", d.Address, k)
				inst.Body = s.body(r.Body)
				u.Declared = append(u.Declared, azapi(inst))
			}
			s.each = cty.NilVal
			continue
		}
		d.Body = s.body(r.Body)
		u.Declared = append(u.Declared, azapi(d))
	}
	for _, c := range m.calls {
		name := c.Labels[0]
		addr := prefix + "module." + name
		dir, local := localSource(m.dir, c)
		callee := ev.mods[dir]
		if !local || callee == nil {
			// A registry or git module: the catalog may know it (FormModule).
			if src := literalSource(c); src != "" {
				d := Declared{Form: FormModule, Type: moduleType(src), Address: addr, File: c.TypeRange.Filename, Line: c.TypeRange.Start.Line,
					Body: s.body(c.Body)}
				d.Conditional = c.Body.Attributes["count"] != nil || c.Body.Attributes["for_each"] != nil
				u.Declared = append(u.Declared, d)
			}
			continue
		}
		if depth+1 > maxModuleDepth || *ev.budget <= 0 {
			ev.res.Truncated = append(ev.res.Truncated, fmt.Sprintf("%s:%d: %s not followed (module nesting or instance limit)", c.TypeRange.Filename, c.TypeRange.Start.Line, addr))
			continue
		}
		*ev.budget--
		in := map[string]cty.Value{}
		for k, a := range c.Body.Attributes {
			switch k {
			case "source", "version", "count", "for_each", "providers", "depends_on":
				continue
			}
			in[k] = s.eval(a.Expr)
		}
		ev.instance(u, callee, addr+".", in, regions, depth+1, false)
	}
}

// moduleType is a registry module source without its version or
// subdirectory: "aws-ia/bedrock/aws", "Azure/avm-res-.../azurerm".
func moduleType(src string) string {
	src = strings.TrimPrefix(src, "registry.terraform.io/")
	src = strings.TrimPrefix(src, "registry.opentofu.org/")
	src, _, _ = strings.Cut(src, "//")
	src, _, _ = strings.Cut(src, "?")
	return src
}

// providerOf is the provider a resource belongs to: its type's prefix.
func providerOf(r *hclsyntax.Block) string {
	p, _, _ := strings.Cut(r.Labels[0], "_")
	return p
}

// tfScope evaluates expressions of one module instance.
type tfScope struct {
	m        *tfModule
	prefix   string
	vars     map[string]cty.Value
	locals   map[string]cty.Value
	busy     map[string]bool
	declared map[string]bool
	depth    int
	each     cty.Value // each.key and each.value of the for_each instance being read
}

// providerRegions reads the default (unaliased) provider blocks' literal
// region; a module instance inherits its caller's.
func (s *tfScope) providerRegions(parent map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range parent {
		out[k] = v
	}
	for _, p := range s.m.providers {
		if len(p.Labels) != 1 || p.Body.Attributes["alias"] != nil {
			continue
		}
		if a := p.Body.Attributes["region"]; a != nil {
			if v, ok := s.value(a.Expr).text(); ok {
				out[p.Labels[0]] = v
			}
		}
		if a := p.Body.Attributes["project"]; a != nil { // the google provider's default project
			if v, ok := s.value(a.Expr).text(); ok {
				out[p.Labels[0]+":project"] = v
			}
		}
	}
	return out
}

// body turns a block body into a map: attributes evaluated, nested blocks
// as lists of maps (a dynamic block's contents are unknown).
func (s *tfScope) body(b *hclsyntax.Body) Value {
	out := newMap(len(b.Attributes) + len(b.Blocks))
	for name, a := range b.Attributes {
		switch name {
		case "count", "for_each", "depends_on", "provider":
			continue
		}
		out.set(name, s.value(a.Expr))
	}
	dynamic := map[string]bool{}
	for _, blk := range b.Blocks {
		if blk.Type == "dynamic" && len(blk.Labels) == 1 {
			dynamic[norm(blk.Labels[0])] = true
			out.set(blk.Labels[0], unknown())
		}
	}
	for _, blk := range b.Blocks {
		k := norm(blk.Type)
		switch {
		case blk.Type == "lifecycle" || blk.Type == "provisioner" || blk.Type == "connection" || blk.Type == "dynamic":
			continue
		case dynamic[k]: // some blocks of this type are dynamic: all unknown
			continue
		}
		cur := out.M[k]
		cur.Type = List
		cur.L = append(cur.L, s.body(blk.Body))
		out.M[k] = cur
	}
	return out
}

// value evaluates an expression into a Value; a reference to a resource
// declared in the same module instance keeps the resource's address.
func (s *tfScope) value(e hclsyntax.Expression) Value {
	if t, ok := e.(*hclsyntax.ScopeTraversalExpr); ok && len(t.Traversal) >= 2 {
		root := t.Traversal.RootName()
		if attr, ok := t.Traversal[1].(hcl.TraverseAttr); ok {
			addr := root + "." + attr.Name
			switch {
			case s.declared[addr]:
				return refTo(s.prefix + addr)
			case root == "data" || strings.Contains(root, "_") && !strings.HasPrefix(root, "var") && root != "local" && root != "each" && root != "count":
				// A managed resource or data source not declared here: its
				// attribute is set, its value unknown.
				return nonNull()
			}
		}
	}
	v := fromCty(s.eval(e))
	if t, ok := e.(*hclsyntax.TemplateExpr); ok && !v.Known() {
		for _, p := range t.Parts {
			if l, ok := p.(*hclsyntax.LiteralValueExpr); ok && l.Val.Type() == cty.String && l.Val.AsString() != "" {
				v.Set = true // "prefix-${x}" is never null
			}
		}
	}
	return v
}

// eval evaluates an expression with var, local and a safe set of
// functions; anything else it reads (resources, data sources, modules,
// each, count, path) is unknown, and so is any function that would read a
// file or the network (not provided: the call is an error, so unknown).
func (s *tfScope) eval(e hclsyntax.Expression) cty.Value {
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: safeFunctions}
	vars := map[string]cty.Value{}
	locals := map[string]cty.Value{}
	for _, t := range e.Variables() {
		root := t.RootName()
		switch root {
		case "var":
			if len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok {
					if v, ok := s.vars[a.Name]; ok {
						vars[a.Name] = v
					} else {
						vars[a.Name] = cty.DynamicVal
					}
				}
			}
		case "local":
			if len(t) > 1 {
				if a, ok := t[1].(hcl.TraverseAttr); ok {
					locals[a.Name] = s.local(a.Name)
				}
			}
		case "each":
			ctx.Variables["each"] = cty.DynamicVal
			if s.each != cty.NilVal {
				ctx.Variables["each"] = s.each
			}
		default:
			ctx.Variables[root] = cty.DynamicVal
		}
	}
	ctx.Variables["var"] = cty.ObjectVal(vars)
	ctx.Variables["local"] = cty.ObjectVal(locals)
	v, diags := e.Value(ctx)
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}

// local evaluates a local value once, in dependency order; a cycle or a
// chain deeper than maxLocalDepth is unknown.
func (s *tfScope) local(name string) cty.Value {
	if v, ok := s.locals[name]; ok {
		return v
	}
	a := s.m.locals[name]
	if a == nil || s.busy[name] || s.depth >= maxLocalDepth {
		return cty.DynamicVal
	}
	s.busy[name] = true
	s.depth++
	v := s.eval(a.Expr)
	s.depth--
	delete(s.busy, name)
	s.locals[name] = v
	return v
}

// literal evaluates an expression with nothing in scope (a variable's
// default, a tfvars value).
func literal(e hclsyntax.Expression) cty.Value {
	v, diags := e.Value(&hcl.EvalContext{Functions: safeFunctions})
	if diags.HasErrors() {
		return cty.DynamicVal
	}
	return v
}

// safeFunctions are the Terraform functions evaluated here: pure ones over
// values already in memory, none that reads a file, the environment or the
// network, none whose output can be far larger than its input.
var safeFunctions = map[string]function.Function{
	"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "join": stdlib.JoinFunc, "concat": stdlib.ConcatFunc,
	"merge": stdlib.MergeFunc, "lookup": stdlib.LookupFunc, "coalesce": stdlib.CoalesceFunc, "length": stdlib.LengthFunc,
	"tostring": stdlib.MakeToFunc(cty.String), "tobool": stdlib.MakeToFunc(cty.Bool), "tonumber": stdlib.MakeToFunc(cty.Number),
	"jsonencode": stdlib.JSONEncodeFunc, "contains": stdlib.ContainsFunc, "element": stdlib.ElementFunc,
	"trimspace": stdlib.TrimSpaceFunc, "try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
	"toset": stdlib.MakeToFunc(cty.Set(cty.DynamicPseudoType)), "tolist": stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
	"tomap": stdlib.MakeToFunc(cty.Map(cty.DynamicPseudoType)),
}

// fromCty converts an evaluated value.
func fromCty(v cty.Value) Value {
	v, _ = v.UnmarkDeep()
	if !v.IsKnown() {
		return unknown()
	}
	if v.IsNull() {
		return Value{Type: Null}
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return str(v.AsString())
	case t == cty.Bool:
		return boolean(v.True())
	case t == cty.Number:
		f, _ := v.AsBigFloat().Float64()
		return number(f)
	case t.IsListType() || t.IsTupleType() || t.IsSetType():
		if !v.IsWhollyKnown() && v.LengthInt() == 0 {
			return unknown()
		}
		out := Value{Type: List}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out.L = append(out.L, fromCty(e))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := newMap(v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out.set(k.AsString(), fromCty(e))
		}
		return out
	}
	return unknown()
}

// TerraformFile reports whether a file name is read as Terraform.
func TerraformFile(name string) bool {
	b := strings.ToLower(path.Base(name))
	return strings.HasSuffix(b, ".tf") || b == "terraform.tfvars" || strings.HasSuffix(b, ".auto.tfvars")
}

// maxForEach bounds the instances one for_each expands to.
const maxForEach = 256

// forEachItems returns the keys and values of a for_each value that is
// wholly known: a map or object (by key), or a set or list of strings
// (each.value is the key). ok is false for anything else.
func forEachItems(v cty.Value) (keys []string, vals []cty.Value, ok bool) {
	v, _ = v.UnmarkDeep()
	if !v.IsWhollyKnown() || v.IsNull() || v.LengthInt() > maxForEach {
		return nil, nil, false
	}
	t := v.Type()
	switch {
	case t.IsMapType() || t.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			keys, vals = append(keys, k.AsString()), append(vals, e)
		}
	case t.IsSetType() || t.IsListType() || t.IsTupleType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !e.Type().Equals(cty.String) || e.IsNull() {
				return nil, nil, false
			}
			keys, vals = append(keys, e.AsString()), append(vals, e)
		}
	default:
		return nil, nil, false
	}
	return keys, vals, true
}
