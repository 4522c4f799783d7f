package output

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aisight/aisight/model"
)

// sarifRule is one kind of file-located finding.
type sarifRule struct {
	id, name, short, help string
	severity              float64 // GitHub's security-severity, 0-10
	level                 string  // error, warning, note
	match                 func(a *model.Asset) (string, bool)
}

// sarifRules are the findings aisight reports in code: each matches an
// asset with a location and says why.
var sarifRules = []sarifRule{
	{id: "AISIGHT001", name: "LiteralAIKey", short: "An AI provider key is written in a file",
		help:     "A key in a repository or image is readable by everyone who can read it, forever. Revoke the key, move it to a secrets manager, and reference it by name.",
		severity: 9.0, level: "error", match: func(a *model.Asset) (string, bool) {
			lit, ok := factBool(a, "key.literal_in_source")
			if a.Kind != model.KindAPIKey || !ok || !lit || factString(a, "key.file_class") == "workload_spec" {
				return "", false
			}
			return fmt.Sprintf("%s (%s) written in the file", factString(a, "key.kind"), firstNonEmpty(factString(a, "key.provider"), a.Provider)), true
		}},
	{id: "AISIGHT002", name: "UnsafeModelFormat", short: "A model file is in a format that can run code when loaded",
		help:     "Pickle and PyTorch archives and Keras HDF5 run code on load. Convert to safetensors or ONNX, or load only from trusted, verified sources.",
		severity: 7.5, level: "error", match: func(a *model.Asset) (string, bool) {
			safe, ok := factBool(a, "model.serialization_safe")
			if a.Kind != model.KindModelFile && a.Kind != model.KindSerializedData || !ok || safe {
				return "", false
			}
			if a.Kind == model.KindSerializedData {
				return "a pickle of data (no model): loading it runs whatever code it names", true
			}
			return "model file in " + factString(a, "model.format") + " format, which can run code when loaded", true
		}},
	{id: "AISIGHT003", name: "UnpinnedModel", short: "A model is referenced without a pinned revision",
		help:     "A model reference without a commit revision loads whatever the publisher pushes next. Pin the revision (revision=<40-hex commit>).",
		severity: 5.0, level: "warning", match: func(a *model.Asset) (string, bool) {
			pinned, ok := factBool(a, "model.revision_pinned")
			if a.Kind != model.KindModel || !ok || pinned {
				return "", false
			}
			return "model " + factString(a, "model.id") + " is not pinned to a revision", true
		}},
	{id: "AISIGHT004", name: "UnpinnedImage", short: "An AI serving image is not pinned by digest",
		help:     "A tag can be moved to another image. Pin serving images by @sha256 digest.",
		severity: 5.0, level: "warning", match: func(a *model.Asset) (string, bool) {
			pinned, ok := factBool(a, "image.pinned_digest")
			if a.Kind != model.KindInferenceWorkload || !ok || pinned {
				return "", false
			}
			return "serving image " + factString(a, "image.ref") + " is not pinned by digest", true
		}},
	{id: "AISIGHT005", name: "UnpinnedMCPServer", short: "An MCP server package is not pinned to a version",
		help:     "`npx -y pkg` and @latest run whatever the registry serves today. Pin the MCP server package to an exact version.",
		severity: 6.0, level: "warning", match: func(a *model.Asset) (string, bool) {
			pinned, ok := factBool(a, "mcp.package_pinned")
			if a.Kind != model.KindMCPServer || !ok || pinned {
				return "", false
			}
			return "MCP server package " + factString(a, "mcp.package") + " is not pinned", true
		}},
}

// SARIF writes the report's file-located findings as SARIF 2.1.0: keys in
// code, unsafe model formats, unpinned models, images and MCP packages, and
// every failing control with a located failing subject. Paths are relative
// to the scanned root (uriBaseId %SRCROOT%), as GitHub code scanning wants.
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
		results = append(results, map[string]any{"ruleId": ruleID, "ruleIndex": idx, "level": level, "message": map[string]string{"text": msg},
			"locations": []any{loc}, "partialFingerprints": map[string]string{"aisightAssetId/v1": a.ID}})
	}
	for _, rl := range sarifRules {
		for i := range r.Assets {
			a := &r.Assets[i]
			if a.Location == nil || a.Location.Path == "" {
				continue
			}
			if msg, ok := rl.match(a); ok {
				idx := addRule(rl.id, rl.name, rl.short, rl.help, rl.severity, []string{"security", "ai"})
				result(rl.id, idx, rl.level, msg, a)
			}
		}
	}
	if r.Assessment != nil {
		for _, c := range r.Assessment.Categories {
			for _, ctl := range c.Controls {
				if ctl.Result != model.Fail {
					continue
				}
				for _, id := range ctl.Failing {
					a := byID[id]
					if a == nil || a.Location == nil || a.Location.Path == "" {
						continue
					}
					sev := 4.0 + float64(6-int(ctl.Level)) // lower-level controls are the more basic gaps
					idx := addRule(ctl.ID, strings.ReplaceAll(ctl.ID, ".", "_"), ctl.Title, ctl.Title+" (AISMM "+c.ID+" L"+fmt.Sprint(int(ctl.Level))+"; see aisight controls explain "+ctl.ID+")", sev, []string{"security", "ai", "aismm-" + strings.ToLower(c.ID)})
					result(ctl.ID, idx, "warning", "fails "+ctl.ID+": "+ctl.Title, a)
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
