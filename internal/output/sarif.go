package output

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aisight/aisight/model"
)

// SARIFRule is how a control's located failures appear in SARIF when the
// control catalog names a rule for it (scoring.SARIFRule): a stable rule id
// code scanning tracks alerts by, its name, severity and level.
type SARIFRule struct {
	ID, Name string
	Severity float64 // GitHub's security-severity, 0-10
	Level    string  // error, warning, note
}

// sarifMessages say, per rule, what is wrong with one failing asset, from
// its facts: rendering only; which assets fail is the control's judgement.
var sarifMessages = map[string]func(a *model.Asset) string{
	"AISIGHT001": func(a *model.Asset) string {
		return fmt.Sprintf("%s (%s) written in the file", factString(a, "key.kind"), firstNonEmpty(factString(a, "key.provider"), a.Provider))
	},
	"AISIGHT002": func(a *model.Asset) string {
		if a.Kind == model.KindSerializedData {
			return "a pickle of data (no model): loading it runs whatever code it names"
		}
		return "model file in " + factString(a, "model.format") + " format, which can run code when loaded"
	},
	"AISIGHT003": func(a *model.Asset) string {
		return "model " + firstNonEmpty(factString(a, "model.id"), a.Name) + " is not pinned to a revision"
	},
	"AISIGHT004": func(a *model.Asset) string {
		return "serving image " + factString(a, "image.ref") + " is not pinned by digest"
	},
	"AISIGHT005": func(a *model.Asset) string {
		return "MCP server package " + factString(a, "mcp.package") + " is not pinned"
	},
	"AISIGHT006": func(a *model.Asset) string {
		return string(a.Kind) + " " + declaredName(a) + " is declared without a guardrail"
	},
	"AISIGHT007": func(a *model.Asset) string {
		return string(a.Kind) + " " + declaredName(a) + " is declared without invocation logging"
	},
	"AISIGHT008": func(a *model.Asset) string {
		return string(a.Kind) + " " + declaredName(a) + " is declared with public network access"
	},
}

// declaredName is a declared resource's address and resource type.
func declaredName(a *model.Asset) string {
	return firstNonEmpty(factString(a, "iac.address"), a.Name) + " (" + factString(a, "iac.resource_type") + ")"
}

// SARIF writes the report's file-located findings as SARIF 2.1.0: every
// failing subject with a location of every failing control (keys in code,
// unsafe model formats, unpinned models, images and MCP packages among
// them, under the rule ids the control catalog gives them). The controls
// are the one judgement: an asset no control judges (a key in a test
// fixture, which scoring lists but does not score) is not a result. Paths
// are relative to the scanned root (uriBaseId %SRCROOT%), as GitHub code
// scanning wants.
func SARIF(w io.Writer, r model.Report, o Options) error {
	byID := map[string]*model.Asset{}
	for i := range r.Assets {
		byID[r.Assets[i].ID] = &r.Assets[i]
	}
	type rule map[string]any
	var rules []rule
	ruleIndex := map[string]int{}
	addRule := func(id, name, short, help string, sev float64, tags []string) int {
		if i, ok := ruleIndex[id]; ok {
			return i
		}
		ruleIndex[id] = len(rules)
		rules = append(rules, rule{"id": id, "name": name, "shortDescription": map[string]string{"text": short},
			"fullDescription": map[string]string{"text": short}, "help": map[string]string{"text": help, "markdown": help},
			"properties": map[string]any{"security-severity": fmt.Sprintf("%.1f", sev), "tags": tags}})
		return ruleIndex[id]
	}
	var results []map[string]any
	result := func(ruleID string, idx int, level, msg string, a *model.Asset) {
		region := map[string]any{}
		if a.Location.Line > 0 {
			region["startLine"] = a.Location.Line
		}
		loc := map[string]any{"physicalLocation": map[string]any{
			"artifactLocation": map[string]any{"uri": sarifURI(a.Location.Path), "uriBaseId": "%SRCROOT%"}}}
		if len(region) > 0 {
			loc["physicalLocation"].(map[string]any)["region"] = region
		}
		// The finding's context: a key in a test fixture or in docs is
		// reported at level note, so code scanning can filter it.
		ctx := firstNonEmpty(factString(a, "source.context"), "production")
		if ctx != "production" {
			level = "note"
		}
		results = append(results, map[string]any{"ruleId": ruleID, "ruleIndex": idx, "level": level, "message": map[string]string{"text": msg},
			"locations": []any{loc}, "partialFingerprints": map[string]string{
				"aisightAssetId/v1": a.ID,
				"aisightFinding/v1": findingFingerprint(ruleID, a),
			},
			"properties": map[string]any{"context": ctx}})
	}
	if r.Assessment != nil {
		for _, c := range r.Assessment.Categories {
			for _, ctl := range c.Controls {
				if ctl.Result != model.Fail {
					continue
				}
				failing := ctl.AllFailing
				if failing == nil {
					failing = ctl.Failing // a report read back from JSON
				}
				tags := []string{"security", "ai", "aismm-" + strings.ToLower(c.ID)}
				help := ctl.Title + " (AISMM " + c.ID + " L" + fmt.Sprint(int(ctl.Level)) + "; see aisight controls explain " + ctl.ID + ")"
				id, name, sev, level := ctl.ID, strings.ReplaceAll(ctl.ID, ".", "_"), 4.0+float64(6-int(ctl.Level)), "warning" // lower-level controls are the more basic gaps
				msg := func(*model.Asset) string { return "fails " + ctl.ID + ": " + ctl.Title }
				if sr, ok := o.SARIFRules[ctl.ID]; ok {
					id, name, sev, level = sr.ID, sr.Name, sr.Severity, sr.Level
					if m := sarifMessages[sr.ID]; m != nil {
						msg = m
					}
				}
				for _, sid := range failing {
					a := byID[sid]
					if a == nil || a.Location == nil || a.Location.Path == "" {
						continue
					}
					result(id, addRule(id, name, ctl.Title, help, sev, tags), level, msg(a), a)
				}
			}
		}
	}
	sort.SliceStable(results, func(i, j int) bool { return results[i]["ruleIndex"].(int) < results[j]["ruleIndex"].(int) })
	if results == nil {
		results = []map[string]any{}
	}
	if rules == nil {
		rules = []rule{}
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{"name": "aisight", "version": o.toolVersion(), "semanticVersion": semver(o.toolVersion()),
				"informationUri": "https://github.com/aisight/aisight", "rules": rules}},
			"originalUriBaseIds": map[string]any{"%SRCROOT%": map[string]any{"description": map[string]string{"text": "the root each finding's path is relative to (the scanned directory)"}}},
			"results":            results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// findingFingerprint identifies a finding across scans for baselines: the
// rule, the file's path relative to the scanned root, and what was found
// (a key by its fingerprint, anything else by kind and name), not the line
// (lines move when code above is edited) nor the folder the repository was
// checked out into.
func findingFingerprint(ruleID string, a *model.Asset) string {
	what := string(a.Kind) + ":" + a.Name
	if a.Secret != nil && a.Secret.SHA256 != "" {
		what = "secret:" + a.Secret.SHA256
	}
	sum := sha256.Sum256([]byte(ruleID + "\x00" + sarifURI(a.Location.Path) + "\x00" + what))
	return hex.EncodeToString(sum[:16])
}

// sarifURI makes a location path a relative URI reference.
func sarifURI(p string) string {
	p = strings.TrimPrefix(strings.ReplaceAll(p, "\\", "/"), "./")
	var b strings.Builder
	for _, c := range []byte(p) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', strings.IndexByte("-._~/!$&'()*+,;=:@", c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func semver(v string) string {
	v = strings.TrimPrefix(v, "v")
	if v == "" || v == "dev" || !strings.ContainsAny(v[:1], "0123456789") {
		return "0.0.0-" + strings.Trim(v, "-")
	}
	return v
}
