package output

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

// SPDX writes the report as an SPDX 3.0.1 JSON-LD document with the AI and
// Dataset profiles: models and agents as ai_AIPackage (an agent with
// autonomyType yes), knowledge bases and their data sources as
// dataset_DatasetPackage, SDKs, images and AI services as software_Package,
// relations as Relationship elements. Keys and identities are left out.
func SPDX(w io.Writer, r model.Report, o Options) error {
	ns := strings.Replace(serialNumber(r), "urn:uuid:", "urn:spdx:aisight:", 1)
	id := func(s string) string {
		sum := sha256.Sum256([]byte(s))
		return ns + "#SPDXRef-" + hex.EncodeToString(sum[:8])
	}
	const ci = "_:creationinfo"
	agent, tool, doc := ns+"#SPDXRef-aisight", ns+"#SPDXRef-aisight-tool", ns+"#SPDXRef-document"
	graph := []map[string]any{
		{"type": "CreationInfo", "@id": ci, "specVersion": "3.0.1", "created": r.Scan.Started.UTC().Format(time.RFC3339),
			"createdBy": []string{agent}, "createdUsing": []string{tool}},
		{"type": "Organization", "spdxId": agent, "creationInfo": ci, "name": "aisight"},
		{"type": "Tool", "spdxId": tool, "creationInfo": ci, "name": "aisight " + o.toolVersion()},
	}
	var elements, roots []string
	ids := map[string]string{}
	for i := range r.Assets {
		a := &r.Assets[i]
		if a.Kind == model.KindAPIKey || a.Kind == model.KindIdentity || a.Kind == model.KindSeat {
			continue
		}
		ids[a.ID] = id(a.ID)
	}
	for i := range r.Assets {
		a := &r.Assets[i]
		sid, ok := ids[a.ID]
		if !ok {
			continue
		}
		e := spdxElement(a, sid, ci)
		graph = append(graph, e)
		elements = append(elements, sid)
		roots = append(roots, sid)
		if a.Kind == model.KindKnowledgeBase { // its data sources, as datasets it contains
			for _, src := range factStrings(a, "kb.data_sources") {
				did := id(a.ID + "#data-source:" + src)
				graph = append(graph, map[string]any{"type": "dataset_DatasetPackage", "spdxId": did, "creationInfo": ci, "name": src,
					"software_primaryPurpose": "data", "dataset_datasetType": []string{"noAssertion"},
					"summary": "a data source of the knowledge base " + a.Name})
				rel := id(a.ID + "->contains->" + did)
				graph = append(graph, map[string]any{"type": "Relationship", "spdxId": rel, "creationInfo": ci, "from": sid, "to": []string{did},
					"relationshipType": "contains"})
				elements = append(elements, did, rel)
			}
		}
	}
	for i := range r.Assets {
		a := &r.Assets[i]
		from, ok := ids[a.ID]
		if !ok {
			continue
		}
		for _, rel := range a.Relations {
			to, ok := ids[rel.Target]
			if !ok || to == from {
				continue
			}
			typ, f, t := spdxRelationship(rel.Type), from, to
			if rel.Type == "part_of" { // the whole contains the part
				f, t = to, from
			}
			rid := id(a.ID + "->" + rel.Type + "->" + rel.Target)
			e := map[string]any{"type": "Relationship", "spdxId": rid, "creationInfo": ci, "from": f, "to": []string{t}, "relationshipType": typ}
			if typ == "other" {
				e["comment"] = "aisight relation " + rel.Type
			}
			graph = append(graph, e)
			elements = append(elements, rid)
		}
	}
	sort.Strings(roots)
	docEl := map[string]any{"type": "SpdxDocument", "spdxId": doc, "creationInfo": ci,
		"name":               "aisight AI inventory " + r.Scan.Started.UTC().Format(time.RFC3339),
		"profileConformance": []string{"core", "software", "ai", "dataset"},
		"element":            append([]string{agent, tool}, elements...)}
	if len(roots) > 0 {
		docEl["rootElement"] = roots
	}
	graph = append(graph, docEl)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(map[string]any{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph})
}

func factStrings(a *model.Asset, key string) []string {
	f, ok := a.Fact(key)
	if !ok {
		return nil
	}
	switch v := f.Value.(type) {
	case []string:
		return v
	case []any:
		var out []string
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// spdxRelationship maps an aisight relation to an SPDX relationship type.
func spdxRelationship(t string) string {
	switch t {
	case "serves", "uses_model", "routes_to", "deployed_in", "guarded_by":
		return "dependsOn"
	case "part_of":
		return "contains"
	case "deployed_to":
		return "availableFrom"
	}
	return "other"
}

// spdxElement maps one asset.
func spdxElement(a *model.Asset, sid, ci string) map[string]any {
	e := map[string]any{"spdxId": sid, "creationInfo": ci, "name": firstNonEmpty(a.Name, a.ID),
		"summary": "aisight " + string(a.Kind) + " (" + string(a.DeploymentType) + ", " + a.Provider + ") " + a.ID}
	var comment []string
	for _, f := range a.Facts {
		comment = append(comment, f.Key+"="+valueString(f.Value))
	}
	if len(comment) > 0 {
		e["comment"] = "aisight facts: " + strings.Join(comment, "; ")
	}
	hash := func(v string) {
		if h := sha256Of(v); h != "" {
			e["verifiedUsing"] = []map[string]any{{"type": "Hash", "algorithm": "sha256", "hashValue": h}}
		}
	}
	switch a.Kind {
	case model.KindModel, model.KindModelFile:
		e["type"] = "ai_AIPackage"
		e["software_primaryPurpose"] = "model"
		if m := a.Model; m != nil {
			if m.Name != "" {
				e["name"] = m.Name
			}
			if v := firstNonEmpty(m.Version, m.Revision); v != "" {
				e["software_packageVersion"] = v
			}
			if m.SourceURI != "" {
				e["software_downloadLocation"] = m.SourceURI
			}
			if p := huggingFacePURL(m, factString(a, "model.source") == "huggingface"); p != "" {
				e["software_packageUrl"] = p
			}
			hash(m.Digest)
		}
		hash(factString(a, "file.sha256"))
		if fmt := factString(a, "model.format"); fmt != "" {
			e["ai_typeOfModel"] = []string{fmt}
		}
		if safe, ok := factBool(a, "model.serialization_safe"); ok && !safe {
			e["ai_limitation"] = "serialised in a format that can run code when loaded (" + factString(a, "model.format") + ")"
		}
	case model.KindAgent:
		e["type"] = "ai_AIPackage"
		e["software_primaryPurpose"] = "application"
		e["ai_autonomyType"] = "yes"
		if fw := factString(a, "agent.framework"); fw != "" {
			e["ai_informationAboutApplication"] = "agent framework " + fw + " on " + factString(a, "agent.platform")
		}
	case model.KindKnowledgeBase, model.KindDataset:
		e["type"] = "dataset_DatasetPackage"
		e["software_primaryPurpose"] = "data"
		e["dataset_datasetType"] = []string{"noAssertion"}
	case model.KindInferenceWorkload:
		e["type"] = "software_Package"
		e["software_primaryPurpose"] = "container"
		ref := fingerprint.ParseImage(factString(a, "image.ref"))
		if ref.Repository != "" {
			e["name"] = strings.TrimPrefix(ref.Registry+"/"+ref.Repository, "/")
			if ref.Tag != "" {
				e["software_packageVersion"] = ref.Tag
			}
		}
		hash(firstNonEmpty(factString(a, "image.running_digest"), ref.Digest))
	case model.KindSDKDependency:
		e["type"] = "software_Package"
		e["software_primaryPurpose"] = "library"
		name, version := firstNonEmpty(factString(a, "dependency.package"), a.Name), factString(a, "dependency.version")
		e["name"] = name
		if version != "" {
			e["software_packageVersion"] = version
		}
		if p := purl(factString(a, "dependency.ecosystem"), name, version); p != "" {
			e["software_packageUrl"] = p
		}
	default:
		e["type"] = "software_Package"
		e["software_primaryPurpose"] = "application"
		if u := factString(a, "mcp.url"); u != "" {
			e["software_downloadLocation"] = u
		}
	}
	return e
}
