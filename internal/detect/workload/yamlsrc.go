package workload

import (
	"bytes"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// YAML as real repositories write it: Helm and Go templates, duplicate
// keys, anchors. This file makes the parser lenient where the owning tools
// are, and keeps the line of every map so a finding points at its block.

var tplOpen, tplClose = []byte("{{"), []byte("}}")

// tplMarker replaces a template action inside a value: YAML-safe in and out
// of quotes, and never part of a real name.
const tplMarker = "__tpl__"

// StripTemplates makes a templated YAML file parseable without rendering
// it, keeping every line where it was: a line that is only template
// actions ({{- if }}, {{ end }}, {{ include ... | nindent 4 }}) becomes
// empty, and an action inside a value (--model_name={{.Name}},
// "{{ .Values.image.repository }}:{{ .Values.image.tag }}") becomes the
// marker tplMarker. What is literal in the file is still read as written.
func StripTemplates(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for line := range bytes.Lines(b) {
		body := bytes.TrimRight(line, "\r\n")
		nl := line[len(body):]
		t := bytes.TrimSpace(body)
		if bytes.HasPrefix(t, tplOpen) && bytes.HasSuffix(t, tplClose) && onlyActions(t) {
			out = append(out, nl...)
			continue
		}
		for {
			i := bytes.Index(body, tplOpen)
			if i < 0 {
				break
			}
			j := bytes.Index(body[i:], tplClose)
			out = append(out, body[:i]...)
			out = append(out, tplMarker...)
			if j < 0 {
				body = nil
				break
			}
			body = body[i+j+2:]
		}
		out = append(out, body...)
		out = append(out, nl...)
	}
	return out
}

// onlyActions reports whether t is a sequence of {{ }} actions and spaces.
func onlyActions(t []byte) bool {
	for len(t) > 0 {
		t = bytes.TrimSpace(t)
		if len(t) == 0 {
			return true
		}
		if !bytes.HasPrefix(t, tplOpen) {
			return false
		}
		j := bytes.Index(t, tplClose)
		if j < 0 {
			return false
		}
		t = t[j+2:]
	}
	return true
}

// IsTemplated reports whether a value came out of StripTemplates.
func IsTemplated(s string) bool { return strings.Contains(s, tplMarker) }

// dedupeKeys keeps the last of duplicate keys in every mapping below n, as
// kubectl, Helm and most YAML tooling do (the decoder refuses them).
func dedupeKeys(n *yaml.Node) {
	if n == nil {
		return
	}
	if n.Kind == yaml.MappingNode {
		last := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
				last[k.Value] = i
			}
		}
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.ScalarNode && k.Tag != "!!merge" && last[k.Value] != i {
				continue
			}
			kept = append(kept, n.Content[i], n.Content[i+1])
		}
		n.Content = kept
	}
	for _, c := range n.Content {
		dedupeKeys(c)
	}
}

// indexLines records the line of every map key and list item below n, by
// the path walkPaths uses (".spec.template", ".items[0]").
func indexLines(n *yaml.Node, p string, out map[string]int, depth int) {
	if n == nil || depth > 64 {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			indexLines(c, p, out, depth+1)
		}
	case yaml.MappingNode:
		if _, ok := out[p]; !ok {
			out[p] = n.Line
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			kp := p + "." + k.Value
			out[kp] = k.Line
			indexLines(n.Content[i+1], kp, out, depth+1)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			ip := p + "[" + strconv.Itoa(i) + "]"
			out[ip] = c.Line
			indexLines(c, ip, out, depth+1)
		}
	}
}
