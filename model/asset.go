package model

import (
	"sort"
)

// DeploymentType is how an AI capability is consumed (AISMM's three types).
type DeploymentType string

// The deployment types of the AISMM.
const (
	SelfHosted DeploymentType = "self_hosted"
	PaaS       DeploymentType = "paas"
	APISaaS    DeploymentType = "api_saas"
)

// DeploymentTypes lists every deployment type in report order.
var DeploymentTypes = []DeploymentType{SelfHosted, PaaS, APISaaS}

// Valid reports whether d is one of the defined deployment types.
func (d DeploymentType) Valid() bool {
	return d == SelfHosted || d == PaaS || d == APISaaS
}

// Kind is what an asset is. The set is open (collectors may add kinds), but the
// kinds below are the documented ones the scorer and outputs know.
type Kind string

// Documented asset kinds.
const (
	KindModel             Kind = "model"
	KindEndpoint          Kind = "endpoint"
	KindModelDeployment   Kind = "model_deployment"
	KindAgent             Kind = "agent"
	KindKnowledgeBase     Kind = "knowledge_base"
	KindGuardrail         Kind = "guardrail"
	KindNotebook          Kind = "notebook"
	KindInferenceWorkload Kind = "inference_workload"
	KindAPIKey            Kind = "api_key"
	KindProject           Kind = "project"
	KindSDKDependency     Kind = "sdk_dependency"
	KindModelFile         Kind = "model_file"
	// KindSerializedData is a pickle that holds no model (plain data): not
	// a model, still unsafe to load.
	KindSerializedData Kind = "serialized_data"
	KindMCPServer      Kind = "mcp_server"
	KindIdentity       Kind = "identity"
	KindFlow           Kind = "flow"
	KindPrompt         Kind = "prompt"
	KindModelRegistry  Kind = "model_registry"
	// KindDataset is a dataset an organisation hosts (a Hugging Face
	// dataset repository).
	KindDataset Kind = "dataset"
	// KindApplication is a hosted AI application (a Hugging Face Space).
	KindApplication Kind = "application"
	// KindSeat is a person's seat of an AI service licensed per user (a
	// GitHub Copilot seat).
	KindSeat Kind = "seat"
)

// Kinds lists every documented asset kind. Outputs with closed value sets
// (metric labels) take their allowed kinds from here.
var Kinds = []Kind{KindModel, KindEndpoint, KindModelDeployment, KindAgent, KindKnowledgeBase, KindGuardrail, KindNotebook,
	KindInferenceWorkload, KindAPIKey, KindProject, KindSDKDependency, KindModelFile, KindSerializedData, KindMCPServer, KindIdentity,
	KindFlow, KindPrompt, KindModelRegistry, KindDataset, KindApplication, KindSeat}

// RegistrableKinds are the kinds an organisation's AI registry is expected to
// list: an asset of these kinds that the registry lacks is shadow AI
// (control ORG.3.registered reads the same list).
var RegistrableKinds = []Kind{KindEndpoint, KindModelDeployment, KindAgent, KindInferenceWorkload, KindKnowledgeBase, KindProject, KindModel}

// Asset is one AI asset found by a collector.
//
// ID is stable across scans: an ARN, a GCP resource name, an Azure resource ID,
// k8s://cluster/ns/kind/name or file://root/path[#fragment]. Nothing in an Asset
// ever holds a secret value; a secret is described by its Fingerprint only.
type Asset struct {
	ID             string            `json:"id"`
	Provider       string            `json:"provider"`
	Scope          string            `json:"scope"`
	Region         string            `json:"region,omitempty"`
	Kind           Kind              `json:"kind"`
	DeploymentType DeploymentType    `json:"deployment_type"`
	Name           string            `json:"name"`
	Tags           map[string]string `json:"tags,omitempty"`
	Owner          string            `json:"owner,omitempty"`
	Model          *ModelRef         `json:"model,omitempty"`
	Identity       string            `json:"identity,omitempty"`
	Location       *Location         `json:"location,omitempty"`
	Secret         *Fingerprint      `json:"secret,omitempty"`
	Relations      []Relation        `json:"relations,omitempty"`
	Facts          []Fact            `json:"facts,omitempty"`
}

// ModelRef names the model an asset serves, holds or references. Empty fields
// are unknown: a collector never fabricates a digest, version or revision.
type ModelRef struct {
	Publisher string `json:"publisher,omitempty"`
	Name      string `json:"name,omitempty"`
	Version   string `json:"version,omitempty"`
	Revision  string `json:"revision,omitempty"`
	Digest    string `json:"digest,omitempty"`
	Format    string `json:"format,omitempty"`
	SourceURI string `json:"source_uri,omitempty"`
}

// Location points into a file tree (source collector findings).
type Location struct {
	Path string `json:"path"`
	Line int    `json:"line,omitempty"`
	// Cell is the 1-based notebook cell (.ipynb) of the finding; Line is
	// then the notebook file's line of the cell's source line.
	Cell int `json:"cell,omitempty"`
}

// Relation links an asset to another asset or principal by ID.
type Relation struct {
	Type   string `json:"type"`
	Target string `json:"target"`
}

// Fingerprint identifies a secret without revealing it: the secret's kind,
// its first four and last four characters, a SHA-256 prefix (when the value
// was seen: a key in code) and where it was seen. A live key of a SaaS
// organisation is known only by its provider's redacted hint, so it has no
// SHA-256; prefix and suffix link it to the same key found in code.
type Fingerprint struct {
	Kind     string `json:"kind"`
	Prefix   string `json:"prefix"`
	Suffix   string `json:"suffix,omitempty"`
	SHA256   string `json:"sha256_prefix,omitempty"`
	Location string `json:"location"`
}

// Fact returns the asset's fact with the given key, if any.
func (a *Asset) Fact(key string) (Fact, bool) {
	for _, f := range a.Facts {
		if f.Key == key {
			return f, true
		}
	}
	return Fact{}, false
}

// SetFact adds f, replacing an existing fact with the same key.
func (a *Asset) SetFact(f Fact) {
	for i := range a.Facts {
		if a.Facts[i].Key == f.Key {
			a.Facts[i] = f
			return
		}
	}
	a.Facts = append(a.Facts, f)
}

// Normalize sorts the asset's facts and relations so that output is deterministic.
func (a *Asset) Normalize() {
	sort.SliceStable(a.Facts, func(i, j int) bool { return a.Facts[i].Key < a.Facts[j].Key })
	sort.SliceStable(a.Relations, func(i, j int) bool {
		if a.Relations[i].Type != a.Relations[j].Type {
			return a.Relations[i].Type < a.Relations[j].Type
		}
		return a.Relations[i].Target < a.Relations[j].Target
	})
}
