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
//   - key.matches_live_key / key.found_in_code: a key found in code or a
//     workload is the same key as a live key of a scanned SaaS organisation
//     (same provider, same first and last four characters), linked both
//     ways (relations live_key and used_in); a key found in code that
//     matches no live key of a scanned organisation is revoked or belongs to
//     another organisation (key.matches_live_key false);
//   - iac.declared / iac.live (iac.go): a live cloud AI resource and the
//     resource declared in code that created it, linked both ways
//     (relations deployed_as and declared_in); a live resource no scanned
//     code declares, and a declared one that is not live;
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

// Apply adds the cross-collector facts to inv, and returns the registry
// check when a registry was given (nil otherwise).
func Apply(inv *model.Inventory, o Options) *model.RegistryCheck {
	identities(inv)
	linkKeys(inv)
	reconcileIaC(inv)
	if o.Registry != nil {
		return o.Registry.Mark(inv)
	}
	return nil
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

// liveKey reports whether an asset is a live key of a SaaS organisation:
// known by its provider's hint, so it has no SHA-256.
func liveKey(a *model.Asset) bool {
	return a.Kind == model.KindAPIKey && a.DeploymentType == model.APISaaS && a.Secret != nil && a.Secret.SHA256 == "" && a.Secret.Suffix != ""
}

// heldKey reports whether an asset is a key found in code or a workload.
func heldKey(a *model.Asset) bool {
	return a.Kind == model.KindAPIKey && a.Secret != nil && a.Secret.SHA256 != ""
}

func linkKeys(inv *model.Inventory) {
	type hint struct{ provider, prefix, suffix string }
	live := map[hint][]int{}
	scanned := map[string]bool{} // providers whose organisation's keys were listed
	for i := range inv.Assets {
		if a := &inv.Assets[i]; liveKey(a) {
			h := hint{a.Provider, a.Secret.Prefix, a.Secret.Suffix}
			live[h] = append(live[h], i)
			scanned[a.Provider] = true
		}
	}
	for _, r := range inv.Scan.CollectorRuns {
		if r.Status == model.StatusFailed && scanned[r.Collector] {
			scanned[r.Collector] = false // an organisation not fully read cannot say a key is not in it
		}
	}
	for i := range inv.Assets {
		a := &inv.Assets[i]
		if !heldKey(a) || !scanned[a.Provider] {
			continue
		}
		matches := live[hint{a.Provider, a.Secret.Prefix, a.Secret.Suffix}]
		src := "live keys of the " + a.Provider + " organisation, by first and last four characters"
		a.SetFact(model.Bool("key.matches_live_key", len(matches) > 0, model.Inferred, src))
		for _, j := range matches {
			l := &inv.Assets[j]
			addRelation(a, model.Relation{Type: "live_key", Target: l.ID})
			addRelation(l, model.Relation{Type: "used_in", Target: a.ID})
			l.SetFact(model.Bool("key.found_in_code", true, model.Inferred, "a key with the same first and last four characters in "+a.ID))
			if st, ok := l.Fact("key.status"); ok {
				a.SetFact(model.String("key.live_status", st.Value.(string), model.Inferred, l.ID))
			}
		}
	}
	for _, idx := range live {
		for _, j := range idx {
			if l := &inv.Assets[j]; !hasFact(l, "key.found_in_code") {
				l.SetFact(model.Bool("key.found_in_code", false, model.Inferred, "no key with the same first and last four characters was found in the scanned code and workloads"))
			}
		}
	}
}

func hasFact(a *model.Asset, key string) bool {
	_, ok := a.Fact(key)
	return ok
}

// addRelation adds r to a once: Apply may run again on an inventory it
// already enriched (aisight merge enriches the joined shards), and must
// then change nothing it already said.
func addRelation(a *model.Asset, r model.Relation) {
	if !slices.Contains(a.Relations, r) {
		a.Relations = append(a.Relations, r)
	}
}
