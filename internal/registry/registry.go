// Package registry reads the organisation's declared AI registry (the AI
// assets it knows about and approved) and marks each discovered asset as
// registered or not, so unregistered "shadow" AI shows up in the scores
// (ORG.3.registered) and in the metrics. It runs between collection and
// scoring; collectors never see it.
package registry

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/internal/bounded"

	"github.com/aisight/aisight/model"
)

// Registry is a loaded registry file.
type Registry struct {
	source   string
	patterns []string // asset IDs, "*" matching any run of characters
}

// maxIDLen bounds a registry entry: an asset ID is a few hundred bytes.
const maxIDLen = 2048

type file struct {
	Assets []struct {
		ID    string `yaml:"id"`
		Owner string `yaml:"owner"`
		Note  string `yaml:"note"`
	} `yaml:"assets"`
}

// Load reads a registry file:
//
//	assets:
//	  - id: k8s://prod/llm/deployment/vllm
//	  - id: "arn:aws:bedrock:eu-west-1:123456789012:*"   # * matches anything
//
// Unknown keys and empty ids are errors.
func Load(path string) (*Registry, error) {
	b, err := bounded.ReadFile(path, 4<<20)
	if err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	return Parse(path, b)
}

// Parse reads registry YAML; name is used in errors and fact sources.
func Parse(name string, b []byte) (*Registry, error) {
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("registry %s: %w", name, err)
	}
	r := &Registry{source: "registry " + name}
	for i, a := range f.Assets {
		id := strings.TrimSpace(a.ID)
		if id == "" {
			return nil, fmt.Errorf("registry %s: entry %d has no id", name, i+1)
		}
		if len(id) > maxIDLen {
			return nil, fmt.Errorf("registry %s: entry %d is %d bytes long, more than the %d an asset ID has", name, i+1, len(id), maxIDLen)
		}
		r.patterns = append(r.patterns, id)
	}
	return r, nil
}

// Registered reports whether an asset ID is in the registry.
func (r *Registry) Registered(id string) bool {
	return slices.ContainsFunc(r.patterns, func(p string) bool { return wildcard(p, id) })
}

// wildcard matches s against pattern, where "*" matches any run of
// characters (none included) and everything else matches itself. It
// backtracks only to the last star: no regular expression to compile, and
// no exponential case.
func wildcard(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && pattern[p] == s[i]:
			p++
			i++
		case star >= 0:
			p, mark = star+1, mark+1
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Mark sets registry.registered on every asset of a kind a registry is
// expected to list (model.RegistrableKinds).
func (r *Registry) Mark(inv *model.Inventory) {
	for i := range inv.Assets {
		a := &inv.Assets[i]
		if slices.Contains(model.RegistrableKinds, a.Kind) {
			a.SetFact(model.Bool("registry.registered", r.Registered(a.ID), model.Observed, r.source))
		}
	}
}
