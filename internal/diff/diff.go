// Package diff compares two aisight reports: the assets added, removed and
// changed (their facts), the maturity level changes per category, and the
// controls newly failing; and it renders the comparison as a table, JSON or
// Markdown (a pull-request comment), with the gates CI can fail on.
//
// Files: diff.go (the comparison and the gates), render.go (the formats).
package diff

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aisight/aisight/model"
)

// Result is what changed from the old report to the new one.
type Result struct {
	Old        Side          `json:"old"`
	New        Side          `json:"new"`
	Added      []Asset       `json:"added"`
	Removed    []Asset       `json:"removed"`
	Changed    []Change      `json:"changed"`
	Levels     []LevelChange `json:"level_changes"`
	NewFailing []Control     `json:"new_failing_controls"`
	Fixed      []Control     `json:"fixed_controls"`
}

// Side names one of the two reports.
type Side struct {
	Started time.Time `json:"started"`
	Assets  int       `json:"assets"`
	// Incomplete lists the collector runs of the report that were partial
	// or failed ("source source:. partial (unparsed): ..."): what such a
	// report does not show may be missing, not absent.
	Incomplete []string `json:"incomplete,omitempty"`
}

// side summarises one report.
func side(r model.Report) Side {
	s := Side{Started: r.Scan.Started, Assets: len(r.Assets)}
	for _, run := range r.Scan.CollectorRuns {
		if run.Status != model.StatusPartial && run.Status != model.StatusFailed {
			continue
		}
		line := fmt.Sprintf("%s %s %s", run.Collector, run.Scope.ID, run.Status)
		if run.ErrorClass != "" {
			line += " (" + string(run.ErrorClass) + ")"
		}
		if run.Error != "" {
			line += ": " + run.Error
		}
		s.Incomplete = append(s.Incomplete, line)
	}
	return s
}

// Incomplete reports whether either report missed something.
func (r Result) Incomplete() bool { return len(r.Old.Incomplete)+len(r.New.Incomplete) > 0 }

// Asset is an asset added or removed.
type Asset struct {
	ID       string     `json:"id"`
	Kind     model.Kind `json:"kind"`
	Name     string     `json:"name"`
	Provider string     `json:"provider"`
	Where    string     `json:"where,omitempty"`
	// Shadow: registry.registered is false in its report.
	Shadow bool `json:"shadow,omitempty"`
}

// Change is an asset present in both whose facts differ.
type Change struct {
	Asset
	Facts []FactChange `json:"facts"`
}

// FactChange is one fact's old and new value (nil: absent).
type FactChange struct {
	Key string `json:"key"`
	Old any    `json:"old"`
	New any    `json:"new"`
}

// LevelChange is a category whose level or potential level moved.
type LevelChange struct {
	Category     string      `json:"category"`
	Old          model.Level `json:"old"`
	New          model.Level `json:"new"`
	OldPotential model.Level `json:"old_potential"`
	NewPotential model.Level `json:"new_potential"`
}

// Control is a control that started or stopped failing.
type Control struct {
	ID       string `json:"id"`
	Category string `json:"category"`
	Title    string `json:"title"`
}

// volatile facts change on their own as time passes (ages): not changes.
func volatile(key string) bool {
	return strings.HasSuffix(key, ".age_days") || strings.HasSuffix(key, ".last_used_days")
}

func ref(a *model.Asset) Asset {
	x := Asset{ID: a.ID, Kind: a.Kind, Name: a.Name, Provider: a.Provider}
	if a.Location != nil {
		x.Where = a.Location.Path
		if a.Location.Line > 0 {
			x.Where += fmt.Sprintf(":%d", a.Location.Line)
		}
	}
	if f, ok := a.Fact("registry.registered"); ok && f.Value == false {
		x.Shadow = true
	}
	return x
}

// Compare computes what changed from old to new.
func Compare(old, new model.Report) Result {
	r := Result{Old: side(old), New: side(new)}
	before := map[string]*model.Asset{}
	for i := range old.Assets {
		before[old.Assets[i].ID] = &old.Assets[i]
	}
	after := map[string]bool{}
	for i := range new.Assets {
		a := &new.Assets[i]
		after[a.ID] = true
		b, ok := before[a.ID]
		if !ok {
			r.Added = append(r.Added, ref(a))
			continue
		}
		if fc := factChanges(b, a); len(fc) > 0 {
			r.Changed = append(r.Changed, Change{Asset: ref(a), Facts: fc})
		}
	}
	for i := range old.Assets {
		if a := &old.Assets[i]; !after[a.ID] {
			r.Removed = append(r.Removed, ref(a))
		}
	}
	for _, l := range [][]Asset{r.Added, r.Removed} {
		sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID })
	}
	sort.Slice(r.Changed, func(i, j int) bool { return r.Changed[i].ID < r.Changed[j].ID })

	oldCat, oldFail := categories(old)
	newCat, newFail := categories(new)
	var ids []string
	for id := range newCat {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		o, ok := oldCat[id]
		n := newCat[id]
		if ok && (o.Level != n.Level || o.PotentialLevel != n.PotentialLevel) {
			r.Levels = append(r.Levels, LevelChange{Category: id, Old: o.Level, New: n.Level, OldPotential: o.PotentialLevel, NewPotential: n.PotentialLevel})
		}
	}
	for id, c := range newFail {
		if _, was := oldFail[id]; !was {
			r.NewFailing = append(r.NewFailing, c)
		}
	}
	for id, c := range oldFail {
		if _, still := newFail[id]; !still {
			r.Fixed = append(r.Fixed, c)
		}
	}
	for _, l := range [][]Control{r.NewFailing, r.Fixed} {
		sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID })
	}
	return r
}

func categories(r model.Report) (map[string]model.Category, map[string]Control) {
	cats, failing := map[string]model.Category{}, map[string]Control{}
	if r.Assessment == nil {
		return cats, failing
	}
	for _, c := range r.Assessment.Categories {
		cats[c.ID] = c
		for _, ctl := range c.Controls {
			if ctl.Result == model.Fail {
				failing[ctl.ID] = Control{ID: ctl.ID, Category: c.ID, Title: ctl.Title}
			}
		}
	}
	return cats, failing
}

// factChanges are the facts whose values differ (JSON-equal values are
// equal: a report read back has float64 where the scan had int64).
func factChanges(old, new *model.Asset) []FactChange {
	o, n := map[string]any{}, map[string]any{}
	for _, f := range old.Facts {
		o[f.Key] = f.Value
	}
	for _, f := range new.Facts {
		n[f.Key] = f.Value
	}
	keys := map[string]bool{}
	for k := range o {
		keys[k] = true
	}
	for k := range n {
		keys[k] = true
	}
	var out []FactChange
	for k := range keys {
		if volatile(k) {
			continue
		}
		ov, oOK := o[k]
		nv, nOK := n[k]
		if oOK == nOK && canon(ov) == canon(nv) {
			continue
		}
		fc := FactChange{Key: k}
		if oOK {
			fc.Old = ov
		}
		if nOK {
			fc.New = nv
		}
		out = append(out, fc)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func canon(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Gates are the conditions `aisight diff --fail-on` can fail on.
// "incomplete" (either report partial or failed) is on whenever any gate
// is set; NoIncomplete turns it off explicitly.
var Gates = []string{"new-shadow", "new-key", "regression", GateIncomplete, NoIncomplete}

// The incomplete gate and its explicit opt-out.
const (
	GateIncomplete = "incomplete"
	NoIncomplete   = "no-incomplete"
)

// Tripped lists the gates among want that the result trips, each with why.
//
// Any gate brings the incomplete gate with it (unless NoIncomplete is
// among them): a diff of a report that missed something cannot pass.
func (r Result) Tripped(want []string) []string {
	var out []string
	for _, g := range want {
		switch g {
		case "new-shadow":
			var ids []string
			for _, a := range r.Added {
				if a.Shadow {
					ids = append(ids, a.ID)
				}
			}
			for _, c := range r.Changed {
				for _, f := range c.Facts {
					if f.Key == "registry.registered" && f.New == false {
						ids = append(ids, c.ID)
					}
				}
			}
			if len(ids) > 0 {
				out = append(out, fmt.Sprintf("new-shadow: %d new unregistered asset(s): %s", len(ids), list(ids)))
			}
		case "new-key":
			var ids []string
			for _, a := range r.Added {
				if a.Kind == model.KindAPIKey {
					ids = append(ids, firstNonEmpty(a.Where, a.ID))
				}
			}
			if len(ids) > 0 {
				out = append(out, fmt.Sprintf("new-key: %d new key(s): %s", len(ids), list(ids)))
			}
		case "regression":
			var why []string
			for _, l := range r.Levels {
				if l.New < l.Old {
					why = append(why, fmt.Sprintf("%s L%d→L%d", l.Category, l.Old, l.New))
				}
			}
			for _, c := range r.NewFailing {
				why = append(why, c.ID+" now fails")
			}
			if len(why) > 0 {
				out = append(out, "regression: "+list(why))
			}
		}
	}
	if len(want) > 0 && !slices.Contains(want, NoIncomplete) {
		for _, s := range incompleteSides(r) {
			out = append(out, fmt.Sprintf("incomplete: the %s report has %d partial or failed collector run(s): %s", s.name, len(s.side.Incomplete), list(s.side.Incomplete)))
		}
	}
	return out
}

func list(s []string) string {
	if len(s) > 5 {
		return strings.Join(s[:5], ", ") + fmt.Sprintf(" and %d more", len(s)-5)
	}
	return strings.Join(s, ", ")
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
