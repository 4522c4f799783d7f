package output

import (
	"sort"

	"github.com/aisight/aisight/model"
)

// iacDrift returns what reconciliation between the scanned code and the
// live clouds found (internal/enrich): live cloud AI resources that no
// scanned code declares (iac.declared false: created by hand), and
// resources the code declares that are not live (iac.live false).
func iacDrift(assets []model.Asset) (notInCode, notLive []*model.Asset) {
	for i := range assets {
		a := &assets[i]
		if v, ok := factBool(a, "iac.declared"); ok && !v {
			notInCode = append(notInCode, a)
		}
		if v, ok := factBool(a, "iac.live"); ok && !v && factString(a, "source.context") == "production" {
			notLive = append(notLive, a)
		}
	}
	by := func(s []*model.Asset) {
		sort.SliceStable(s, func(i, j int) bool {
			if s[i].Kind != s[j].Kind {
				return s[i].Kind < s[j].Kind
			}
			return s[i].ID < s[j].ID
		})
	}
	by(notInCode)
	by(notLive)
	return notInCode, notLive
}
