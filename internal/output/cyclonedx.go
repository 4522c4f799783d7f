package output

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/model"
)

// CycloneDX versions this build writes.
var CycloneDXVersions = map[string]cdx.SpecVersion{"1.7": cdx.SpecVersion1_7, "1.6": cdx.SpecVersion1_6}

// CycloneDX writes the report as a CycloneDX ML-BOM (JSON): models as
// machine-learning-model components, serving images as container
// components, AI SDKs as library components with package URLs, PaaS and
// SaaS AI, agents, knowledge bases and MCP servers as services, relations as
// dependencies, and everything else as properties in the aisight:
// taxonomy (docs/reports.md). Keys and identities are not BOM material and
// are left out; secrets never appear.
func CycloneDX(w io.Writer, r model.Report, o Options) error {
	v, ok := CycloneDXVersions[o.cycloneDXVersion()]
	if !ok {
		return fmt.Errorf("CycloneDX version %q: this build writes 1.7 and 1.6", o.CycloneDXVersion)
	}
	bom := cdx.NewBOM()
	bom.SerialNumber = serialNumber(r)
	bom.Metadata = &cdx.Metadata{
		Timestamp: r.Scan.Started.UTC().Format(time.RFC3339),
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{Type: cdx.ComponentTypeApplication, Name: "aisight",
			Version: o.toolVersion(), Description: "AI asset discovery and AI security maturity scoring"}}},
		Properties: maturityProperties(r),
	}
	var comps []cdx.Component
	var services []cdx.Service
	inBOM := map[string]bool{}
	for i := range r.Assets {
		a := &r.Assets[i]
		switch a.Kind {
		case model.KindAPIKey, model.KindIdentity, model.KindSeat:
			continue // credentials, principals and seats are not bill-of-materials material
		case model.KindModel, model.KindModelFile:
			comps = append(comps, modelComponent(a))
		case model.KindInferenceWorkload:
			comps = append(comps, containerComponent(a))
		case model.KindSDKDependency:
			comps = append(comps, libraryComponent(a))
		case model.KindDataset:
			comps = append(comps, cdx.Component{BOMRef: a.ID, Type: cdx.ComponentTypeData, Name: firstNonEmpty(a.Name, a.ID), Properties: properties(a)})
		default:
			services = append(services, service(a))
		}
		inBOM[a.ID] = true
	}
	if len(comps) > 0 {
		bom.Components = &comps
	}
	if len(services) > 0 {
		bom.Services = &services
	}
	var deps []cdx.Dependency
	for i := range r.Assets {
		a := &r.Assets[i]
		if !inBOM[a.ID] {
			continue
		}
		var on []string
		seen := map[string]bool{}
		for _, rel := range a.Relations {
			if inBOM[rel.Target] && rel.Target != a.ID && !seen[rel.Target] {
				seen[rel.Target] = true
				on = append(on, rel.Target)
			}
		}
		if len(on) > 0 {
			deps = append(deps, cdx.Dependency{Ref: a.ID, Dependencies: &on})
		}
	}
	if len(deps) > 0 {
		bom.Dependencies = &deps
	}
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	return enc.EncodeVersion(bom, v)
}

// serialNumber is a stable urn:uuid for one scan's report (the same report
// renders the same BOM).
func serialNumber(r model.Report) string {
	h := sha256.New()
	fmt.Fprint(h, r.Scan.Started.UTC().Format(time.RFC3339Nano))
	for _, a := range r.Assets {
		fmt.Fprint(h, a.ID, "\x00")
	}
	s := h.Sum(nil)
	s[6] = (s[6] & 0x0f) | 0x50 // version 5 (name-based, SHA)
	s[8] = (s[8] & 0x3f) | 0x80
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", s[0:4], s[4:6], s[6:8], s[8:10], s[10:16])
}

func maturityProperties(r model.Report) *[]cdx.Property {
	props := []cdx.Property{{Name: "aisight:schema_version", Value: r.SchemaVersion}}
	if r.Assessment != nil {
		props = append(props, cdx.Property{Name: "aisight:catalog_version", Value: r.Assessment.CatalogVersion})
		for _, c := range r.Assessment.Categories {
			props = append(props,
				cdx.Property{Name: "aisight:maturity:" + c.ID, Value: fmt.Sprintf("L%d", c.Level)},
				cdx.Property{Name: "aisight:coverage:" + c.ID, Value: fmt.Sprintf("%.3f", c.Coverage)},
				cdx.Property{Name: "aisight:potential:" + c.ID, Value: fmt.Sprintf("L%d", c.PotentialLevel)})
		}
	}
	return &props
}

// properties are an asset's aisight: properties: where it is, what it is,
// and every fact.
func properties(a *model.Asset) *[]cdx.Property {
	p := []cdx.Property{
		{Name: "aisight:kind", Value: string(a.Kind)},
		{Name: "aisight:provider", Value: a.Provider},
		{Name: "aisight:deployment_type", Value: string(a.DeploymentType)},
		{Name: "aisight:scope", Value: a.Scope},
	}
	add := func(name, v string) {
		if v != "" {
			p = append(p, cdx.Property{Name: name, Value: v})
		}
	}
	add("aisight:region", a.Region)
	add("aisight:owner", a.Owner)
	add("aisight:identity", a.Identity)
	add("aisight:location", location(a))
	for _, k := range sortedKeys(a.Tags) {
		add("aisight:tag:"+k, a.Tags[k])
	}
	for _, f := range a.Facts {
		p = append(p, cdx.Property{Name: "aisight:fact:" + f.Key, Value: valueString(f.Value)})
	}
	return &p
}

// modelComponent is a model or model file: a machine-learning-model
// component with its publisher, version, hash, package URL and, where
// aisight knows something the model card holds, a model card.
func modelComponent(a *model.Asset) cdx.Component {
	c := cdx.Component{BOMRef: a.ID, Type: cdx.ComponentTypeMachineLearningModel, Name: a.Name, Properties: properties(a)}
	if m := a.Model; m != nil {
		if m.Name != "" {
			c.Name = m.Name
		}
		c.Group = m.Publisher
		c.Version = firstNonEmpty(m.Version, m.Revision)
		c.PackageURL = huggingFacePURL(m, factString(a, "model.source") == "huggingface")
		if m.SourceURI != "" {
			c.ExternalReferences = &[]cdx.ExternalReference{{Type: cdx.ERTypeDistribution, URL: m.SourceURI}}
		}
	}
	if c.Name == "" {
		c.Name = a.ID
	}
	if h := sha256Of(factString(a, "file.sha256")); h != "" {
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: h}}
	} else if a.Model != nil && sha256Of(a.Model.Digest) != "" {
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: sha256Of(a.Model.Digest)}}
	}
	if approach := factString(a, "model.customization"); approach != "" {
		// a fine-tuned, continued-pre-trained or distilled model was trained supervised
		c.ModelCard = &cdx.MLModelCard{BOMRef: a.ID + "#model-card",
			ModelParameters: &cdx.MLModelParameters{Approach: &cdx.MLModelParametersApproach{Type: cdx.MLModelParametersApproachTypeSupervised}}}
	}
	return c
}

// huggingFacePURL is pkg:huggingface/<namespace>/<name>@<revision> for a
// model that comes from the Hugging Face Hub, and "" for any other (a
// Model Garden, bucket or registry model: its source stays an external
// reference). The Hub id is read from the source URI (https://huggingface.co/,
// hf.co/, hf://, huggingface://, or a bare ORG/NAME the collector says is a
// Hub id), never from a display name or a registry's own publisher.
func huggingFacePURL(m *model.ModelRef, fromHub bool) string {
	id := ""
	lower := strings.ToLower(m.SourceURI)
	for _, prefix := range []string{"https://huggingface.co/", "http://huggingface.co/", "https://hf.co/", "hf.co/", "huggingface.co/", "hf://", "huggingface://"} {
		if strings.HasPrefix(lower, prefix) {
			id = m.SourceURI[len(prefix):]
			break
		}
	}
	if id == "" && fromHub {
		id = m.SourceURI
		if id == "" && m.Publisher != "" && m.Name != "" {
			id = m.Publisher + "/" + m.Name
		}
	}
	parts := strings.Split(strings.Trim(id, "/"), "/")
	if len(parts) < 2 || !hubName.MatchString(parts[0]) || !hubName.MatchString(parts[1]) {
		return ""
	}
	if parts[0] == "datasets" || parts[0] == "spaces" {
		return "" // not a model
	}
	p := "pkg:huggingface/" + url.PathEscape(parts[0]) + "/" + url.PathEscape(parts[1])
	if m.Revision != "" {
		p += "@" + url.PathEscape(strings.ToLower(m.Revision))
	}
	return p
}

// hubName is a Hugging Face Hub namespace or repository name.
var hubName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$`)

// containerComponent is a serving workload's image: a container
// component with the digest it is pinned to or runs.
func containerComponent(a *model.Asset) cdx.Component {
	ref := fingerprint.ParseImage(factString(a, "image.ref"))
	c := cdx.Component{BOMRef: a.ID, Type: cdx.ComponentTypeContainer, Name: a.Name, Description: "AI serving workload " + a.Name, Properties: properties(a)}
	if ref.Repository != "" {
		c.Name = strings.TrimPrefix(ref.Registry+"/"+ref.Repository, "/")
		c.Version = ref.Tag
	}
	digest := firstNonEmpty(factString(a, "image.running_digest"), ref.Digest)
	if h := sha256Of(digest); h != "" {
		c.Hashes = &[]cdx.Hash{{Algorithm: cdx.HashAlgoSHA256, Value: h}}
		if ref.Repository != "" {
			name := ref.Repository[strings.LastIndex(ref.Repository, "/")+1:]
			q := url.Values{"repository_url": {strings.TrimPrefix(ref.Registry+"/"+ref.Repository, "/")}}
			if ref.Tag != "" {
				q.Set("tag", ref.Tag)
			}
			c.PackageURL = "pkg:oci/" + url.PathEscape(name) + "@" + url.QueryEscape("sha256:"+h) + "?" + q.Encode()
		}
	}
	return c
}

// libraryComponent is an AI SDK dependency with its package URL.
func libraryComponent(a *model.Asset) cdx.Component {
	name := firstNonEmpty(factString(a, "dependency.package"), a.Name)
	version := factString(a, "dependency.version")
	c := cdx.Component{BOMRef: a.ID, Type: cdx.ComponentTypeLibrary, Name: name, Version: version, Properties: properties(a)}
	c.PackageURL = purl(factString(a, "dependency.ecosystem"), name, version)
	return c
}

// purl builds a package URL for the ecosystems the source collector reads.
func purl(ecosystem, name, version string) string {
	var p string
	switch ecosystem {
	case "pypi":
		p = "pkg:pypi/" + url.PathEscape(strings.ReplaceAll(strings.ToLower(name), "_", "-"))
	case "npm":
		if scope, rest, ok := strings.Cut(name, "/"); ok && strings.HasPrefix(scope, "@") {
			p = "pkg:npm/" + url.PathEscape(scope) + "/" + url.PathEscape(rest)
		} else {
			p = "pkg:npm/" + url.PathEscape(name)
		}
	case "go":
		p = "pkg:golang/" + name
	case "maven":
		group, artifact, ok := strings.Cut(name, ":")
		if !ok {
			return ""
		}
		p = "pkg:maven/" + url.PathEscape(group) + "/" + url.PathEscape(artifact)
	case "cargo":
		p = "pkg:cargo/" + url.PathEscape(name)
	default:
		return ""
	}
	if version != "" {
		p += "@" + url.PathEscape(version)
	}
	return p
}

// service is a PaaS or SaaS AI resource, an agent, a knowledge base or an
// MCP server: a service with its provider, endpoints, authentication and
// whether it is reachable from outside.
func service(a *model.Asset) cdx.Service {
	s := cdx.Service{BOMRef: a.ID, Name: firstNonEmpty(a.Name, a.ID), Group: string(a.Kind), TrustZone: string(a.DeploymentType), Properties: properties(a)}
	if a.Provider != "" {
		s.Provider = &cdx.OrganizationalEntity{Name: a.Provider}
	}
	if u := factString(a, "mcp.url"); u != "" {
		s.Endpoints = &[]string{u}
	}
	if public, ok := factBool(a, "network.public_access"); ok {
		s.CrossesTrustBoundary = &public
	} else if ext, ok := factBool(a, "exposure.external"); ok {
		s.CrossesTrustBoundary = &ext
	}
	if disabled, ok := factBool(a, "auth.local_auth_disabled"); ok && disabled {
		t := true
		s.Authenticated = &t
	} else if a.DeploymentType == model.APISaaS || a.DeploymentType == model.PaaS && a.Kind != model.KindMCPServer {
		t := true // cloud and SaaS AI APIs authenticate every call (keys or identities)
		s.Authenticated = &t
	}
	if class := firstNonEmpty(a.Tags["data_classification"], a.Tags["data-classification"]); class != "" {
		s.Data = &[]cdx.DataClassification{{Flow: cdx.DataFlowBidirectional, Classification: class}}
	}
	return s
}

func sha256Of(s string) string {
	h := strings.TrimPrefix(strings.ToLower(s), "sha256:")
	if len(h) != 64 {
		return ""
	}
	for _, c := range h {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return ""
		}
	}
	return h
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
