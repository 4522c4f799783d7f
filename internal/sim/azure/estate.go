package azure

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Estate is an Azure tenant as the emulator serves it. Resources are
// written as ARM returns them (its JSON field names: kind, location, sku,
// identity, tags, properties); the emulator fills in id, name and type.
type Estate struct {
	Tenant string `json:"tenant"`
	// RoleDefinitions are served by GetByID (built-in and custom), by GUID.
	RoleDefinitions []RoleDefinition `json:"role_definitions"`
	// PolicyDefinitions are Azure Policy definitions and initiatives (set
	// definitions), as ARM answers them, with their ids: built-in ones under
	// /providers/Microsoft.Authorization, others under a subscription or a
	// management group.
	PolicyDefinitions []map[string]any `json:"policy_definitions"`
	Subscriptions     []*Subscription  `json:"subscriptions"`
	// PageSize is the most items any list returns per page (default 2).
	PageSize int    `json:"page_size"`
	Faults   Faults `json:"faults"`
}

// Faults are injected errors.
type Faults struct {
	// ThrottleRate is the share of calls answered 429 (0-1), with
	// Retry-After (seconds) and, when RetryAfterMillis is set, retry-after-ms.
	ThrottleRate      float64 `json:"throttle_rate"`
	RetryAfterSeconds int     `json:"retry_after_s"`
	RetryAfterMillis  int     `json:"retry_after_ms"`
	// ForeignNextLink makes every nextLink point at another host (a hostile
	// or broken peer); a client must not follow it with its token.
	ForeignNextLink string `json:"foreign_next_link"`
	// DelayMillis delays every answer.
	DelayMillis int `json:"delay_ms"`
	// RatePerSecond, when set, is each subscription's limit per resource
	// provider namespace, as ARM meters reads: a token bucket of that many
	// requests per second; a call over it is answered 429 with Retry-After.
	RatePerSecond float64 `json:"rate_per_second"`
	Seed          int64   `json:"seed"`
}

// RoleDefinition is a role definition by GUID, in ARM's properties shape.
type RoleDefinition struct {
	Name       string          `json:"name"` // GUID
	Properties json.RawMessage `json:"properties"`
}

// Subscription is one subscription and what it holds.
type Subscription struct {
	ID          string `json:"id"` // GUID
	DisplayName string `json:"display_name"`
	State       string `json:"state"` // Enabled (default), Disabled, Warned, PastDue
	// Denied answers 403 AuthorizationFailed to every call in it (it is
	// still listed: the caller can see it, not read it).
	Denied bool `json:"denied"`
	// Unregistered are resource provider namespaces not registered in it:
	// their lists answer 409 MissingSubscriptionRegistration.
	Unregistered []string `json:"unregistered"`
	// DeniedPaths answer 403 for requests whose path contains one of them.
	DeniedPaths     []string         `json:"denied_paths"`
	RoleAssignments []RoleAssignment `json:"role_assignments"`
	// PolicyAssignments are the policy assignments that apply to the
	// subscription (on it or inherited from its management groups), as ARM
	// answers them.
	PolicyAssignments []map[string]any          `json:"policy_assignments"`
	ResourceGroups    map[string]*ResourceGroup `json:"resource_groups"`
}

// RoleAssignment grants a role at a scope relative to the subscription
// ("" the subscription, "resourceGroups/rg/providers/...": a resource).
type RoleAssignment struct {
	Name          string `json:"name"`
	Scope         string `json:"scope"`
	Role          string `json:"role"` // role definition GUID
	PrincipalID   string `json:"principal_id"`
	PrincipalType string `json:"principal_type"` // User, Group, ServicePrincipal
}

// ResourceGroup holds the AI resources of one group.
type ResourceGroup struct {
	CognitiveAccounts []*Resource `json:"cognitive_accounts"`
	MLWorkspaces      []*Resource `json:"ml_workspaces"`
	MLRegistries      []*Resource `json:"ml_registries"`
}

// Resource is an ARM resource with its child collections.
type Resource struct {
	Name string `json:"name"`
	// Body is the rest of the resource as ARM returns it.
	Body map[string]any `json:"-"`
	// Children by collection: deployments, raiPolicies, projects,
	// onlineEndpoints, computes; diagnosticSettings.
	Children map[string][]*Resource `json:"-"`
}

// childKeys are the estate keys that hold child collections, and the ARM
// collection each becomes.
var childKeys = map[string]string{
	"deployments": "deployments", "rai_policies": "raiPolicies", "projects": "projects",
	"online_endpoints": "onlineEndpoints", "computes": "computes", "diagnostic_settings": "diagnosticSettings",
}

// UnmarshalJSON splits a resource's children from its body.
func (r *Resource) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	r.Body = map[string]any{}
	r.Children = map[string][]*Resource{}
	for k, v := range m {
		switch {
		case k == "name":
			if err := json.Unmarshal(v, &r.Name); err != nil {
				return err
			}
		case childKeys[k] != "":
			var kids []*Resource
			if err := json.Unmarshal(v, &kids); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
			r.Children[childKeys[k]] = kids
		default:
			var x any
			if err := json.Unmarshal(v, &x); err != nil {
				return err
			}
			r.Body[k] = x
		}
	}
	if r.Name == "" {
		return fmt.Errorf("a resource without a name")
	}
	return nil
}

// LoadEstate reads an estate file.
func LoadEstate(path string) (*Estate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseEstate(b)
}

// ParseEstate parses an estate (YAML or JSON).
func ParseEstate(b []byte) (*Estate, error) {
	var e Estate
	if err := yaml.UnmarshalStrict(b, &e); err != nil {
		return nil, fmt.Errorf("azure estate: %w", err)
	}
	if e.PageSize <= 0 {
		e.PageSize = 2
	}
	for _, s := range e.Subscriptions {
		if s.State == "" {
			s.State = "Enabled"
		}
	}
	return &e, nil
}

// SubscriptionByID finds a subscription.
func (e *Estate) SubscriptionByID(id string) *Subscription {
	for _, s := range e.Subscriptions {
		if strings.EqualFold(s.ID, id) {
			return s
		}
	}
	return nil
}

// GroupNames are a subscription's resource groups, sorted.
func (s *Subscription) GroupNames() []string {
	var out []string
	for g := range s.ResourceGroups {
		out = append(out, g)
	}
	sort.Strings(out)
	return out
}
