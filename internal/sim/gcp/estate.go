package gcp

import (
	"cloud.google.com/go/apikeys/apiv2/apikeyspb"
	"cloud.google.com/go/orgpolicy/apiv2/orgpolicypb"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"cloud.google.com/go/aiplatform/apiv1/aiplatformpb"
	adminpb "cloud.google.com/go/iam/admin/apiv1/adminpb"
	"cloud.google.com/go/iam/apiv1/iampb"
	"cloud.google.com/go/notebooks/apiv2/notebookspb"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"sigs.k8s.io/yaml"
)

// Estate is a GCP organisation as the emulator serves it. Resources are
// written in the services' own JSON mapping (protojson field names, as the
// REST API and `gcloud --format=json` show them); a short `name` is
// expanded to the full resource name under its project and location.
type Estate struct {
	// Locations are the Vertex AI locations ListLocations returns for every
	// project (the service's locations are the same for all projects).
	Locations []string   `json:"locations"`
	Projects  []*Project `json:"projects"`
	// Folders and Organizations are the resource hierarchy above the
	// projects (a project's parent names one), each with the IAM policy
	// everything below it inherits.
	Folders       []*Node `json:"folders"`
	Organizations []*Node `json:"organizations"`
	// PageSize is the most items any list returns per page (default 2).
	PageSize int    `json:"page_size"`
	Faults   Faults `json:"faults"`
}

// Faults are injected errors.
type Faults struct {
	// ResourceExhaustedRate is the share of calls answered RESOURCE_EXHAUSTED (0-1).
	ResourceExhaustedRate float64 `json:"resource_exhausted_rate"`
	// UnavailableRate is the share answered UNAVAILABLE.
	UnavailableRate float64 `json:"unavailable_rate"`
	// DelayMillis delays every answer.
	DelayMillis int `json:"delay_ms"`
	// RatePerSecond, when set, is each project's limit per location (or
	// zone, or global) and service, as Google meters read requests: a token
	// bucket of that many requests per second; a call over it is answered
	// RESOURCE_EXHAUSTED.
	RatePerSecond float64 `json:"rate_per_second"`
	// Seed makes the random faults repeatable.
	Seed int64 `json:"seed"`
}

// Project is one project and what it holds.
type Project struct {
	ID          string            `json:"id"`
	Number      string            `json:"number"`
	DisplayName string            `json:"display_name"`
	Parent      string            `json:"parent"` // organizations/N or folders/N
	State       string            `json:"state"`  // ACTIVE (default), DELETE_REQUESTED
	Labels      map[string]string `json:"labels"`
	// Denied answers PERMISSION_DENIED to every call about the project except
	// finding it (SearchProjects, GetProject): the caller can see the project
	// but holds no role in it.
	Denied bool `json:"denied"`
	// DisabledServices answer PERMISSION_DENIED with reason SERVICE_DISABLED
	// (aiplatform.googleapis.com, notebooks.googleapis.com, iam.googleapis.com).
	DisabledServices []string `json:"disabled_services"`

	IAMPolicy json.RawMessage `json:"iam_policy"` // google.iam.v1.Policy
	// OrgPolicies are organisation policies set on the project, by
	// constraint (vertexai.allowedModels): google.cloud.orgpolicy.v2.PolicySpec.
	OrgPolicies     map[string]json.RawMessage `json:"org_policies"`
	CustomRoles     []json.RawMessage          `json:"custom_roles"` // google.iam.admin.v1.Role
	ServiceAccounts []ServiceAccount           `json:"service_accounts"`
	// Workbench are Workbench (notebooks v2) instances; name is ZONE/NAME.
	Workbench []json.RawMessage `json:"workbench_instances"`
	// APIKeys are API keys (google.api.apikeys.v2.Key); name is the key's
	// id (expanded to projects/N/locations/global/keys/ID). key_string is
	// never answered by ListKeys, as the API does not.
	APIKeys []json.RawMessage          `json:"api_keys"`
	Vertex  map[string]*VertexLocation `json:"vertex"` // by location

	policy    *iampb.Policy
	orgpol    map[string]*orgpolicypb.PolicySpec
	roles     []*adminpb.Role
	workbench []*notebookspb.Instance
	apiKeys   []*apikeyspb.Key
}

// Node is a folder or an organisation.
type Node struct {
	Name        string `json:"name"`   // folders/N or organizations/N
	Parent      string `json:"parent"` // a folder's: folders/N or organizations/N
	DisplayName string `json:"display_name"`
	// Denied answers PERMISSION_DENIED to every call about the node.
	Denied    bool            `json:"denied"`
	IAMPolicy json.RawMessage `json:"iam_policy"` // google.iam.v1.Policy
	// OrgPolicies are organisation policies set on the node, as on a project.
	OrgPolicies map[string]json.RawMessage `json:"org_policies"`

	policy *iampb.Policy
	orgpol map[string]*orgpolicypb.PolicySpec
}

// Node finds a folder or organisation by name.
func (e *Estate) Node(name string) *Node {
	for _, n := range append(append([]*Node(nil), e.Folders...), e.Organizations...) {
		if n.Name == name {
			return n
		}
	}
	return nil
}

// ServiceAccount is a service account of the project and its keys.
type ServiceAccount struct {
	Email       string            `json:"email"`
	DisplayName string            `json:"display_name"`
	Disabled    bool              `json:"disabled"`
	Keys        []json.RawMessage `json:"keys"` // google.iam.admin.v1.ServiceAccountKey
	keys        []*adminpb.ServiceAccountKey
}

// VertexLocation is what a project holds in one Vertex AI location.
// NotOffered names services the location does not serve (endpoints,
// models, reasoning_engines, index_endpoints, notebook_runtimes,
// tuning_jobs): their lists answer UNIMPLEMENTED there.
type VertexLocation struct {
	Endpoints        []json.RawMessage `json:"endpoints"`
	Models           []json.RawMessage `json:"models"` // one entry per version
	ReasoningEngines []json.RawMessage `json:"reasoning_engines"`
	IndexEndpoints   []json.RawMessage `json:"index_endpoints"`
	NotebookRuntimes []json.RawMessage `json:"notebook_runtimes"`
	TuningJobs       []json.RawMessage `json:"tuning_jobs"`
	// DeploymentResourcePools hold the machines and service account of the
	// deployed models that name one in shared_resources.
	DeploymentResourcePools []json.RawMessage `json:"deployment_resource_pools"`
	NotOffered              []string          `json:"not_offered"`

	endpoints []*aiplatformpb.Endpoint
	models    []*aiplatformpb.Model
	engines   []*aiplatformpb.ReasoningEngine
	indexEPs  []*aiplatformpb.IndexEndpoint
	runtimes  []*aiplatformpb.NotebookRuntime
	tuning    []*aiplatformpb.TuningJob
	pools     []*aiplatformpb.DeploymentResourcePool
}

// LoadEstate reads an estate file.
func LoadEstate(path string) (*Estate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseEstate(b)
}

// ParseEstate parses an estate (YAML or JSON) and its resources.
func ParseEstate(b []byte) (*Estate, error) {
	var e Estate
	if err := yaml.UnmarshalStrict(b, &e); err != nil {
		return nil, fmt.Errorf("gcp estate: %w", err)
	}
	if e.PageSize <= 0 {
		e.PageSize = 2
	}
	for _, p := range e.Projects {
		if err := p.parse(); err != nil {
			return nil, fmt.Errorf("gcp estate: project %s: %w", p.ID, err)
		}
	}
	for _, n := range append(append([]*Node(nil), e.Folders...), e.Organizations...) {
		n.policy = &iampb.Policy{}
		if len(n.IAMPolicy) > 0 && string(n.IAMPolicy) != "null" {
			if err := protojson.Unmarshal(n.IAMPolicy, n.policy); err != nil {
				return nil, fmt.Errorf("gcp estate: %s iam_policy: %w", n.Name, err)
			}
		}
		var err error
		if n.orgpol, err = parseSpecs(n.OrgPolicies); err != nil {
			return nil, fmt.Errorf("gcp estate: %s org_policies: %w", n.Name, err)
		}
	}
	return &e, nil
}

func (p *Project) parse() error {
	if p.State == "" {
		p.State = "ACTIVE"
	}
	p.policy = &iampb.Policy{}
	if len(p.IAMPolicy) > 0 && string(p.IAMPolicy) != "null" { // null: an estate written back as JSON
		if err := protojson.Unmarshal(p.IAMPolicy, p.policy); err != nil {
			return fmt.Errorf("iam_policy: %w", err)
		}
	}
	var err error
	if p.orgpol, err = parseSpecs(p.OrgPolicies); err != nil {
		return fmt.Errorf("org_policies: %w", err)
	}
	if p.roles, err = parseAll[*adminpb.Role](p.CustomRoles, func(r *adminpb.Role) {
		r.Name = expand(r.Name, "projects/"+p.ID+"/roles/")
	}); err != nil {
		return fmt.Errorf("custom_roles: %w", err)
	}
	for i := range p.ServiceAccounts {
		sa := &p.ServiceAccounts[i]
		if sa.keys, err = parseAll[*adminpb.ServiceAccountKey](sa.Keys, func(k *adminpb.ServiceAccountKey) {
			k.Name = expand(k.Name, "projects/"+p.ID+"/serviceAccounts/"+sa.Email+"/keys/")
		}); err != nil {
			return fmt.Errorf("service account %s keys: %w", sa.Email, err)
		}
	}
	if p.workbench, err = parseAll[*notebookspb.Instance](p.Workbench, func(in *notebookspb.Instance) {
		zone, name, _ := strings.Cut(in.Name, "/")
		if !strings.HasPrefix(in.Name, "projects/") {
			in.Name = "projects/" + p.ID + "/locations/" + zone + "/instances/" + name
		}
	}); err != nil {
		return fmt.Errorf("workbench_instances: %w", err)
	}
	if p.apiKeys, err = parseAll[*apikeyspb.Key](p.APIKeys, func(k *apikeyspb.Key) {
		if !strings.HasPrefix(k.Name, "projects/") {
			k.Uid = firstNonEmptyString(k.Uid, k.Name)
			k.Name = "projects/" + firstNonEmptyString(p.Number, p.ID) + "/locations/global/keys/" + k.Name
		}
	}); err != nil {
		return fmt.Errorf("api_keys: %w", err)
	}
	for loc, v := range p.Vertex {
		parent := "projects/" + p.ID + "/locations/" + loc + "/"
		if err := v.parse(parent); err != nil {
			return fmt.Errorf("vertex %s: %w", loc, err)
		}
	}
	return nil
}

func (v *VertexLocation) parse(parent string) error {
	var err error
	if v.endpoints, err = parseAll[*aiplatformpb.Endpoint](v.Endpoints, func(m *aiplatformpb.Endpoint) {
		m.Name = expand(m.Name, parent+"endpoints/")
	}); err != nil {
		return fmt.Errorf("endpoints: %w", err)
	}
	if v.models, err = parseAll[*aiplatformpb.Model](v.Models, func(m *aiplatformpb.Model) {
		m.Name = expand(m.Name, parent+"models/")
		if m.VersionId == "" {
			m.VersionId = "1"
		}
	}); err != nil {
		return fmt.Errorf("models: %w", err)
	}
	if v.engines, err = parseAll[*aiplatformpb.ReasoningEngine](v.ReasoningEngines, func(m *aiplatformpb.ReasoningEngine) {
		m.Name = expand(m.Name, parent+"reasoningEngines/")
	}); err != nil {
		return fmt.Errorf("reasoning_engines: %w", err)
	}
	if v.indexEPs, err = parseAll[*aiplatformpb.IndexEndpoint](v.IndexEndpoints, func(m *aiplatformpb.IndexEndpoint) {
		m.Name = expand(m.Name, parent+"indexEndpoints/")
	}); err != nil {
		return fmt.Errorf("index_endpoints: %w", err)
	}
	if v.runtimes, err = parseAll[*aiplatformpb.NotebookRuntime](v.NotebookRuntimes, func(m *aiplatformpb.NotebookRuntime) {
		m.Name = expand(m.Name, parent+"notebookRuntimes/")
	}); err != nil {
		return fmt.Errorf("notebook_runtimes: %w", err)
	}
	if v.tuning, err = parseAll[*aiplatformpb.TuningJob](v.TuningJobs, func(m *aiplatformpb.TuningJob) {
		m.Name = expand(m.Name, parent+"tuningJobs/")
	}); err != nil {
		return fmt.Errorf("tuning_jobs: %w", err)
	}
	if v.pools, err = parseAll[*aiplatformpb.DeploymentResourcePool](v.DeploymentResourcePools, func(m *aiplatformpb.DeploymentResourcePool) {
		m.Name = expand(m.Name, parent+"deploymentResourcePools/")
	}); err != nil {
		return fmt.Errorf("deployment_resource_pools: %w", err)
	}
	return nil
}

// parseSpecs decodes organisation policy specs by constraint.
func parseSpecs(in map[string]json.RawMessage) (map[string]*orgpolicypb.PolicySpec, error) {
	out := map[string]*orgpolicypb.PolicySpec{}
	for c, raw := range in {
		spec := &orgpolicypb.PolicySpec{}
		if err := protojson.Unmarshal(raw, spec); err != nil {
			return nil, fmt.Errorf("%s: %w", c, err)
		}
		out[c] = spec
	}
	return out, nil
}

// EffectivePolicy is the policy spec of constraint in effect for a
// project: its own, else the nearest folder's or organisation's above it
// (nil: none set anywhere, so the constraint's default).
func (e *Estate) EffectivePolicy(p *Project, constraint string) *orgpolicypb.PolicySpec {
	if s := p.orgpol[constraint]; s != nil {
		return s
	}
	node := p.Parent
	for range 16 {
		n := e.Node(node)
		if n == nil {
			return nil
		}
		if s := n.orgpol[constraint]; s != nil {
			return s
		}
		node = n.Parent
	}
	return nil
}

// expand makes a short name a full resource name under prefix.
func expand(name, prefix string) string {
	if strings.HasPrefix(name, "projects/") || strings.HasPrefix(name, "organizations/") {
		return name
	}
	return prefix + name
}

// parseAll decodes protojson messages and fixes each up.
func parseAll[M proto.Message](raw []json.RawMessage, fix func(M)) ([]M, error) {
	var out []M
	for i, r := range raw {
		var m M
		m = m.ProtoReflect().Type().New().Interface().(M)
		if err := protojson.Unmarshal(r, m); err != nil {
			return nil, fmt.Errorf("item %d: %w", i, err)
		}
		fix(m)
		out = append(out, m)
	}
	return out, nil
}

// Find returns the project with the given id or number.
func (e *Estate) Find(idOrNumber string) *Project {
	for _, p := range e.Projects {
		if p.ID == idOrNumber || p.Number == idOrNumber {
			return p
		}
	}
	return nil
}

// Policy is the project's parsed IAM policy.
func (p *Project) Policy() *iampb.Policy { return p.policy }

// WorkbenchInstances are the parsed Workbench instances.
func (p *Project) WorkbenchInstances() []*notebookspb.Instance { return p.workbench }

// ParsedAPIKeys are the project's API keys.
func (p *Project) ParsedAPIKeys() []*apikeyspb.Key { return p.apiKeys }

// Parsed resources of a location, for tests deriving ground truth.
func (v *VertexLocation) ParsedEndpoints() []*aiplatformpb.Endpoint           { return v.endpoints }
func (v *VertexLocation) ParsedModels() []*aiplatformpb.Model                 { return v.models }
func (v *VertexLocation) ParsedEngines() []*aiplatformpb.ReasoningEngine      { return v.engines }
func (v *VertexLocation) ParsedIndexEndpoints() []*aiplatformpb.IndexEndpoint { return v.indexEPs }
func (v *VertexLocation) ParsedRuntimes() []*aiplatformpb.NotebookRuntime     { return v.runtimes }
func (v *VertexLocation) ParsedTuningJobs() []*aiplatformpb.TuningJob         { return v.tuning }

// ServiceAccountKeys are an account's parsed keys.
func (s *ServiceAccount) ParsedKeys() []*adminpb.ServiceAccountKey { return s.keys }

func firstNonEmptyString(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
