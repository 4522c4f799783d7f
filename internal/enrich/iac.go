package enrich

import (
	"fmt"
	"strings"

	"github.com/aisight/aisight/model"
)

// declared reports whether an asset is a resource declared in code (and
// which cloud declares it).
func declared(a *model.Asset) (string, bool) {
	f, ok := a.Fact("iac.cloud")
	if !ok {
		return "", false
	}
	s, _ := f.Value.(string)
	return s, s != ""
}

// reconcileIaC links each AI resource declared in code with the live
// resource it created, matched by cloud, kind and the cloud name the code
// states (and the region, the Google project and the Azure resource group,
// when the code states them). Then, for a cloud
// whose live collector read every scope:
//
//   - iac.declared on every live resource of a kind the scanned code
//     declares in that cloud (code that manages agents is expected to
//     manage every agent; it says nothing of notebooks another repository
//     may manage): false is an AI resource created outside any code
//     scanned ("click-ops AI");
//   - iac.live on every declared resource: false is declared but not
//     running (not applied yet, removed by hand, or in another account).
//
// A cloud whose live collector did not run, or ran partially, leaves both
// unknown: an incomplete listing cannot say a resource is absent.
func reconcileIaC(inv *model.Inventory) {
	type key struct {
		cloud string
		kind  model.Kind
		name  string
	}
	live := map[key][]int{}
	for i := range inv.Assets {
		a := &inv.Assets[i]
		if a.DeploymentType != model.PaaS {
			continue
		}
		if _, isCode := declared(a); isCode {
			continue
		}
		k := key{a.Provider, a.Kind, strings.ToLower(a.Name)}
		live[k] = append(live[k], i)
	}
	complete := map[string]bool{} // every scope of the collector read
	for _, r := range inv.Scan.CollectorRuns {
		sofar, seen := complete[r.Collector]
		complete[r.Collector] = (sofar || !seen) && r.Status == model.StatusOK
	}
	type ck struct {
		cloud string
		kind  model.Kind
	}
	codeKinds := map[ck]bool{}
	matched := map[int]bool{}
	for i := range inv.Assets {
		d := &inv.Assets[i]
		cloud, ok := declared(d)
		if !ok {
			continue
		}
		codeKinds[ck{cloud, d.Kind}] = true
		name := ""
		if f, ok := d.Fact("iac.cloud_name"); ok {
			name, _ = f.Value.(string)
		}
		var hits []int
		if name != "" {
			for _, j := range live[key{cloud, d.Kind, strings.ToLower(name)}] {
				if (d.Region == "" || sameRegion(d.Region, inv.Assets[j].Region)) && samePlace(d, &inv.Assets[j]) {
					hits = append(hits, j)
				}
			}
		}
		src := fmt.Sprintf("live %s resources of kind %s named %q", cloud, d.Kind, name)
		for _, j := range hits {
			l := &inv.Assets[j]
			matched[j] = true
			addRelation(d, model.Relation{Type: "deployed_as", Target: l.ID})
			addRelation(l, model.Relation{Type: "declared_in", Target: d.ID})
		}
		switch {
		case len(hits) > 0:
			d.SetFact(model.Bool("iac.live", true, model.Inferred, src))
		case complete[cloud] && name != "":
			d.SetFact(model.Bool("iac.live", false, model.Inferred, src+": none (all scopes read)"))
		}
	}
	for i := range inv.Assets {
		l := &inv.Assets[i]
		if l.DeploymentType != model.PaaS || !codeKinds[ck{l.Provider, l.Kind}] || !complete[l.Provider] {
			continue
		}
		if _, isCode := declared(l); isCode {
			continue
		}
		if matched[i] {
			l.SetFact(model.Bool("iac.declared", true, model.Inferred, "declared in the scanned infrastructure as code"))
		} else if !hasFact(l, "iac.declared") {
			l.SetFact(model.Bool("iac.declared", false, model.Inferred, "no "+l.Provider+" resource of kind "+string(l.Kind)+" named "+l.Name+" in the scanned infrastructure as code"))
		}
	}
}

// sameRegion compares a region as code writes it ("West US", "westus",
// "us-central1-a" for a zone) with the live one.
func sameRegion(code, live string) bool {
	n := func(s string) string { return strings.ToLower(strings.ReplaceAll(s, " ", "")) }
	c, l := n(code), n(live)
	return c == l || strings.HasPrefix(c, l+"-") || l == "" || l == "global"
}

// samePlace compares the project (Google) or resource group (Azure) a
// declaration names, when it names one, with where the live resource is.
func samePlace(d, l *model.Asset) bool {
	if f, ok := d.Fact("iac.project"); ok {
		p, _ := f.Value.(string)
		if p != "" && l.Scope != "gcp:"+p && !strings.HasPrefix(l.Scope, "gcp:"+p+":") {
			return false
		}
	}
	if f, ok := d.Fact("iac.resource_group"); ok {
		rg, _ := f.Value.(string)
		if rg != "" && !strings.Contains(strings.ToLower(l.ID), "/resourcegroups/"+strings.ToLower(rg)+"/") {
			return false
		}
	}
	return true
}
