package aws

import (
	"encoding/json"
	"net/url"
	"strings"
)

// aiPrefixes are the IAM action prefixes of AI services.
var aiPrefixes = []string{"bedrock:", "sagemaker:", "bedrock-agentcore:"}

// aiManagedPolicies are AWS managed policies that grant full AI access, and
// the broad ones that include it.
var aiManagedPolicies = map[string]bool{
	"AmazonBedrockFullAccess": true, "AmazonSageMakerFullAccess": true, "BedrockAgentCoreFullAccess": true,
	"AdministratorAccess": true, "PowerUserAccess": true,
}

// aiReadManagedPolicies grant some AI use without being full access.
func aiManagedName(name string) bool {
	l := strings.ToLower(name)
	return strings.Contains(l, "bedrock") || strings.Contains(l, "sagemaker") || strings.Contains(l, "agentcore")
}

// grants is what a set of policy documents allow on AI services.
type grants struct {
	ai       bool // any AI action allowed
	wildcard bool // "*" or "<ai service>:*" allowed
	actions  map[string]bool
}

// add evaluates one policy document and reports whether it grants an AI
// wildcard ("*" or "<ai service>:*").
func (g *grants) add(doc string) (wildcard bool) {
	if d, err := url.QueryUnescape(doc); err == nil {
		doc = d
	}
	var p struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	for _, st := range statements(p.Statement) {
		if st.Effect != "Allow" {
			continue
		}
		for _, a := range st.Action {
			la := strings.ToLower(a)
			if la == "*" {
				g.ai, g.wildcard, wildcard = true, true, true
				continue
			}
			for _, pre := range aiPrefixes {
				if strings.HasPrefix(la, pre) {
					g.ai = true
					if la == pre+"*" {
						g.wildcard, wildcard = true, true
					}
					if g.actions == nil {
						g.actions = map[string]bool{}
					}
					g.actions[a] = true
				}
			}
		}
	}
	return wildcard
}

// statement is a policy statement with Action/Resource normalised to lists.
type statement struct {
	Effect    string
	Action    []string
	NotAction []string
	Resource  []string
	Condition map[string]map[string]any
}

func statements(raw json.RawMessage) []statement {
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		list = []json.RawMessage{raw}
	}
	var out []statement
	for _, r := range list {
		var s struct {
			Effect    string                    `json:"Effect"`
			Action    json.RawMessage           `json:"Action"`
			NotAction json.RawMessage           `json:"NotAction"`
			Resource  json.RawMessage           `json:"Resource"`
			Condition map[string]map[string]any `json:"Condition"`
		}
		if json.Unmarshal(r, &s) != nil {
			continue
		}
		out = append(out, statement{Effect: s.Effect, Action: stringList(s.Action), NotAction: stringList(s.NotAction), Resource: stringList(s.Resource), Condition: s.Condition})
	}
	return out
}

func stringList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

// trustsAIService reports whether a trust policy lets an AI service assume the role.
func trustsAIService(doc string) bool {
	if d, err := url.QueryUnescape(doc); err == nil {
		doc = d
	}
	for _, svc := range []string{"bedrock.amazonaws.com", "sagemaker.amazonaws.com", "bedrock-agentcore.amazonaws.com"} {
		if strings.Contains(doc, svc) {
			return true
		}
	}
	return false
}

// scpRestrictsAI reports whether an SCP denies AI actions outside approved
// regions or models: a Deny on AI actions with a condition (aws:RequestedRegion,
// a model ARN) or limited resources, or a Deny of everything but an allow-list
// (NotAction) that leaves AI out.
func scpRestrictsAI(doc string) bool {
	var p struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal([]byte(doc), &p) != nil {
		return false
	}
	for _, st := range statements(p.Statement) {
		if st.Effect != "Deny" {
			continue
		}
		for _, a := range st.Action {
			la := strings.ToLower(a)
			for _, pre := range aiPrefixes {
				if strings.HasPrefix(la, pre) || la == "*" {
					return true
				}
			}
		}
		if len(st.NotAction) > 0 {
			return true
		}
	}
	return false
}
