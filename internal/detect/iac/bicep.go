package iac

import (
	"fmt"
	"path"
	"strconv"
	"strings"
)

// BicepFile is one .bicep file, kept whole: a file is parsed once per
// instance, with the parameter values its caller passes.
type BicepFile struct {
	Path string
	src  []byte
}

// NewBicepFile keeps a .bicep file for BicepUnits.
func NewBicepFile(p string, src []byte) *BicepFile { return &BicepFile{Path: p, src: src} }

// bicepCall is a module statement with a local path.
type bicepCall struct {
	sym, path string
	params    Value
	line      int
	cond      bool
}

// BicepUnits reads the resource declarations of a tree's Bicep files
// without a Bicep compiler: `resource sym 'Type@version' = {...}` (also
// `= if (...) {...}` and `= [for ...: {...}]`, which are conditional),
// nested child resources, and the literal parts of their bodies. Files no
// local module statement of the tree refers to are roots, read with their
// params' literal defaults; module statements with a local path are
// followed with the params they pass (bounded, as Terraform's). A literal
// param or var is read where an identifier names it; a resource symbol
// (sym, sym.id, sym.name) keeps the symbol (paths may follow it); every
// other expression is unknown. `existing` resources are references, not
// declarations, and are skipped.
func BicepUnits(files []*BicepFile) (TerraformResult, []error) {
	byPath := map[string]*BicepFile{}
	for _, f := range files {
		byPath[f.Path] = f
	}
	called := map[string]bool{}
	var errs []error
	for _, f := range files {
		_, calls, err := bicep(f.Path, f.src, nil, "")
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Path, err))
		}
		for _, c := range calls {
			if c.path != f.Path {
				called[c.path] = true
			}
		}
	}
	var res TerraformResult
	budget := maxModuleInstances
	var inst func(u *Unit, f *BicepFile, params map[string]Value, prefix string, cond bool, depth int)
	inst = func(u *Unit, f *BicepFile, params map[string]Value, prefix string, cond bool, depth int) {
		got, calls, _ := bicep(f.Path, f.src, params, prefix)
		for _, d := range got.Declared {
			d.Conditional = d.Conditional || cond
			u.Declared = append(u.Declared, d)
		}
		for _, c := range calls {
			callee := byPath[c.path]
			if callee == nil {
				continue
			}
			if depth+1 > maxModuleDepth || budget <= 0 {
				res.Truncated = append(res.Truncated, fmt.Sprintf("%s:%d: module %s not followed (module nesting or instance limit)", f.Path, c.line, c.sym))
				continue
			}
			budget--
			in := map[string]Value{}
			if c.params.Type == Map {
				for k, v := range c.params.M {
					in[c.params.Keys[k]] = v
				}
			} else if c.params.Type == Unknown {
				in = nil // every param unknown
			}
			inst(u, callee, in, prefix+"module."+c.sym+".", cond || c.cond, depth+1)
		}
	}
	for _, f := range files {
		if called[f.Path] {
			continue
		}
		u := Unit{Root: f.Path}
		inst(&u, f, nil, "", false, 0)
		if len(u.Declared) > 0 {
			res.Units = append(res.Units, u)
		}
	}
	return res, errs
}

// bicep parses one file. params nil: a root (defaults apply); non-nil:
// the values a module statement passes (a param it does not pass keeps
// its default). Addresses are prefixed.
func bicep(file string, src []byte, params map[string]Value, prefix string) (Unit, []bicepCall, error) {
	p := &bicepParser{src: src, file: file, lits: map[string]Value{}, syms: map[string]bool{}, shadow: map[string]bool{}, left: maxNodes, params: params, prefix: prefix}
	// First pass: symbols and literal params and vars, so that a body may
	// name one declared below it.
	p.declarations(true)
	p.pos, p.line, p.left = 0, 1, maxNodes
	p.declarations(false)
	return p.u, p.calls, p.err
}

type bicepParser struct {
	src       []byte
	pos, line int
	file      string
	lits      map[string]Value
	syms      map[string]bool
	params    map[string]Value
	prefix    string
	u         Unit
	calls     []bicepCall
	shadow    map[string]bool // loop variables of the body being read
	left      int
	err       error
}

// declarations reads top-level statements; prepass only records names.
func (p *bicepParser) declarations(prepass bool) {
	for p.err == nil {
		p.space(true)
		if p.pos >= len(p.src) {
			return
		}
		if p.peek() == '@' { // a decorator: @description('...')
			p.pos++
			p.ident()
			p.space(false)
			if p.peek() == '(' {
				p.skipBalanced()
			}
			continue
		}
		start := p.line
		kw := p.ident()
		p.space(false)
		switch kw {
		case "resource":
			p.resource(prepass, "", "", start, 0)
		case "param", "var":
			name := p.ident()
			p.space(false)
			if kw == "param" { // param name type [= default]
				p.restOfType()
				if ov, ok := p.params[name]; ok && prepass {
					p.lits[name] = ov
				}
			}
			p.space(false)
			if p.peek() != '=' {
				p.skipLine()
				continue
			}
			p.pos++
			v := p.value(0)
			if _, passed := p.params[name]; prepass && v.Known() && !(kw == "param" && passed) {
				p.lits[name] = v
			}
		case "module":
			p.module(prepass, start)
		case "":
			p.pos++ // not an identifier: step over it
		default:
			p.skipLine()
		}
	}
}

// resource reads `resource sym 'type' [existing] = ...` after the keyword.
func (p *bicepParser) resource(prepass bool, parentType, parentSym string, line, depth int) {
	sym := p.ident()
	p.space(false)
	t, ok := p.quoted()
	if !ok || sym == "" {
		p.skipLine()
		return
	}
	if prepass {
		p.syms[sym] = true
	}
	p.space(false)
	existing := false
	if p.hasWord("existing") {
		p.ident()
		existing = true
		p.space(false)
	}
	if p.peek() != '=' {
		p.skipLine()
		return
	}
	p.pos++
	p.space(false)
	h := p.header(!prepass)
	if h.loop && !h.expand {
		for _, v := range h.vars {
			p.shadow[v] = true
			defer delete(p.shadow, v)
		}
	}
	typ, _, _ := strings.Cut(t, "@")
	if parentType != "" && !strings.Contains(typ, ".") {
		typ = parentType + "/" + typ
	}
	if p.peek() != '{' {
		p.skipLine()
		return
	}
	if h.expand { // a loop over a literal array: one declaration per item
		start, startLine := p.pos, p.line
		for i, it := range h.items {
			p.pos, p.line = start, startLine
			saved := map[string]Value{}
			for j, v := range h.vars {
				saved[v] = p.lits[v]
				p.lits[v] = it
				if j == 1 {
					p.lits[v] = number(float64(i))
				}
			}
			body := p.object(0, typ, sym, depth, prepass)
			for v, old := range saved {
				p.lits[v] = old
			}
			if !existing && body.Type == Map {
				p.declare(typ, fmt.Sprintf("%s[%d]", sym, i), parentSym, line, body, h.cond)
			}
		}
		if len(h.items) == 0 {
			p.skipBalanced()
		}
		p.space(true)
		if p.peek() == ']' {
			p.pos++
		}
		return
	}
	body := p.object(0, typ, sym, depth, prepass)
	if h.loop {
		p.space(true)
		if p.peek() == ']' {
			p.pos++
		}
	}
	if prepass || existing || body.Type != Map {
		return
	}
	p.declare(typ, sym, parentSym, line, body, h.cond)
}

// header is what stands between a declaration's `=` and its body.
type header struct {
	cond   bool     // an `if`, or a loop that is not expanded: zero or more times
	loop   bool     // a `[for ...: body]`: the body is followed by `]`
	vars   []string // the loop's variables
	expand bool     // the loop runs over a literal array: one declaration per item
	items  []Value
}

// header reads `if (condition)` or `[for vars in xs:` (with an optional
// `if (condition)` after the colon) up to the body. A loop over a literal
// array is expanded when expand is asked (not in the prepass, not for
// module statements).
func (p *bicepParser) header(expand bool) header {
	var h header
	switch {
	case p.hasWord("if"):
		p.ident()
		p.space(false)
		p.skipBalanced() // (condition)
		p.space(false)
		h.cond = true
	case p.peek() == '[':
		p.pos++
		p.space(true)
		if !p.hasWord("for") {
			return h
		}
		h.loop = true
		p.ident()
		p.space(false)
		h.vars = p.loopVars()
		p.space(false)
		if p.hasWord("in") {
			p.ident()
			p.space(false)
			id := p.ident()
			p.space(false)
			if l := p.lits[id]; expand && p.peek() == ':' && l.Type == List {
				h.items, h.expand = l.L, true
			}
		}
		for p.pos < len(p.src) && p.peek() != ':' && p.peek() != '\n' {
			if p.peek() == '(' {
				p.skipBalanced()
				continue
			}
			p.pos++
		}
		if p.peek() == ':' {
			p.pos++
		}
		p.space(true)
		h.cond = !h.expand
		if p.hasWord("if") {
			p.ident()
			p.space(false)
			p.skipBalanced()
			p.space(true)
			h.cond = true
		}
	}
	return h
}

func (p *bicepParser) declare(typ, addr, parentSym string, line int, body Value, cond bool) {
	if parentSym != "" {
		if _, has := body.M["parent"]; !has {
			body.set("parent", refTo(p.prefix+parentSym))
		}
	}
	p.u.Declared = append(p.u.Declared, Declared{Form: FormARM, Type: typ, Address: p.prefix + addr, File: p.file, Line: line, Body: body, Conditional: cond})
}

// module reads `module sym 'path' = [if (...)|[for ...:] {...}`; a local
// path (not a registry br: or template spec ts: reference) is kept as a
// call with its params.
func (p *bicepParser) module(prepass bool, line int) {
	sym := p.ident()
	p.space(false)
	target, ok := p.quoted()
	if !ok || sym == "" {
		p.skipLine()
		return
	}
	p.space(false)
	if p.peek() != '=' {
		p.skipLine()
		return
	}
	p.pos++
	p.space(false)
	h := p.header(false)
	if h.loop {
		for _, v := range h.vars {
			p.shadow[v] = true
			defer delete(p.shadow, v)
		}
	}
	if p.peek() != '{' {
		p.skipLine()
		return
	}
	body := p.object(0, "", "", 0, true)
	if h.loop {
		p.space(true)
		if p.peek() == ']' {
			p.pos++
		}
	}
	if prepass || strings.Contains(target, ":") {
		return
	}
	params, absent := body.field("params")
	if absent {
		params = newMap(0)
	}
	p.calls = append(p.calls, bicepCall{sym: sym, path: path.Clean(path.Join(path.Dir(p.file), target)), params: params, line: line, cond: h.cond})
}

// value reads one expression: a literal, object or array is read; an
// identifier may name a literal param/var or a resource symbol; anything
// else is skipped to the end of the expression and unknown.
func (p *bicepParser) value(depth int) Value {
	p.space(false)
	if p.left--; p.left < 0 || depth > 128 {
		p.err = fmt.Errorf("%s: bicep: nested too deeply or too large", p.file)
		p.pos = len(p.src)
		return unknown()
	}
	var v Value
	switch c := p.peek(); {
	case c == '{':
		v = p.object(depth+1, "", "", 0, true)
	case c == '[':
		v = p.array(depth + 1)
	case c == '\'':
		s, ok := p.quoted()
		if !ok {
			v = nonNull() // an interpolated string
		} else {
			v = str(s)
		}
	case c == '-' || c >= '0' && c <= '9':
		start := p.pos
		p.pos++
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.') {
			p.pos++
		}
		f, err := strconv.ParseFloat(string(p.src[start:p.pos]), 64)
		if err != nil {
			v = unknown()
		} else {
			v = number(f)
		}
	default:
		id := p.ident()
		switch {
		case id == "true" || id == "false":
			v = boolean(id == "true")
		case id == "null":
			v = Value{Type: Null}
		case p.shadow[id]:
			v = unknown() // a loop variable
		case id != "" && p.lits[id].Known() && p.atEnd(false):
			v = p.lits[id] // a literal param or var, or the item of a loop (which shadows a symbol)
		case id != "" && p.lits[id].Type == Map && p.peek() == '.':
			v = p.member(p.lits[id]) // item.name, item.model.format
		case id != "" && p.syms[id] && p.atEnd(true):
			v = refTo(p.prefix + id)
		case id != "" && p.syms[id]:
			v = refTo(p.prefix + id) // sym.id, sym.name, sym.properties.x
		default:
			v = unknown()
		}
	}
	// Whatever follows on the expression (an operator, a member access,
	// a call, a ternary) makes it an expression we do not evaluate.
	if !p.atEnd(false) {
		if v.Ref == "" {
			v = unknown()
		}
		p.skipExpr()
	}
	return v
}

// atEnd reports whether the expression ends here (newline, comma, closing
// bracket or brace, comment); member allows a following .member access.
func (p *bicepParser) atEnd(member bool) bool {
	i := p.pos
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t' || p.src[i] == '\r') {
		i++
	}
	if i >= len(p.src) {
		return true
	}
	switch c := p.src[i]; c {
	case '\n', ',', '}', ']', ')':
		return true
	case '/':
		return i+1 < len(p.src) && (p.src[i+1] == '/' || p.src[i+1] == '*')
	case '.':
		return member
	}
	return false
}

// skipExpr skips to the end of the current expression.
func (p *bicepParser) skipExpr() {
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; c {
		case '\n', ',', '}', ']', ')':
			return
		case '(', '[', '{':
			p.skipBalanced()
		case '\'':
			p.quoted()
		default:
			p.pos++
		}
	}
}

func (p *bicepParser) object(depth int, typ, sym string, rdepth int, prepass bool) Value {
	p.pos++ // {
	out := newMap(8)
	for p.err == nil {
		p.space(true)
		if p.pos >= len(p.src) {
			return out
		}
		if p.peek() == '}' {
			p.pos++
			return out
		}
		if p.peek() == ',' {
			p.pos++
			continue
		}
		if p.peek() == '@' {
			p.pos++
			p.ident()
			if p.peek() == '(' {
				p.skipBalanced()
			}
			continue
		}
		line := p.line
		var key string
		if p.peek() == '\'' {
			key, _ = p.quoted()
		} else {
			key = p.ident()
		}
		if key == "" {
			p.skipExpr()
			if p.pos < len(p.src) && p.peek() != '}' {
				p.pos++
			}
			continue
		}
		p.space(false)
		if key == "resource" && p.peek() != ':' && typ != "" { // a nested child resource
			p.resource(prepass, typ, sym, line, rdepth+1)
			continue
		}
		if p.peek() != ':' {
			p.skipExpr()
			continue
		}
		p.pos++
		out.set(key, p.value(depth))
	}
	return out
}

func (p *bicepParser) array(depth int) Value {
	p.pos++ // [
	p.space(true)
	if p.hasWord("for") { // a loop expression
		p.pos--
		p.skipBalanced()
		return unknown()
	}
	out := Value{Type: List}
	for p.err == nil {
		p.space(true)
		if p.pos >= len(p.src) {
			return out
		}
		switch p.peek() {
		case ']':
			p.pos++
			return out
		case ',':
			p.pos++
			continue
		}
		start := p.pos
		out.L = append(out.L, p.value(depth))
		if p.pos == start {
			p.pos++
		}
	}
	return out
}

// quoted reads a single-quoted string; one with an interpolation is not
// literal (ok false). Multi-line ”' strings are literal.
func (p *bicepParser) quoted() (string, bool) {
	if strings.HasPrefix(string(p.src[p.pos:min(p.pos+3, len(p.src))]), "'''") {
		end := strings.Index(string(p.src[p.pos+3:]), "'''")
		if end < 0 {
			p.pos = len(p.src)
			return "", false
		}
		s := string(p.src[p.pos+3 : p.pos+3+end])
		p.line += strings.Count(s, "\n")
		p.pos += end + 6
		return s, true
	}
	if p.peek() != '\'' {
		return "", false
	}
	p.pos++
	var b strings.Builder
	interp := false
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src):
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
			continue
		case c == '\'':
			p.pos++
			return b.String(), !interp
		case c == '$' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '{':
			interp = true
		case c == '\n':
			p.line++
		}
		b.WriteByte(c)
		p.pos++
	}
	return b.String(), false
}

func (p *bicepParser) peek() byte {
	if p.pos >= len(p.src) {
		return 0
	}
	return p.src[p.pos]
}

func (p *bicepParser) ident() string {
	start := p.pos
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || p.pos > start && c >= '0' && c <= '9' {
			p.pos++
			continue
		}
		break
	}
	return string(p.src[start:p.pos])
}

func (p *bicepParser) hasWord(w string) bool {
	rest := p.src[p.pos:]
	if len(rest) < len(w) || string(rest[:len(w)]) != w {
		return false
	}
	if len(rest) == len(w) {
		return true
	}
	c := rest[len(w)]
	return !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')
}

// space skips blanks and comments; newlines too when nl.
func (p *bicepParser) space(nl bool) {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			p.pos++
		case c == '\n' && nl:
			p.line++
			p.pos++
		case c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '*':
			end := strings.Index(string(p.src[p.pos+2:]), "*/")
			if end < 0 {
				p.pos = len(p.src)
				return
			}
			p.line += strings.Count(string(p.src[p.pos:p.pos+2+end]), "\n")
			p.pos += end + 4
		default:
			return
		}
	}
}

// skipBalanced skips a bracketed group ((), [], {}) with its strings.
func (p *bicepParser) skipBalanced() {
	depth := 0
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
			if depth <= 0 {
				p.pos++
				return
			}
		case '\'':
			p.quoted()
			continue
		case '\n':
			p.line++
		}
		p.pos++
	}
}

// skipLine skips the rest of a statement: to the end of its line,
// including any bracketed group that spans lines.
func (p *bicepParser) skipLine() {
	for p.pos < len(p.src) && p.src[p.pos] != '\n' {
		if c := p.src[p.pos]; c == '(' || c == '[' || c == '{' {
			p.skipBalanced()
			continue
		}
		if p.src[p.pos] == '\'' {
			p.quoted()
			continue
		}
		p.pos++
	}
}

// restOfType skips a param's type (string, int, 'a' | 'b', object, a
// user-defined type name, with ? or [] suffixes).
func (p *bicepParser) restOfType() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		if c == '=' || c == '\n' {
			return
		}
		if c == '\'' {
			p.quoted()
			continue
		}
		if c == '{' || c == '(' {
			p.skipBalanced()
			continue
		}
		p.pos++
	}
}

// loopVars reads a for loop's variables: `x` or `(x, i)`.
func (p *bicepParser) loopVars() []string {
	if p.peek() != '(' {
		return []string{p.ident()}
	}
	p.pos++
	var out []string
	for p.pos < len(p.src) && p.peek() != ')' && p.peek() != '\n' {
		p.space(false)
		if id := p.ident(); id != "" {
			out = append(out, id)
			continue
		}
		p.pos++
	}
	if p.peek() == ')' {
		p.pos++
	}
	return out
}

// member reads a chain of .name accesses on a literal object; a missing
// member is unknown.
func (p *bicepParser) member(v Value) Value {
	for p.peek() == '.' && v.Known() {
		p.pos++
		k := p.ident()
		x, absent := v.field(k)
		if absent || k == "" {
			v = unknown()
			break
		}
		v = x
	}
	return v
}
