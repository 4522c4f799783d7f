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
	models   []ApprovedModel

	modelHits []int // per approved entry, the assets it approved (Mark)
}

// ApprovedModel is one entry of the approved-model list. Every field given
// must match ("*" matches any run of characters; case-insensitive); an
// entry with a digest or a revision approves exactly that artefact.
type ApprovedModel struct {
	// ID is a model id as workloads and code reference it: a Hugging Face
	// repo id (meta-llama/Llama-3.1-8B-Instruct) or a storage URI.
	ID string `yaml:"id"`
	// Publisher and Name match a model reference's publisher and name
	// (openai / gpt-4o, model_garden:meta / llama3, azureml_registry:azureml-meta / Llama-2-7b-chat).
	Publisher string `yaml:"publisher"`
	Name      string `yaml:"name"`
	Version   string `yaml:"version"`
	// Revision is a Hugging Face commit; Digest a sha256 of the model file
	// or artefact.
	Revision string `yaml:"revision"`
	Digest   string `yaml:"digest"`
	Note     string `yaml:"note"`
}

func (m ApprovedModel) String() string {
	var parts []string
	for _, kv := range [][2]string{{"id", m.ID}, {"publisher", m.Publisher}, {"name", m.Name}, {"version", m.Version}, {"revision", m.Revision}, {"digest", m.Digest}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+"="+kv[1])
		}
	}
	return strings.Join(parts, " ")
}

// maxIDLen bounds a registry entry: an asset ID is a few hundred bytes.
const maxIDLen = 2048

type file struct {
	Assets []struct {
		ID    string `yaml:"id"`
		Owner string `yaml:"owner"`
		Note  string `yaml:"note"`
	} `yaml:"assets"`
	ApprovedModels []ApprovedModel `yaml:"approved_models"`
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
	for i, m := range f.ApprovedModels {
		if m.ID == "" && m.Name == "" && m.Digest == "" && m.Revision == "" {
			return nil, fmt.Errorf("registry %s: approved model %d names nothing (give id, name, digest or revision)", name, i+1)
		}
		for _, v := range []string{m.ID, m.Publisher, m.Name, m.Version, m.Revision, m.Digest} {
			if len(v) > maxIDLen {
				return nil, fmt.Errorf("registry %s: approved model %d has a field longer than %d bytes", name, i+1, maxIDLen)
			}
		}
		r.models = append(r.models, m)
	}
	return r, nil
}

// ApprovesModels reports whether the registry has an approved-model list.
func (r *Registry) ApprovesModels() bool { return len(r.models) > 0 }

// candidate is what an asset says about the model it serves or holds.
type candidate struct {
	ids                                             []string
	publisher, name, version, revision, digest, sha string
}

func candidateOf(a *model.Asset) (candidate, bool) {
	var c candidate
	if m := a.Model; m != nil {
		c.publisher, c.name, c.version, c.revision, c.digest = m.Publisher, m.Name, m.Version, m.Revision, m.Digest
		if m.Publisher != "" && m.Name != "" {
			c.ids = append(c.ids, m.Publisher+"/"+m.Name)
		}
		if m.SourceURI != "" {
			c.ids = append(c.ids, m.SourceURI)
		}
	}
	if f, ok := a.Fact("model.id"); ok {
		if s, ok := f.Value.(string); ok && s != "" {
			c.ids = append(c.ids, s)
		}
	}
	if f, ok := a.Fact("file.sha256"); ok {
		c.sha, _ = f.Value.(string)
	}
	known := len(c.ids) > 0 || c.name != "" || c.digest != "" || c.sha != ""
	return c, known
}

func fold(pattern, s string) bool { return wildcard(strings.ToLower(pattern), strings.ToLower(s)) }

// matches reports whether an approved entry covers a candidate.
func (m ApprovedModel) matches(c candidate) bool {
	if m.ID != "" && !slices.ContainsFunc(c.ids, func(id string) bool { return fold(m.ID, id) }) {
		return false
	}
	for _, f := range [][2]string{{m.Publisher, c.publisher}, {m.Name, c.name}, {m.Version, c.version}} {
		if f[0] != "" && !fold(f[0], f[1]) {
			return false
		}
	}
	if m.Revision != "" && !strings.EqualFold(m.Revision, c.revision) {
		return false
	}
	if m.Digest != "" {
		d := strings.TrimPrefix(strings.ToLower(m.Digest), "sha256:")
		if d != strings.TrimPrefix(strings.ToLower(c.digest), "sha256:") && d != strings.TrimPrefix(strings.ToLower(c.sha), "sha256:") {
			return false
		}
	}
	return true
}

// approved reports whether an asset's model is on the list; known is
// false when the asset names no model.
func (r *Registry) approved(a *model.Asset) (approved, known bool) {
	c, known := candidateOf(a)
	if !known {
		return false, false
	}
	for i, m := range r.models {
		if m.matches(c) {
			r.modelHits[i]++
			return true, true
		}
	}
	return false, true
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
// expected to list (model.RegistrableKinds) and, when the registry has an
// approved-model list, model.approved on every asset that names a model,
// and on endpoints and deployments from the models they serve (approved
// only when all of them are). It returns the check: the entries that
// matched nothing (stale).
func (r *Registry) Mark(inv *model.Inventory) *model.RegistryCheck {
	assetHits := make([]int, len(r.patterns))
	r.modelHits = make([]int, len(r.models))
	for i := range inv.Assets {
		a := &inv.Assets[i]
		for j, p := range r.patterns {
			if wildcard(p, a.ID) {
				assetHits[j]++
			}
		}
		if slices.Contains(model.RegistrableKinds, a.Kind) {
			a.SetFact(model.Bool("registry.registered", r.Registered(a.ID), model.Observed, r.source))
		}
	}
	if r.ApprovesModels() {
		r.markApproved(inv)
	}
	check := &model.RegistryCheck{Source: strings.TrimPrefix(r.source, "registry "), Assets: len(r.patterns), ApprovedModels: len(r.models)}
	for j, p := range r.patterns {
		if assetHits[j] == 0 {
			check.StaleAssets = append(check.StaleAssets, p)
		}
	}
	for j, m := range r.models {
		if r.modelHits[j] == 0 {
			check.StaleModels = append(check.StaleModels, m.String())
		}
	}
	return check
}

// markApproved sets model.approved: on assets naming a model by the list;
// then on assets that name none but serve or route to ones that do
// (endpoints, deployments), approved when every model they reach is.
func (r *Registry) markApproved(inv *model.Inventory) {
	src := r.source + " approved_models"
	verdict := map[string]bool{}
	for i := range inv.Assets {
		a := &inv.Assets[i]
		if ok, known := r.approved(a); known {
			a.SetFact(model.Bool("model.approved", ok, model.Observed, src))
			verdict[a.ID] = ok
		}
	}
	byID := map[string]*model.Asset{}
	for i := range inv.Assets {
		byID[inv.Assets[i].ID] = &inv.Assets[i]
	}
	var reach func(a *model.Asset, depth int) (all, any bool)
	reach = func(a *model.Asset, depth int) (all, any bool) {
		all = true
		for _, rel := range a.Relations {
			switch rel.Type {
			case "serves", "routes_to", "uses_model":
			default:
				continue
			}
			if v, ok := verdict[rel.Target]; ok {
				all, any = all && v, true
				continue
			}
			if t := byID[rel.Target]; t != nil && depth < 3 {
				if a2, any2 := reach(t, depth+1); any2 {
					all, any = all && a2, true
				}
			}
		}
		return all, any
	}
	for i := range inv.Assets {
		a := &inv.Assets[i]
		if _, done := verdict[a.ID]; done {
			continue
		}
		if all, any := reach(a, 0); any {
			a.SetFact(model.Bool("model.approved", all, model.Inferred, src+" (the models it serves)"))
		}
	}
}
