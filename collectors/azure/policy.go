package azure

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/model"
)

// Azure Policy: the assignments that apply to a subscription (set on it or
// inherited from its management groups) and whether one denies AI
// services, models or settings: ORG.4.service-guardrails' Azure evidence.
// The Go SDK's policy module is not used (the module proxy here does not
// serve it); the calls go through azcore's Resource Manager pipeline, with
// the collector's read-only guard, pacing and retries like every other.

const policyAPIVersion = "2023-04-01"

// aiNamespaces are the resource providers whose resources a policy must
// name (in its rule or in the values it is assigned) to govern AI.
var aiNamespaces = []string{"microsoft.cognitiveservices", "microsoft.machinelearningservices"}

type policyAssignment struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	Properties struct {
		DisplayName        string                      `json:"displayName"`
		PolicyDefinitionID string                      `json:"policyDefinitionId"`
		EnforcementMode    string                      `json:"enforcementMode"`
		Parameters         map[string]policyParamValue `json:"parameters"`
	} `json:"properties"`
}

type policyParamValue struct {
	Value any `json:"value"`
}

type policyDefinition struct {
	ID         string `json:"id"`
	Properties struct {
		PolicyRule *struct {
			If   json.RawMessage `json:"if"`
			Then struct {
				Effect string `json:"effect"`
			} `json:"then"`
		} `json:"policyRule"`
		Parameters map[string]struct {
			DefaultValue any `json:"defaultValue"`
		} `json:"parameters"`
		// PolicyDefinitions are an initiative's (set definition's) members.
		PolicyDefinitions []struct {
			PolicyDefinitionID string                      `json:"policyDefinitionId"`
			Parameters         map[string]policyParamValue `json:"parameters"`
		} `json:"policyDefinitions"`
	} `json:"properties"`
}

// policyCache holds the definitions one subscription's assignments name,
// each read once (per subscription, so each scope's call count does not
// depend on which subscription reached a shared definition first).
type policyCache struct {
	mu   sync.Mutex
	defs map[string]*defLookup
}

type defLookup struct {
	once sync.Once
	def  *policyDefinition
	err  error
}

// policyFamilies read the subscription's policy assignments.
func (s *scan) policyFamilies() []collectors.Family {
	return []collectors.Family{{Name: "azure.policy", Collect: s.policies}}
}

func (s *scan) policies(ctx context.Context) error {
	client, err := arm.NewClient("aisight/policy", "v1.0.0", s.c.opts.Credential, s.c.copts)
	if err != nil {
		return collectors.Classed(model.ErrInvalidConfig, err)
	}
	const src = "azure policy assignments"
	var assignments []policyAssignment
	next := client.Endpoint() + "/subscriptions/" + url.PathEscape(s.sub) + "/providers/Microsoft.Authorization/policyAssignments?api-version=" +
		policyAPIVersion + "&$filter=atScope()"
	for next != "" {
		var page struct {
			Value    []policyAssignment `json:"value"`
			NextLink string             `json:"nextLink"`
		}
		if err := armGet(ctx, client, next, &page); err != nil {
			return callErr(err, "policy assignments list of %s", s.sub)
		}
		assignments = append(assignments, page.Value...)
		next = page.NextLink
	}
	var governing []string
	unread := 0
	for _, a := range assignments {
		if strings.EqualFold(a.Properties.EnforcementMode, "DoNotEnforce") {
			continue // evaluated, never enforced
		}
		ok, err := s.defs.governsAI(ctx, client, a)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			collectors.ItemFailed(s.sink, classify, fmt.Errorf("policy assignment %s: %w", a.ID, err))
			unread++
			continue
		}
		if ok {
			governing = append(governing, firstNonEmpty(a.Properties.DisplayName, a.Name))
		}
	}
	sort.Strings(governing)
	if len(governing) > 0 || unread == 0 {
		// A denying assignment seen is known whatever else failed; none is
		// known only when every assignment's definition was read.
		s.sink.ScopeFact(model.Bool("org.ai_service_policy", len(governing) > 0, model.Observed, src))
	}
	if unread == 0 {
		s.sink.ScopeFact(model.Strings("org.ai_policies", governing, model.Observed, src))
	}
	return nil
}

// governsAI reports whether an assignment denies something of an AI
// resource provider: its definition (or a member of its initiative) has a
// deny effect (named, or a parameter assigned or defaulting to deny) and
// names an AI provider in its rule or in the values it is given.
func (c *policyCache) governsAI(ctx context.Context, client *arm.Client, a policyAssignment) (bool, error) {
	def, err := c.definition(ctx, client, a.Properties.PolicyDefinitionID)
	if err != nil {
		return false, err
	}
	assigned := a.Properties.Parameters
	if len(def.Properties.PolicyDefinitions) == 0 {
		return denies(def, assigned, nil), nil
	}
	for _, m := range def.Properties.PolicyDefinitions {
		member, err := c.definition(ctx, client, m.PolicyDefinitionID)
		if err != nil {
			return false, err
		}
		// A member's values may refer to the initiative's parameters.
		if denies(member, m.Parameters, func(name string) any { return paramValue(name, assigned, def) }) {
			return true, nil
		}
	}
	return false, nil
}

var paramRef = regexp.MustCompile(`^\[parameters\('([^']+)'\)\]$`)

// denies judges one policy definition with the values it is given; outer
// resolves "[parameters('x')]" one level up (an initiative's parameters).
func denies(d *policyDefinition, given map[string]policyParamValue, outer func(string) any) bool {
	rule := d.Properties.PolicyRule
	if rule == nil {
		return false
	}
	// A parameter's value: given to the definition (a member's value may
	// itself name one of the initiative's parameters), else its default.
	lookup := func(name string) any {
		if g, ok := given[name]; ok && g.Value != nil {
			if s, ok := g.Value.(string); ok && outer != nil {
				if m := paramRef.FindStringSubmatch(s); m != nil {
					return outer(m[1])
				}
			}
			return g.Value
		}
		return paramValue(name, nil, d)
	}
	resolve := func(v any) any {
		if s, ok := v.(string); ok {
			if m := paramRef.FindStringSubmatch(s); m != nil {
				return lookup(m[1])
			}
		}
		return v
	}
	effect, _ := resolve(rule.Then.Effect).(string)
	if !strings.EqualFold(effect, "deny") {
		return false
	}
	text := strings.ToLower(string(rule.If))
	for name := range d.Properties.Parameters {
		if v := lookup(name); v != nil {
			b, _ := json.Marshal(v)
			text += " " + strings.ToLower(string(b))
		}
	}
	for _, ns := range aiNamespaces {
		if strings.Contains(text, ns) {
			return true
		}
	}
	return false
}

// paramValue is a parameter's assigned value, else its definition's default.
func paramValue(name string, assigned map[string]policyParamValue, d *policyDefinition) any {
	if v, ok := assigned[name]; ok && v.Value != nil {
		return v.Value
	}
	if d != nil {
		if p, ok := d.Properties.Parameters[name]; ok {
			return p.DefaultValue
		}
	}
	return nil
}

// definition reads a policy or initiative definition once.
func (c *policyCache) definition(ctx context.Context, client *arm.Client, id string) (*policyDefinition, error) {
	if !strings.HasPrefix(id, "/") || strings.Contains(id, "?") || strings.Contains(id, "..") {
		return nil, fmt.Errorf("policy definition id %q is not a resource id", id)
	}
	key := strings.ToLower(id)
	c.mu.Lock()
	if c.defs == nil {
		c.defs = map[string]*defLookup{}
	}
	l := c.defs[key]
	if l == nil {
		l = &defLookup{}
		c.defs[key] = l
	}
	c.mu.Unlock()
	l.once.Do(func() {
		var d policyDefinition
		if err := armGet(ctx, client, client.Endpoint()+id+"?api-version="+policyAPIVersion, &d); err != nil {
			l.err = callErr(err, "policy definition %s", id)
			return
		}
		l.def = &d
	})
	return l.def, l.err
}

// armGet GETs one Resource Manager URL into v.
func armGet(ctx context.Context, client *arm.Client, u string, v any) error {
	req, err := runtime.NewRequest(ctx, http.MethodGet, u)
	if err != nil {
		return err
	}
	// One id per request, kept by its retries, as the SDK's own clients
	// send (Resource Manager logs it; it tells a retry from a new request).
	var id [16]byte
	_, _ = rand.Read(id[:])
	req.Raw().Header.Set("x-ms-client-request-id", hex.EncodeToString(id[:]))
	resp, err := client.Pipeline().Do(req)
	if err != nil {
		return err
	}
	if !runtime.HasStatusCode(resp, http.StatusOK) {
		return runtime.NewResponseError(resp)
	}
	return runtime.UnmarshalAsJSON(resp, v)
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
