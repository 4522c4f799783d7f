package iac

import (
	"bytes"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Pulumi programs in Python and TypeScript/JavaScript are code, not
// data: only what is plain is read here. A resource is a constructor call
// of a provider package's class whose arguments are literals:
//
//	new aws.sagemaker.NotebookInstance("nb", { rootAccess: "Disabled" })   // TypeScript
//	aws.sagemaker.NotebookInstance("nb", root_access="Disabled")            # Python
//
// The package is known from its import (`import * as aws from
// "@pulumi/aws"`, `import pulumi_aws as aws`, `from pulumi_azure_native
// import cognitiveservices`); the call's module path and class give the
// type token (aws:sagemaker/notebookInstance:NotebookInstance,
// azure-native:cognitiveservices:Account). Arguments that are literals
// (strings, numbers, booleans, objects and dicts, lists, Python `XArgs(...)`
// calls) are read; a variable, a call or an expression is unknown.

// pulumiPackages maps a Pulumi SDK package to its type token's package.
var pulumiPackages = map[string]string{
	"@pulumi/aws": "aws", "pulumi_aws": "aws",
	"@pulumi/aws-native": "aws-native", "pulumi_aws_native": "aws-native",
	"@pulumi/azure": "azure", "pulumi_azure": "azure",
	"@pulumi/azure-native": "azure-native", "pulumi_azure_native": "azure-native",
	"@pulumi/gcp": "gcp", "pulumi_gcp": "gcp",
}

var (
	tsImportStar  = regexp.MustCompile(`import\s+\*\s+as\s+(\w+)\s+from\s+["'](@pulumi/[\w-]+)["']`)
	tsImportNamed = regexp.MustCompile(`import\s+\{([^}]*)\}\s+from\s+["'](@pulumi/[\w-]+)["']`)
	tsRequire     = regexp.MustCompile(`(?:const|let|var)\s+(\w+)\s*=\s*require\(\s*["'](@pulumi/[\w-]+)["']\s*\)`)
	pyImportAs    = regexp.MustCompile(`(?m)^\s*import\s+(pulumi_[\w]+)(?:\s+as\s+(\w+))?`)
	pyFromImport  = regexp.MustCompile(`(?m)^[ \t]*from[ \t]+(pulumi_\w+)[ \t]+import[ \t]+(?:\(([\w\s,]+)\)|([\w \t,]+))`)
)

var pulumiPy, pulumiJS = []byte("pulumi_"), []byte("@pulumi/")

// PulumiProgram reports whether a file may be a Pulumi program: a Python,
// TypeScript or JavaScript file that imports a provider SDK.
func PulumiProgram(name string, src []byte) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".py":
		return bytes.Contains(src, pulumiPy)
	case ".ts", ".js", ".mjs", ".cjs":
		return bytes.Contains(src, pulumiJS)
	}
	return false
}

// pulumiCode reads a Pulumi program's plain resource constructors.
func pulumiCode(file string, src []byte) Unit {
	text := string(src)
	py := strings.EqualFold(path.Ext(file), ".py")
	// alias -> (package, module prefix): "aws" -> ("aws", ""),
	// "cognitiveservices" (from pulumi_azure_native import ...) ->
	// ("azure-native", "cognitiveservices").
	type ref struct{ pkg, module string }
	aliases := map[string]ref{}
	if py {
		for _, m := range pyImportAs.FindAllStringSubmatch(text, -1) {
			if pkg, ok := pulumiPackages[m[1]]; ok {
				alias := m[2]
				if alias == "" {
					alias = m[1]
				}
				aliases[alias] = ref{pkg, ""}
			}
		}
		for _, m := range pyFromImport.FindAllStringSubmatch(text, -1) {
			if pkg, ok := pulumiPackages[m[1]]; ok {
				for _, name := range strings.Split(m[2]+","+m[3], ",") {
					f := strings.Fields(name)
					if len(f) == 1 {
						aliases[f[0]] = ref{pkg, f[0]}
					} else if len(f) == 3 && f[1] == "as" {
						aliases[f[2]] = ref{pkg, f[0]}
					}
				}
			}
		}
	} else {
		for _, re := range []*regexp.Regexp{tsImportStar, tsRequire} {
			for _, m := range re.FindAllStringSubmatch(text, -1) {
				if pkg, ok := pulumiPackages[m[2]]; ok {
					aliases[m[1]] = ref{pkg, ""}
				}
			}
		}
		for _, m := range tsImportNamed.FindAllStringSubmatch(text, -1) {
			if pkg, ok := pulumiPackages[m[2]]; ok {
				for _, name := range strings.Split(m[1], ",") {
					f := strings.Fields(name)
					if len(f) == 1 {
						aliases[f[0]] = ref{pkg, f[0]}
					} else if len(f) == 3 && f[1] == "as" {
						aliases[f[2]] = ref{pkg, f[0]}
					}
				}
			}
		}
	}
	u := Unit{Root: file}
	if len(aliases) == 0 {
		return u
	}
	p := &codeParser{src: src, py: py, left: maxNodes, vars: map[string]string{}}
	lines := lineCounter{src: src, line: 1}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if !isIdentStart(c) || i > 0 && (isIdent(src[i-1]) || src[i-1] == '.') {
			continue
		}
		j := i
		for j < len(src) && (isIdent(src[j]) || src[j] == '.') {
			j++
		}
		dotted := string(src[i:j])
		parts := strings.Split(dotted, ".")
		r, ok := aliases[parts[0]]
		if !ok || len(parts) < 2 {
			i = j - 1
			continue
		}
		mods := parts[1 : len(parts)-1]
		if r.module != "" {
			mods = append([]string{r.module}, mods...)
		}
		class := parts[len(parts)-1]
		k := j
		for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
			k++
		}
		if len(mods) == 0 || k >= len(src) || src[k] != '(' || class == "" || class[0] < 'A' || class[0] > 'Z' || strings.HasSuffix(class, "Args") {
			i = j - 1
			continue
		}
		token := pulumiToken(r.pkg, strings.Join(mods, "/"), class)
		p.pos = k
		args := p.args()
		name, body := "", newMap(0)
		if len(args.L) > 0 {
			name, _ = args.L[0].text()
		}
		if len(args.L) > 1 && args.L[1].Type == Map {
			body = args.L[1]
		}
		for k, v := range args.M { // Python keyword arguments
			body.M[k], body.Keys[k] = v, args.Keys[k]
		}
		line := lines.at(i)
		if name == "" {
			name = token + "@" + strconv.Itoa(line)
		}
		u.Declared = append(u.Declared, Declared{Form: FormPulumi, Type: token, Address: name, File: file, Line: line, Body: body})
		if v := assignedTo(src, i); v != "" {
			p.vars[v] = name
		}
		i = max(p.pos, j) - 1
	}
	return u
}

// pulumiToken builds a type token from an SDK's module path and class:
// bridged providers name the resource module after the class
// (aws:sagemaker/notebookInstance:NotebookInstance); the native ones do
// not (azure-native:cognitiveservices:Account, aws-native:bedrock:Agent).
func pulumiToken(pkg, module, class string) string {
	if pkg == "azure-native" || pkg == "aws-native" {
		return pkg + ":" + module + ":" + class
	}
	return pkg + ":" + module + "/" + strings.ToLower(class[:1]) + class[1:] + ":" + class
}

// lineCounter gives the line of offsets that only grow, counting each
// newline once: a file of many resources costs one pass, not one per
// resource.
type lineCounter struct {
	src       []byte
	off, line int
}

func (l *lineCounter) at(off int) int {
	if off > l.off {
		l.line += bytes.Count(l.src[l.off:off], []byte{'\n'})
		l.off = off
	}
	return l.line
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdent(c byte) bool      { return isIdentStart(c) || c >= '0' && c <= '9' }

// codeParser reads literal arguments of a Python or JavaScript call.
type codeParser struct {
	src  []byte
	pos  int
	py   bool
	left int
	// vars are the program's variables that hold a resource read above
	// (const cfg = new aws.sagemaker.EndpointConfiguration("cfg", ...)):
	// cfg.name is a reference to it.
	vars map[string]string
}

// args reads `(...)`: positional arguments in L, Python keyword
// arguments in M.
func (p *codeParser) args() Value {
	out := Value{Type: Map, M: map[string]Value{}, Keys: map[string]string{}}
	p.pos++ // (
	for p.pos < len(p.src) {
		p.space()
		if p.pos >= len(p.src) {
			break
		}
		switch p.src[p.pos] {
		case ')':
			p.pos++
			return out
		case ',':
			p.pos++
			continue
		}
		// keyword=value (Python)
		if p.py {
			s := p.pos
			for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
				p.pos++
			}
			if p.pos > s && p.pos < len(p.src) && p.src[p.pos] == '=' && (p.pos+1 >= len(p.src) || p.src[p.pos+1] != '=') {
				key := string(p.src[s:p.pos])
				p.pos++
				out.set(key, p.value(0))
				continue
			}
			p.pos = s
		}
		start := p.pos
		out.L = append(out.L, p.value(0))
		if p.pos == start {
			p.pos++
		}
	}
	return out
}

func (p *codeParser) space() {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case p.py && c == '#', !p.py && c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '/':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case !p.py && c == '/' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '*':
			end := strings.Index(string(p.src[p.pos+2:]), "*/")
			if end < 0 {
				p.pos = len(p.src)
				return
			}
			p.pos += end + 4
		default:
			return
		}
	}
}

// value reads one argument expression; what is not a literal is skipped
// to the end of the expression and unknown.
func (p *codeParser) value(depth int) Value {
	p.space()
	if p.left--; p.left < 0 || depth > 64 || p.pos >= len(p.src) {
		p.pos = len(p.src)
		return unknown()
	}
	var v Value
	switch c := p.src[p.pos]; {
	case c == '"' || c == '\'' || c == '`':
		s, ok := p.str()
		if ok {
			v = str(s)
		} else {
			v = nonNull()
		}
	case c == '{':
		v = p.object(depth)
	case c == '[':
		v = p.list(depth)
	case c == '-' || c >= '0' && c <= '9':
		s := p.pos
		p.pos++
		for p.pos < len(p.src) && (p.src[p.pos] >= '0' && p.src[p.pos] <= '9' || p.src[p.pos] == '.' || p.src[p.pos] == '_') {
			p.pos++
		}
		if f, err := strconv.ParseFloat(strings.ReplaceAll(string(p.src[s:p.pos]), "_", ""), 64); err == nil {
			v = number(f)
		}
	default:
		s := p.pos
		for p.pos < len(p.src) && (isIdent(p.src[p.pos]) || p.src[p.pos] == '.') {
			p.pos++
		}
		id := string(p.src[s:p.pos])
		root, _, member := strings.Cut(id, ".")
		switch id {
		case "True", "true":
			v = boolean(true)
		case "False", "false":
			v = boolean(false)
		case "None", "null", "undefined":
			v = Value{Type: Null}
		default:
			if addr, ok := p.vars[root]; ok && member {
				v = refTo(addr) // cfg.name, cfg.arn: the resource cfg holds
				break
			}
			if p.pos < len(p.src) && p.src[p.pos] == '(' && p.py && strings.HasSuffix(id, "Args") {
				a := p.args() // a Python XArgs(...) is an object of its keywords
				v = Value{Type: Map, M: a.M, Keys: a.Keys}
			}
		}
	}
	if !p.atEnd() {
		v = unknown()
		p.skip()
	}
	return v
}

func (p *codeParser) atEnd() bool {
	i := p.pos
	for i < len(p.src) && (p.src[i] == ' ' || p.src[i] == '\t' || p.src[i] == '\r' || p.src[i] == '\n') {
		i++
	}
	return i >= len(p.src) || strings.IndexByte(",)}]", p.src[i]) >= 0
}

// skip skips to the end of the current expression (a , or closing
// bracket at depth 0).
func (p *codeParser) skip() {
	depth := 0
	for p.pos < len(p.src) {
		switch c := p.src[p.pos]; c {
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			if depth == 0 {
				return
			}
			depth--
		case ',':
			if depth == 0 {
				return
			}
		case '"', '\'', '`':
			p.str()
			continue
		}
		p.pos++
	}
}

// str reads a quoted string; one with an interpolation (${...} in a JS
// template, an f-string's braces) is not literal.
func (p *codeParser) str() (string, bool) {
	q := p.src[p.pos]
	fstring := p.py && p.pos > 0 && (p.src[p.pos-1] == 'f' || p.src[p.pos-1] == 'F')
	p.pos++
	var b strings.Builder
	literal := true
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\\' && p.pos+1 < len(p.src):
			b.WriteByte(p.src[p.pos+1])
			p.pos += 2
			continue
		case c == q:
			p.pos++
			return b.String(), literal
		case q == '`' && c == '$' && p.pos+1 < len(p.src) && p.src[p.pos+1] == '{':
			literal = false
		case fstring && c == '{':
			literal = false
		case c == '\n' && q != '`':
			return b.String(), false
		}
		b.WriteByte(c)
		p.pos++
	}
	return b.String(), false
}

func (p *codeParser) object(depth int) Value {
	out := newMap(4)
	p.pos++ // {
	for p.pos < len(p.src) {
		p.space()
		if p.pos >= len(p.src) {
			break
		}
		switch p.src[p.pos] {
		case '}':
			p.pos++
			return out
		case ',':
			p.pos++
			continue
		}
		var key string
		switch c := p.src[p.pos]; {
		case c == '"' || c == '\'':
			key, _ = p.str()
		case isIdentStart(c):
			s := p.pos
			for p.pos < len(p.src) && isIdent(p.src[p.pos]) {
				p.pos++
			}
			key = string(p.src[s:p.pos])
		case c == ')' || c == ']':
			return out // malformed: the enclosing call or list ends here
		default:
			start := p.pos
			p.skip() // a spread or computed key
			if p.pos == start {
				p.pos++
			}
			continue
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			if key != "" && p.pos < len(p.src) && (p.src[p.pos] == ',' || p.src[p.pos] == '}') {
				out.set(key, unknown()) // JS shorthand { name }
				continue
			}
			start := p.pos
			p.skip()
			if p.pos == start && p.pos < len(p.src) && p.src[p.pos] != '}' {
				return out // a closer that is not ours: malformed
			}
			continue
		}
		p.pos++
		out.set(key, p.value(depth+1))
	}
	return out
}

func (p *codeParser) list(depth int) Value {
	out := Value{Type: List}
	p.pos++ // [
	for p.pos < len(p.src) {
		p.space()
		if p.pos >= len(p.src) {
			break
		}
		switch p.src[p.pos] {
		case ']':
			p.pos++
			return out
		case ',':
			p.pos++
			continue
		}
		s := p.pos
		out.L = append(out.L, p.value(depth+1))
		if p.pos == s {
			p.pos++
		}
	}
	return out
}

// assignedTo returns the variable a constructor call at off is assigned to
// (`const x = new ...`, `x = aws...(` in Python), or "".
func assignedTo(src []byte, off int) string {
	i := off
	back := func() {
		for i > 0 && (src[i-1] == ' ' || src[i-1] == '\t') {
			i--
		}
	}
	back()
	if i >= 3 && string(src[i-3:i]) == "new" {
		i -= 3
		back()
	}
	if i == 0 || src[i-1] != '=' || i >= 2 && strings.ContainsRune("=!<>", rune(src[i-2])) {
		return ""
	}
	i--
	back()
	end := i
	for i > 0 && isIdent(src[i-1]) {
		i--
	}
	if i == end {
		return ""
	}
	return string(src[i:end])
}
