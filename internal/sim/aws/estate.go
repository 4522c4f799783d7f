package aws

import (
	"bytes"
	"fmt"
	"os"

	"go.yaml.in/yaml/v3"
)

// Estate is an AWS organisation as the emulator serves it.
type Estate struct {
	Organization struct {
		ID         string `yaml:"id"`
		Management string `yaml:"management"`
		// Policies are organisation policies (SCPs, AI opt-out, Bedrock).
		Policies []OrgPolicy `yaml:"policies"`
		// EnabledPolicyTypes, when set, are the only types ListPolicies
		// accepts; others answer PolicyTypeNotEnabledException.
		EnabledPolicyTypes []string `yaml:"enabled_policy_types"`
	} `yaml:"organization"`
	Accounts []Account `yaml:"accounts"`
	// PageSize is the most items any list returns per page (default 2).
	PageSize int    `yaml:"page_size"`
	Faults   Faults `yaml:"faults"`
}

// OrgPolicy is an organisation policy and its JSON content.
type OrgPolicy struct {
	ID      string `yaml:"id"`
	Name    string `yaml:"name"`
	Type    string `yaml:"type"` // SERVICE_CONTROL_POLICY, AISERVICES_OPT_OUT_POLICY, BEDROCK_POLICY
	Content string `yaml:"content"`
}

// Faults are injected errors and delays.
type Faults struct {
	// Denied lists account/region (or account/region/service) triples
	// answered with AccessDenied. An empty region denies the global services.
	Denied []Where `yaml:"denied"`
	// NoCustomModels lists regions whose Bedrock answers ValidationException
	// "Unknown Operation" to ListCustomModels (not offered there).
	NoCustomModels []Where `yaml:"no_custom_models"`
	// FailActions answer one operation on matching requests with an error:
	// one item of a listing that cannot be read.
	FailActions []ActionFault `yaml:"fail_actions"`
	// ThrottleRate is the share of calls answered with throttling (0-1).
	ThrottleRate float64 `yaml:"throttle_rate"`
	// ServerErrorRate is the share answered with a 500/503.
	ServerErrorRate float64 `yaml:"server_error_rate"`
	// ResetRate is the share of connections reset before any answer.
	ResetRate float64 `yaml:"reset_rate"`
	// SlowMillis delays every answer.
	SlowMillis int `yaml:"slow_ms"`
	// RatePerSecond, when set, is each account's limit per region and
	// service, as the real services enforce it: a token bucket of that many
	// requests per second (burst of the same size); a call over it is
	// throttled.
	RatePerSecond float64 `yaml:"rate_per_second"`
	// RatePerService overrides RatePerSecond for a service (by signing
	// name: sts, iam, bedrock, ...).
	RatePerService map[string]float64 `yaml:"rate_per_service"`
	// Slow delays the answers of one account and region (region "*": all).
	Slow []SlowWhere `yaml:"slow"`
	// Seed makes the random faults repeatable.
	Seed int64 `yaml:"seed"`
}

// ActionFault fails an operation ("bedrock:GetGuardrail") on requests
// whose path or body contains Match, with AccessDenied (Status 0 or 403)
// or a server error (Status 500).
type ActionFault struct {
	Action string `yaml:"action"`
	Match  string `yaml:"match"`
	Status int    `yaml:"status"`
}

// SlowWhere delays answers to one account and region by Millis.
type SlowWhere struct {
	Where  `yaml:",inline"`
	Millis int `yaml:"ms"`
}

// Where names an account, a region ("*": every region and the global
// services) and optionally one signing service.
type Where struct {
	Account string `yaml:"account"`
	Region  string `yaml:"region"`
	Service string `yaml:"service"`
}

// Account is one AWS account.
type Account struct {
	ID      string             `yaml:"id"`
	Name    string             `yaml:"name"`
	Regions map[string]*Region `yaml:"regions"`
	// Disabled regions are listed by account:ListRegions as DISABLED.
	Disabled []string `yaml:"disabled_regions"`
	IAM      IAM      `yaml:"iam"`
}

// IAM is an account's identities.
type IAM struct {
	Roles    []Role     `yaml:"roles"`
	Users    []User     `yaml:"users"`
	Policies []Document `yaml:"policies"` // customer managed
}

// Document is a named policy document.
type Document struct {
	Name     string `yaml:"name"`
	Document string `yaml:"document"`
}

// Role is an IAM role.
type Role struct {
	Name          string     `yaml:"name"`
	TrustServices []string   `yaml:"trust_services"`
	Managed       []string   `yaml:"managed"` // policy ARNs
	Inline        []Document `yaml:"inline"`
}

// User is an IAM user with keys.
type User struct {
	Name           string      `yaml:"name"`
	Managed        []string    `yaml:"managed"`
	Inline         []Document  `yaml:"inline"`
	AccessKeys     []AccessKey `yaml:"access_keys"`
	BedrockAPIKeys []AccessKey `yaml:"bedrock_api_keys"`
}

// AccessKey is an access key or service-specific credential.
type AccessKey struct {
	ID       string `yaml:"id"`
	Created  string `yaml:"created"`   // RFC 3339
	LastUsed string `yaml:"last_used"` // RFC 3339, empty: never
	Service  string `yaml:"service"`
	// Expires is a Bedrock API key's expiration (RFC 3339; empty: none).
	Expires string `yaml:"expires"`
}

// Region is what one account runs in one region.
type Region struct {
	CustomModels       []Named        `yaml:"custom_models"`
	ImportedModels     []Named        `yaml:"imported_models"`
	Provisioned        []Provisioned  `yaml:"provisioned"`
	InferenceProfiles  []Profile      `yaml:"inference_profiles"`
	Guardrails         []Guardrail    `yaml:"guardrails"`
	Logging            *Logging       `yaml:"logging"`
	Agents             []Agent        `yaml:"agents"`
	KnowledgeBases     []KnowledgeBas `yaml:"knowledge_bases"`
	Flows              []Named        `yaml:"flows"`
	Prompts            []Named        `yaml:"prompts"`
	AgentRuntimes      []Named        `yaml:"agent_runtimes"`
	Gateways           []Named        `yaml:"gateways"`
	Endpoints          []Endpoint     `yaml:"endpoints"`
	Models             []SMModel      `yaml:"models"`
	Notebooks          []Notebook     `yaml:"notebooks"`
	Domains            []Named        `yaml:"domains"`
	ModelPackageGroups []Named        `yaml:"model_package_groups"`
}

// Named is a resource with a name (and optional tags, model, role).
type Named struct {
	Name  string            `yaml:"name"`
	Base  string            `yaml:"base_model"`
	Tags  map[string]string `yaml:"tags"`
	Role  string            `yaml:"role"`
	Model string            `yaml:"model"`
}

// Provisioned is provisioned throughput for a model.
type Provisioned struct {
	Name  string `yaml:"name"`
	Model string `yaml:"model"`
	Units int    `yaml:"units"`
}

// Profile is an application inference profile.
type Profile struct {
	Name   string   `yaml:"name"`
	Models []string `yaml:"models"`
}

// Guardrail with its content filters.
type Guardrail struct {
	ID      string   `yaml:"id"`
	Name    string   `yaml:"name"`
	Filters []string `yaml:"filters"` // HATE, VIOLENCE, PROMPT_ATTACK, ...
	Topics  int      `yaml:"topics"`
	PII     bool     `yaml:"pii"`
}

// Logging is the region's model invocation logging configuration.
type Logging struct {
	LogGroup string `yaml:"cloudwatch_log_group"`
	Bucket   string `yaml:"s3_bucket"`
}

// Agent is a Bedrock agent.
type Agent struct {
	ID        string            `yaml:"id"`
	Name      string            `yaml:"name"`
	Role      string            `yaml:"role"`
	Model     string            `yaml:"model"`
	Guardrail string            `yaml:"guardrail"`
	Aliases   []string          `yaml:"aliases"`
	Tags      map[string]string `yaml:"tags"`
}

// KnowledgeBas is a Bedrock knowledge base.
type KnowledgeBas struct {
	ID          string   `yaml:"id"`
	Name        string   `yaml:"name"`
	Role        string   `yaml:"role"`
	Embedding   string   `yaml:"embedding_model"`
	DataSources []string `yaml:"data_sources"`
}

// Endpoint is a SageMaker endpoint with its config's variants.
type Endpoint struct {
	Name        string            `yaml:"name"`
	Models      []string          `yaml:"models"` // one variant per model
	DataCapture bool              `yaml:"data_capture"`
	Tags        map[string]string `yaml:"tags"`
}

// SMModel is a SageMaker model.
type SMModel struct {
	Name             string `yaml:"name"`
	Image            string `yaml:"image"`
	ModelData        string `yaml:"model_data"`
	Role             string `yaml:"role"`
	NetworkIsolation bool   `yaml:"network_isolation"`
	VPC              bool   `yaml:"vpc"`
}

// Notebook is a SageMaker notebook instance.
type Notebook struct {
	Name           string `yaml:"name"`
	Role           string `yaml:"role"`
	RootAccess     bool   `yaml:"root_access"`
	DirectInternet bool   `yaml:"direct_internet"`
}

// LoadEstate reads an estate file strictly.
func LoadEstate(path string) (*Estate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	e, err := ParseEstate(b)
	if err != nil {
		return nil, fmt.Errorf("estate %s: %w", path, err)
	}
	return e, nil
}

// ParseEstate parses an estate's YAML (unknown keys are errors).
func ParseEstate(b []byte) (*Estate, error) {
	var e Estate
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&e); err != nil {
		return nil, err
	}
	if e.PageSize <= 0 {
		e.PageSize = 2
	}
	return &e, nil
}

func (e *Estate) account(id string) *Account {
	for i := range e.Accounts {
		if e.Accounts[i].ID == id {
			return &e.Accounts[i]
		}
	}
	return nil
}
