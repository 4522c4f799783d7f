package source

import (
	"bufio"
	"bytes"
	"path"
	"regexp"
	"strings"
)

// ignoreRule is one line of a .gitignore file.
type ignoreRule struct {
	base     string // directory of the .gitignore, relative to the root ("" for the root)
	negate   bool
	dirOnly  bool
	anchored bool // the pattern contains a slash: match against the path below base
	glob     string
	re       *regexp.Regexp // for patterns with "**"
}

// ignoreSet is the stack of .gitignore rules in force for a directory: the
// rules of every .gitignore from the root down, later (deeper) rules winning.
type ignoreSet struct {
	rules []ignoreRule
}

// parseGitignore reads the rules of one .gitignore in directory base.
func parseGitignore(base string, content []byte) []ignoreRule {
	var out []ignoreRule
	sc := bufio.NewScanner(bytes.NewReader(content))
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasSuffix(line, `\ `) {
			line = strings.TrimRight(line, " \t\r")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := ignoreRule{base: base}
		if strings.HasPrefix(line, "!") {
			r.negate = true
			line = line[1:]
		} else if strings.HasPrefix(line, `\!`) || strings.HasPrefix(line, `\#`) {
			line = line[1:]
		}
		if strings.HasSuffix(line, "/") {
			r.dirOnly = true
			line = strings.TrimRight(line, "/")
		}
		if line == "" {
			continue
		}
		if strings.Contains(line, "/") {
			r.anchored = true
			line = strings.TrimPrefix(line, "/")
		}
		r.glob = line
		if strings.Contains(line, "**") {
			re, err := globToRegexp(line)
			if err != nil {
				continue
			}
			r.re = re
		} else if _, err := path.Match(line, ""); err != nil {
			continue // malformed pattern: git ignores it too
		}
		out = append(out, r)
	}
	return out
}

// globToRegexp converts a gitignore glob with "**" to a regular expression.
func globToRegexp(g string) (*regexp.Regexp, error) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(g); i++ {
		c := g[i]
		switch {
		case strings.HasPrefix(g[i:], "**/"):
			b.WriteString("(?:.*/)?")
			i += 2
		case strings.HasPrefix(g[i:], "/**") && i+3 == len(g):
			b.WriteString("/.*")
			i += 2
		case strings.HasPrefix(g[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		case c == '[':
			j := strings.IndexByte(g[i:], ']')
			if j < 0 {
				b.WriteString(`\[`)
				continue
			}
			cls := g[i+1 : i+j]
			if strings.HasPrefix(cls, "!") {
				cls = "^" + cls[1:]
			}
			b.WriteString("[" + cls + "]")
			i += j
		case c == '\\' && i+1 < len(g):
			i++
			b.WriteString(regexp.QuoteMeta(string(g[i])))
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.Compile(b.String())
}

// with returns a new set with more rules appended (the receiver is unchanged,
// so sibling directories do not see each other's rules).
func (s *ignoreSet) with(rules []ignoreRule) *ignoreSet {
	if len(rules) == 0 {
		return s
	}
	n := &ignoreSet{rules: make([]ignoreRule, 0, len(s.rules)+len(rules))}
	n.rules = append(append(n.rules, s.rules...), rules...)
	return n
}

// ignored reports whether rel (slash-separated, relative to the root) is ignored.
func (s *ignoreSet) ignored(rel string, isDir bool) bool {
	ignored := false
	for i := len(s.rules) - 1; i >= 0; i-- {
		r := &s.rules[i]
		if r.dirOnly && !isDir {
			continue
		}
		if r.matches(rel) {
			ignored = !r.negate
			break
		}
	}
	return ignored
}

func (r *ignoreRule) matches(rel string) bool {
	sub := rel
	if r.base != "" {
		if !strings.HasPrefix(rel, r.base+"/") {
			return false
		}
		sub = rel[len(r.base)+1:]
	}
	if !r.anchored {
		sub = path.Base(sub)
	}
	if r.re != nil {
		return r.re.MatchString(sub)
	}
	ok, _ := path.Match(r.glob, sub)
	return ok
}
