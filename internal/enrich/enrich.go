// Package enrich computes, between collection and scoring, the facts that
// need more than one collector's view of the inventory. Each has one
// documented meaning (docs/facts.md) whichever collector found the asset:
//
//   - identity.shared_with_ai_assets: how many other AI assets run as the
//     same principal (assets linked by "serves", such as an endpoint and its
//     model, are one application and do not count);
//   - identity.shared_with_agents (agents): how many other agents do;
//   - identity.dedicated: the principal is not a default identity
//     (identity.default, set by the collector) and is not shared;
//   - registry.registered: the asset is in the declared registry (--registry).
//
// Collectors never compute these; scoring reads them. Apply is pure apart
// from mutating the inventory it is given.
package enrich

import (
	"slices"

	"github.com/aisight/aisight/internal/registry"
	"github.com/aisight/aisight/model"
)

// Options are the inputs beyond the inventory.
type Options struct {
	// Registry, when set, marks registrable assets registered or not.
	Registry *registry.Registry
}

// Apply adds the cross-collector facts to inv.
func Apply(inv *model.Inventory, o Options) {
	identities(inv)
	if o.Registry != nil {
		o.Registry.Mark(inv)
	}
}

// runsAsPrincipal reports whether an asset of this kind runs as its
// Identity (keys belong to an identity; identities are the principals).
func runsAsPrincipal(a *model.Asset) bool {
	return a.Identity != "" && a.Kind != model.KindAPIKey && a.Kind != model.KindIdentity
}

func identities(inv *model.Inventory) {
	byPrincipal := map[string][]int{}
	for i := range inv.Assets {
		if a := &inv.Assets[i]; runsAsPrincipal(a) {
			byPrincipal[a.Identity] = append(byPrincipal[a.Identity], i)
		}
	}
	for _, idx := range byPrincipal {
		for _, i := range idx {
			a := &inv.Assets[i]
			shared, agents := 0, 0
			for _, j := range idx {
				o := &inv.Assets[j]
				if i == j || serves(a, o) || serves(o, a) {
					continue
				}
				shared++
				if o.Kind == model.KindAgent {
					agents++
				}
			}
			src := "assets running as " + a.Identity
			a.SetFact(model.Int("identity.shared_with_ai_assets", int64(shared), model.Observed, src))
			if a.Kind == model.KindAgent {
				a.SetFact(model.Int("identity.shared_with_agents", int64(agents), model.Observed, src))
			}
			def, ok := a.Fact("identity.default")
			isDefault, known := def.Value.(bool)
			if !ok || !known {
				continue // whether the identity is a default one is unknown: so is dedicated
			}
			a.SetFact(model.Bool("identity.dedicated", !isDefault && shared == 0, weaker(def.Confidence, model.Observed), src+" and identity.default"))
		}
	}
}

// serves reports whether a serves (or routes to) b: one application.
func serves(a, b *model.Asset) bool {
	return slices.ContainsFunc(a.Relations, func(r model.Relation) bool {
		return (r.Type == "serves" || r.Type == "routes_to") && r.Target == b.ID
	})
}

// weaker is the less certain of two confidences.
func weaker(a, b model.Confidence) model.Confidence {
	rank := map[model.Confidence]int{model.Observed: 0, model.Declared: 1, model.Inferred: 2}
	if rank[a] >= rank[b] {
		return a
	}
	return b
}
