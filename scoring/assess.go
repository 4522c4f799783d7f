package scoring

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"

	"cel.dev/cel-go/common/types"

	"github.com/aisight/aisight/model"
)

// MaxFailing is how many failing subjects a control result lists.
const MaxFailing = 10

// Assess scores an inventory against a catalog and attestations. It is a
// pure function: the only clock is inv.Scan.Started, which decides whether
// an attestation has expired.
func Assess(inv model.Inventory, cat *Catalog, atts []Attestation) model.Assessment {
	return AssessContext(context.Background(), inv, cat, atts)
}

// OverLimit is how the reason of a control that hit MaxCost begins.
const OverLimit = "evaluation stopped: "

// AssessContext is Assess, evaluating each expression under ctx: when ctx
// ends (SIGTERM), the evaluations still running stop and their controls are
// unknown. A control whose expression exceeds MaxCost for a subject is
// unknown for that subject, with a reason beginning with OverLimit.
func AssessContext(ctx context.Context, inv model.Inventory, cat *Catalog, atts []Attestation) model.Assessment {
	ev := newEvidence(inv)
	ev.ctx = ctx
	tallies := evaluateAssets(inv, cat, ev)
	for _, c := range cat.Controls {
		if c.Mode == Automated && c.Subject == SubjectScope {
			tallies[c] = evaluateScopes(c, ev)
		}
	}
	valid := map[string]Attestation{}
	for _, a := range atts {
		if !a.ExpiredAt(inv.Scan.Started) {
			valid[a.Control] = a
		}
	}
	out := model.Assessment{CatalogVersion: cat.Version}
	for _, ci := range cat.Categories {
		cr := model.Category{ID: ci.ID, Name: ci.Name, Domain: ci.Domain, Controls: []model.ControlResult{}}
		attested := false
		for _, c := range cat.Controls {
			if c.Category != ci.ID {
				continue
			}
			var r model.ControlResult
			if c.Mode == Manual {
				a, ok := valid[c.ID]
				r = manualResult(c, a, ok)
				attested = attested || ok
			} else {
				r = tallies[c].result(c, ev)
			}
			cr.Controls = append(cr.Controls, r)
		}
		judge(&cr, len(inv.Assets) > 0 || attested, cat)
		out.Categories = append(out.Categories, cr)
	}
	return out
}

// evidence indexes what the scan observed: which collectors ran, which
// failed where, and each scope's variables.
type evidence struct {
	ctx    context.Context
	ran    map[string]bool     // collector -> produced evidence (ok or partial somewhere)
	gaps   map[string][]string // collector -> scopes that failed or were partial
	scopes map[string]map[string]any
	order  []string // scope ids in order
	// none are the empty maps of an asset without tags, model or scope
	// facts, shared by every such asset's activation (read only).
	none struct {
		strs  map[string]string
		facts map[string]any
	}
}

func newEvidence(inv model.Inventory) *evidence {
	ev := &evidence{ctx: context.Background(), ran: map[string]bool{}, gaps: map[string][]string{}, scopes: map[string]map[string]any{}}
	ev.none.strs, ev.none.facts = map[string]string{}, map[string]any{}
	addScope := func(s model.Scope) map[string]any {
		if v, ok := ev.scopes[s.ID]; ok {
			return v
		}
		v := map[string]any{
			"scope":       map[string]string{"id": s.ID, "kind": s.Kind, "provider": s.Provider, "account": s.Account, "region": s.Region, "name": s.Name},
			"scope_facts": map[string]any{},
		}
		ev.scopes[s.ID] = v
		ev.order = append(ev.order, s.ID)
		return v
	}
	for _, r := range inv.Scan.CollectorRuns {
		switch r.Status {
		case model.StatusOK:
			ev.ran[r.Collector] = true
		case model.StatusPartial:
			ev.ran[r.Collector] = true
			ev.gaps[r.Collector] = append(ev.gaps[r.Collector], r.Scope.ID)
		case model.StatusFailed:
			ev.gaps[r.Collector] = append(ev.gaps[r.Collector], r.Scope.ID)
		}
		if r.Status != model.StatusSkipped && r.Scope.Kind != "collector" {
			addScope(r.Scope)
		}
	}
	for _, sf := range inv.ScopeFacts {
		facts := addScope(sf.Scope)["scope_facts"].(map[string]any)
		for _, f := range sf.Facts {
			facts[f.Key] = f.Value
		}
	}
	return ev
}

// assetVars is the CEL activation of one asset.
func (ev *evidence) assetVars(a *model.Asset) map[string]any {
	facts := make(map[string]any, len(a.Facts))
	for _, f := range a.Facts {
		facts[f.Key] = f.Value
	}
	// Absent tags, model and scope are the evidence's shared empty maps:
	// CEL never writes to its input, and one asset in a large estate is
	// one of 100,000 (issue 29: the per-asset maps were a fifth of the
	// assessment's time).
	tags := a.Tags
	if tags == nil {
		tags = ev.none.strs
	}
	m := ev.none.strs
	if a.Model != nil {
		m = map[string]string{"publisher": a.Model.Publisher, "name": a.Model.Name, "version": a.Model.Version,
			"revision": a.Model.Revision, "digest": a.Model.Digest, "format": a.Model.Format, "source_uri": a.Model.SourceURI}
	}
	var scope, scopeFacts any = map[string]string{"id": a.Scope}, ev.none.facts
	if s, ok := ev.scopes[a.Scope]; ok {
		scope, scopeFacts = s["scope"], s["scope_facts"]
	}
	return map[string]any{
		"id": a.ID, "kind": string(a.Kind), "provider": a.Provider, "region": a.Region,
		"deployment_type": string(a.DeploymentType), "name": a.Name, "owner": a.Owner, "identity": a.Identity,
		"tags": tags, "model": m, "facts": facts, "scope": scope, "scope_facts": scopeFacts,
	}
}

// tally counts one control's subjects.
type tally struct {
	pass, fail, unknown int
	failing             []string // the first MaxFailing
	all                 []string // every failing subject
	evidence            []model.Evidence
	firstUnknown        string // why the first unknown was unknown
}

func (t *tally) merge(o *tally) {
	t.pass += o.pass
	t.fail += o.fail
	t.unknown += o.unknown
	for _, id := range o.failing {
		if len(t.failing) < MaxFailing {
			t.failing = append(t.failing, id)
		}
	}
	t.all = append(t.all, o.all...)
	t.evidence = append(t.evidence, o.evidence...)
	if len(t.evidence) > 3*MaxFailing {
		t.evidence = t.evidence[:3*MaxFailing]
	}
	if t.firstUnknown == "" {
		t.firstUnknown = o.firstUnknown
	}
}

// observe records one subject's outcome.
func (t *tally) observe(ctx context.Context, c *Control, subject string, vars map[string]any) {
	if err := ctx.Err(); err != nil { // interrupted: not evaluated, so not known
		t.unknownFor(subject, c, vars, func() string { return OverLimit + "the assessment was interrupted" })
		return
	}
	if c.appliesTo != nil {
		v, err := c.appliesTo.eval(ctx, vars)
		if err != nil {
			t.unknownFor(subject, c, vars, func() string { return "applies_to: " + evalError(err) })
			return
		}
		if v != types.True {
			return
		}
	}
	v, err := c.check.eval(ctx, vars)
	switch {
	case err != nil:
		t.unknownFor(subject, c, vars, func() string { return evalError(err) })
	case v == types.True:
		t.pass++
	case v == types.False:
		t.fail++
		t.all = append(t.all, subject)
		if len(t.failing) < MaxFailing {
			t.failing = append(t.failing, subject)
			t.evidence = append(t.evidence, deciding(c, subject, vars)...)
		}
	default:
		t.unknownFor(subject, c, vars, func() string { return fmt.Sprintf("check gave %v, not a boolean", v) })
	}
}

// unknownFor counts one unknown subject; why is asked only of the first
// (a missing fact's error message costs more to format than the check).
func (t *tally) unknownFor(subject string, c *Control, vars map[string]any, why func() string) {
	t.unknown++
	if t.firstUnknown == "" {
		t.firstUnknown = subject + ": " + why()
		t.evidence = append(t.evidence, deciding(c, subject, vars)...)
	}
}

// evalError says why an evaluation failed, marking a cost-limit or
// interrupted evaluation with OverLimit.
func evalError(err error) string {
	msg := err.Error()
	if strings.Contains(msg, "cost limit exceeded") || strings.Contains(msg, "operation interrupted") || strings.Contains(msg, "cancelled") {
		return OverLimit + msg
	}
	return msg
}

// deciding returns the facts the check reads, as they were for this subject.
func deciding(c *Control, subject string, vars map[string]any) []model.Evidence {
	var out []model.Evidence
	for _, f := range c.fields {
		out = append(out, model.Evidence{Subject: subject, Key: f, Value: vars[f]})
	}
	for _, set := range []struct {
		keys []string
		name string
	}{{c.factKeys, "facts"}, {c.scopeKeys, "scope_facts"}} {
		facts, _ := vars[set.name].(map[string]any)
		for _, k := range set.keys {
			key := k
			if set.name == "scope_facts" {
				key = "scope:" + k
			}
			v, ok := facts[k]
			if !ok {
				v = "(missing)"
			}
			out = append(out, model.Evidence{Subject: subject, Key: key, Value: v})
		}
	}
	return out
}

// evaluateAssets runs every automated asset control over every asset, in
// parallel chunks, building each asset's activation once.
// production reports whether an asset counts for the posture: a finding
// the source collector placed in a test, docs or example context (fact
// source.context) is listed in the inventory but judged by no control.
func production(a *model.Asset) bool {
	f, ok := a.Fact("source.context")
	return !ok || f.Value == "production"
}

// declaredInCode reports whether an asset is a cloud resource declared in
// infrastructure as code or through a cloud controller on a cluster (not a
// live one): it is judged only by the controls written for declarations,
// so a resource and what declares it are never counted twice by one
// control.
func declaredInCode(a *model.Asset) bool {
	_, ok := a.Fact("iac.cloud")
	return ok
}

// declaredControl reports whether a control judges declarations: it takes
// evidence from the collectors that read them (source, kubernetes) and no
// cloud's.
func declaredControl(c *Control) bool {
	for _, e := range c.EvidenceFrom {
		if e == "aws" || e == "gcp" || e == "azure" {
			return false
		}
	}
	return slices.Contains(c.EvidenceFrom, "source")
}

func evaluateAssets(inv model.Inventory, cat *Catalog, ev *evidence) map[*Control]*tally {
	byKind := map[model.Kind][]*Control{}
	var anyKind []*Control
	var assetControls []*Control
	for _, c := range cat.Controls {
		if c.Mode != Automated || c.Subject != SubjectAsset {
			continue
		}
		assetControls = append(assetControls, c)
		if len(c.Kinds) == 0 {
			anyKind = append(anyKind, c)
		}
		for _, k := range c.Kinds {
			byKind[k] = append(byKind[k], c)
		}
	}
	workers := min(runtime.GOMAXPROCS(0), max(1, len(inv.Assets)/1000))
	chunk := (len(inv.Assets) + workers - 1) / max(workers, 1)
	parts := make([]map[*Control]*tally, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			local := map[*Control]*tally{}
			for _, c := range assetControls {
				local[c] = &tally{}
			}
			end := min(len(inv.Assets), (w+1)*chunk)
			for i := w * chunk; i < end; i++ {
				a := &inv.Assets[i]
				if !production(a) {
					continue
				}
				var vars map[string]any
				code := declaredInCode(a)
				for _, list := range [][]*Control{byKind[a.Kind], anyKind} {
					for _, c := range list {
						if len(c.DeploymentTypes) > 0 && !slices.Contains(c.DeploymentTypes, a.DeploymentType) {
							continue
						}
						if code && !declaredControl(c) {
							continue // a live resource's control; declared ones have their own
						}
						if vars == nil {
							vars = ev.assetVars(a)
						}
						local[c].observe(ev.ctx, c, a.ID, vars)
					}
				}
			}
			parts[w] = local
		}(w)
	}
	wg.Wait()
	out := map[*Control]*tally{}
	for _, c := range assetControls {
		t := &tally{}
		for _, p := range parts {
			if p != nil {
				t.merge(p[c])
			}
		}
		out[c] = t
	}
	return out
}

func evaluateScopes(c *Control, ev *evidence) *tally {
	t := &tally{}
	for _, id := range ev.order {
		t.observe(ev.ctx, c, id, ev.scopes[id])
	}
	return t
}

// result turns a tally into a control result. Unknown never passes: a
// collection gap or a missing fact can only keep a control from passing.
func (t *tally) result(c *Control, ev *evidence) model.ControlResult {
	r := model.ControlResult{ID: c.ID, Title: c.Title, Level: c.Level, Mode: c.Mode, AICM: aicmStrings(c),
		Applicable: t.pass + t.fail + t.unknown, Passing: t.pass, Unknown: t.unknown, Failing: t.failing, AllFailing: t.all, Evidence: t.evidence}
	var ran, gaps []string
	for _, col := range c.EvidenceFrom {
		if ev.ran[col] {
			ran = append(ran, col)
		}
		for _, s := range ev.gaps[col] {
			gaps = append(gaps, col+" "+s)
		}
	}
	sort.Strings(gaps)
	gapNote := ""
	if len(gaps) > 0 {
		gapNote = "collection failed for " + strings.Join(firstN(gaps, 3), ", ")
		if len(gaps) > 3 {
			gapNote += fmt.Sprintf(" and %d more", len(gaps)-3)
		}
	}
	need := max(1, int(math.Ceil(c.MinShare()*float64(r.Applicable)-1e-9)))
	switch {
	case r.Applicable == 0 && len(ran) == 0:
		r.Result, r.Reason = model.Unknown, "no evidence: none of "+strings.Join(c.EvidenceFrom, ", ")+" ran"
	case r.Applicable == 0 && gapNote != "":
		r.Result, r.Reason = model.Unknown, "nothing applicable was collected; "+gapNote
	case r.Applicable == 0:
		r.Result, r.Reason = model.NotApplicable, "nothing in the inventory it applies to"
	case t.pass >= need && gapNote != "":
		r.Result, r.Reason = model.Unknown, fmt.Sprintf("%d of %d pass, but %s", t.pass, r.Applicable, gapNote)
	case t.pass >= need && len(ran) == 0:
		r.Result, r.Reason = model.Unknown, "no evidence: none of "+strings.Join(c.EvidenceFrom, ", ")+" ran"
	case t.pass >= need:
		r.Result, r.Reason = model.Pass, fmt.Sprintf("%d of %d pass (need %d)", t.pass, r.Applicable, need)
	case t.pass+t.unknown >= need:
		r.Result, r.Reason = model.Unknown, fmt.Sprintf("%d of %d pass, %d unknown (need %d); first unknown: %s", t.pass, r.Applicable, t.unknown, need, t.firstUnknown)
	default:
		r.Result, r.Reason = model.Fail, fmt.Sprintf("%d of %d pass (need %d)", t.pass, r.Applicable, need)
	}
	return r
}

func manualResult(c *Control, a Attestation, ok bool) model.ControlResult {
	r := model.ControlResult{ID: c.ID, Title: c.Title, Level: c.Level, Mode: c.Mode, AICM: aicmStrings(c)}
	if !ok {
		r.Result, r.Reason = model.Unknown, "manual control: no valid attestation"
		return r
	}
	r.Result = model.Result(a.Status)
	r.Reason = fmt.Sprintf("attested %s by %s on %s, expires %s", a.Status, a.Attester, a.Date, a.Expires)
	if r.Result != model.NotApplicable {
		r.Applicable = 1
		if r.Result == model.Pass {
			r.Passing = 1
		}
	}
	if a.Evidence != "" {
		r.Evidence = []model.Evidence{{Subject: a.Attester, Key: "evidence", Value: a.Evidence}}
	}
	return r
}

func aicmStrings(c *Control) []string {
	var out []string
	for _, r := range c.AICM {
		out = append(out, r.String())
	}
	return out
}

func firstN(l []string, n int) []string { return l[:min(n, len(l))] }

// judge sets a category's level, coverage, potential level and next steps.
//
// A level L holds when every automated control at L passes or does not
// apply, every attested manual control at L passes or does not apply, and at
// least one control at L passes: a level with nothing evidenced does not hold.
// Levels are climbed from 2; the first that does not hold stops the climb.
// The potential level is the same climb with every unknown taken as a pass.
func judge(cr *model.Category, haveData bool, cat *Catalog) {
	definite, applicable := 0, 0
	for _, r := range cr.Controls {
		if r.Result == model.NotApplicable {
			continue
		}
		applicable++
		if r.Result == model.Pass || r.Result == model.Fail {
			definite++
		}
	}
	if applicable > 0 {
		cr.Coverage = math.Round(float64(definite)/float64(applicable)*1000) / 1000
	}
	if !haveData {
		return // not assessed: no assets and no attestations
	}
	cr.Level = climb(cr.Controls, false)
	cr.PotentialLevel = climb(cr.Controls, true)
	target := max(cr.Level+1, 2)
	if target > 5 {
		return
	}
	for _, r := range cr.Controls {
		if r.Level == target && (r.Result == model.Fail || r.Result == model.Unknown) {
			ctl, _ := cat.Control(r.ID)
			cr.NextSteps = append(cr.NextSteps, model.NextStep{Control: r.ID, Level: r.Level, Title: r.Title, Remediation: ctl.Remediation})
		}
	}
	// Failing controls first: they are known work; unknowns need evidence first.
	sort.SliceStable(cr.NextSteps, func(i, j int) bool {
		return resultOf(cr, cr.NextSteps[i].Control) == model.Fail && resultOf(cr, cr.NextSteps[j].Control) != model.Fail
	})
}

func resultOf(cr *model.Category, id string) model.Result {
	for _, r := range cr.Controls {
		if r.ID == id {
			return r.Result
		}
	}
	return ""
}

func climb(results []model.ControlResult, optimistic bool) model.Level {
	level := model.Level(1)
	for l := model.Level(2); l <= 5; l++ {
		holds, passes := true, 0
		for _, r := range results {
			if r.Level != l {
				continue
			}
			switch r.Result {
			case model.Pass:
				passes++
			case model.NotApplicable:
			case model.Unknown:
				unattested := r.Mode == Manual
				switch {
				case optimistic:
					passes++
				case unattested:
					// an unattested manual control neither blocks nor evidences a level
				default:
					holds = false
				}
			default:
				holds = false
			}
		}
		if !holds || passes == 0 {
			break
		}
		level = l
	}
	return level
}
