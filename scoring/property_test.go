package scoring

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"

	"cel.dev/cel-go/common/types"

	"github.com/aisight/aisight/model"
)

var appliesKeyRE = regexp.MustCompile(`"([a-z0-9_.]+)"\s+in\s+(?:scope_)?facts|facts\[\s*"([^"]+)"\s*\]`)

// applicabilityKeys are fact keys some applies_to reads: changing them moves
// subjects in or out of controls, which is not what the properties are about.
func applicabilityKeys(cat *Catalog) map[string]bool {
	out := map[string]bool{}
	for _, c := range cat.Controls {
		for _, m := range appliesKeyRE.FindAllStringSubmatch(c.AppliesTo, -1) {
			out[m[1]+m[2]] = true
		}
	}
	return out
}

func cloneInventory(inv model.Inventory) model.Inventory {
	out := inv
	out.Assets = make([]model.Asset, len(inv.Assets))
	for i, a := range inv.Assets {
		a.Facts = slices.Clone(a.Facts)
		out.Assets[i] = a
	}
	return out
}

func levels(a model.Assessment) map[string]model.Level {
	m := map[string]model.Level{}
	for _, c := range a.Categories {
		m[c.ID] = c.Level
	}
	return m
}

var candidates = []any{true, false, int64(0), int64(1), int64(400), "x"}

// passingAssignment finds values for keys that make c's check true for the
// asset, or reports that none of the candidate values do.
func passingAssignment(c *Control, ev *evidence, a model.Asset, keys []string) (map[string]any, bool) {
	n := len(keys)
	if n == 0 || n > 3 {
		return nil, false
	}
	idx := make([]int, n)
	for {
		b := a
		b.Facts = slices.Clone(a.Facts)
		set := map[string]any{}
		for i, k := range keys {
			set[k] = candidates[idx[i]]
			b.SetFact(model.Fact{Key: k, Value: candidates[idx[i]], Confidence: model.Observed})
		}
		if v, _, err := c.check.Eval(ev.assetVars(&b)); err == nil && v == types.True {
			return set, true
		}
		i := 0
		for i < n {
			idx[i]++
			if idx[i] < len(candidates) {
				break
			}
			idx[i] = 0
			i++
		}
		if i == n {
			return nil, false
		}
	}
}

// TestPropertyEvidenceMonotone: adding (or correcting) a fact so that a
// control passes for an asset never lowers any category's level; removing
// the facts that made a control pass (turning the pass into unknown) never
// raises one.
func TestPropertyEvidenceMonotone(t *testing.T) {
	cat := catalog(t)
	skip := applicabilityKeys(cat)
	var controls []*Control
	for _, c := range cat.Controls {
		if c.Mode == Automated && c.Subject == SubjectAsset && len(c.factKeys) > 0 {
			ok := true
			for _, k := range c.factKeys {
				ok = ok && !skip[k]
			}
			if ok {
				controls = append(controls, c)
			}
		}
	}
	if len(controls) < 10 {
		t.Fatalf("only %d controls to exercise", len(controls))
	}
	rng := rand.New(rand.NewPCG(7, 11))
	checked := map[string]int{}
	for _, name := range []string{"well-run", "shadow-ai", "aws-denied"} {
		base := inventory(t, name)
		ev := newEvidence(base)
		before := levels(Assess(base, cat, nil))
		for range 150 {
			c := controls[rng.IntN(len(controls))]
			var cands []int
			for i, a := range base.Assets {
				if len(c.Kinds) == 0 || slices.Contains(c.Kinds, a.Kind) {
					cands = append(cands, i)
				}
			}
			if len(cands) == 0 {
				continue
			}
			i := cands[rng.IntN(len(cands))]
			a := base.Assets[i]
			v, _, err := c.check.Eval(ev.assetVars(&a))
			passing := err == nil && v == types.True
			mut := cloneInventory(base)
			if passing {
				// pass -> unknown: drop the facts the check reads
				mut.Assets[i].Facts = slices.DeleteFunc(mut.Assets[i].Facts, func(f model.Fact) bool { return slices.Contains(c.factKeys, f.Key) })
				after := levels(Assess(mut, cat, nil))
				for id, l := range after {
					if l > before[id] {
						t.Errorf("%s: removing %v from %s (passing %s) raised %s from L%d to L%d", name, c.factKeys, a.ID, c.ID, id, before[id], l)
					}
				}
				checked["pass->unknown"]++
				continue
			}
			set, ok := passingAssignment(c, ev, a, c.factKeys)
			if !ok {
				continue
			}
			for k, v := range set {
				mut.Assets[i].SetFact(model.Fact{Key: k, Value: v, Confidence: model.Observed})
			}
			after := levels(Assess(mut, cat, nil))
			for id, l := range after {
				if l < before[id] {
					t.Errorf("%s: setting %v on %s (to pass %s) lowered %s from L%d to L%d", name, set, a.ID, c.ID, id, before[id], l)
				}
			}
			checked["add passing fact"]++
		}
	}
	if checked["pass->unknown"] < 20 || checked["add passing fact"] < 20 {
		t.Errorf("too few cases exercised: %v", checked)
	}
	t.Logf("cases: %v", checked)
}

// TestPropertyClimbMonotone checks the level rule itself on random results:
// upgrading one result (fail -> unknown -> pass) never lowers the level, and
// the potential level is never below the level.
func TestPropertyClimbMonotone(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	order := []model.Result{model.Fail, model.Unknown, model.Pass}
	for range 5000 {
		n := 1 + rng.IntN(10)
		rs := make([]model.ControlResult, n)
		for i := range rs {
			rs[i] = model.ControlResult{Level: model.Level(2 + rng.IntN(4)), Result: order[rng.IntN(3)], Mode: Automated}
			if rng.IntN(5) == 0 {
				rs[i].Mode = Manual
			}
			if rng.IntN(6) == 0 {
				rs[i].Result = model.NotApplicable
			}
		}
		l, p := climb(rs, false), climb(rs, true)
		if p < l {
			t.Fatalf("potential %d < level %d for %+v", p, l, rs)
		}
		i := rng.IntN(n)
		k := slices.Index(order, rs[i].Result)
		if k < 0 || k == len(order)-1 {
			continue
		}
		up := slices.Clone(rs)
		up[i].Result = order[k+1]
		if climb(up, false) < l {
			t.Fatalf("upgrading %s to %s lowered the level: %+v", rs[i].Result, up[i].Result, rs)
		}
	}
}
