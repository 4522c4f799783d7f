package aws

import (
	"encoding/json"
	"errors"
	"fmt"
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
	// unparsed names the documents that could not be read: what they
	// allow is unknown, so nothing may be concluded from their absence.
	unparsed []string
}

// add evaluates one policy document (name says which, for unparsed) and
// reports whether it grants an AI wildcard ("*" or "<ai service>:*").
func (g *grants) add(name, doc string) (wildcard bool) {
	sts, err := parsePolicy(doc)
	if err != nil {
		g.unparsed = append(g.unparsed, name)
		return false
	}
	for _, st := range sts {
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

// parsePolicy reads an IAM policy document (URL-encoded, as IAM returns
// it, or plain): its statements, one or a list, with Action, NotAction and
// Resource each a string or a list of strings. Anything else is an error,
// never an empty policy: a document read as allowing nothing would make a
// principal look least-privileged when its grants are unknown.
func parsePolicy(doc string) ([]statement, error) {
	if d, err := url.QueryUnescape(doc); err == nil {
		doc = d
	}
	var p struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal([]byte(doc), &p); err != nil {
		return nil, fmt.Errorf("policy document: %w", err)
	}
	if len(p.Statement) == 0 {
		return nil, errors.New("policy document has no Statement")
	}
	var list []json.RawMessage
	if json.Unmarshal(p.Statement, &list) != nil {
		list = []json.RawMessage{p.Statement}
	}
	var out []statement
	for i, r := range list {
		var s struct {
			Effect    string                    `json:"Effect"`
			Action    json.RawMessage           `json:"Action"`
			NotAction json.RawMessage           `json:"NotAction"`
			Resource  json.RawMessage           `json:"Resource"`
			Condition map[string]map[string]any `json:"Condition"`
		}
		if err := json.Unmarshal(r, &s); err != nil {
			return nil, fmt.Errorf("statement %d: %w", i+1, err)
		}
		st := statement{Effect: s.Effect, Condition: s.Condition}
		for _, f := range []struct {
			name string
			raw  json.RawMessage
			dst  *[]string
		}{{"Action", s.Action, &st.Action}, {"NotAction", s.NotAction, &st.NotAction}, {"Resource", s.Resource, &st.Resource}} {
			v, err := stringList(f.raw)
			if err != nil {
				return nil, fmt.Errorf("statement %d: %s: %w", i+1, f.name, err)
			}
			*f.dst = v
		}
		out = append(out, st)
	}
	return out, nil
}

// stringList reads a policy element that is absent, a string or a list of
// strings.
func stringList(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}, nil
	}
	var many []string
	if err := json.Unmarshal(raw, &many); err != nil {
		return nil, errors.New("neither a string nor a list of strings")
	}
	return many, nil
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
// (NotAction) that leaves AI out. An unreadable SCP is an error.
func scpRestrictsAI(doc string) (bool, error) {
	sts, err := parsePolicy(doc)
	if err != nil {
		return false, err
	}
	for _, st := range sts {
		if st.Effect != "Deny" {
			continue
		}
		for _, a := range st.Action {
			la := strings.ToLower(a)
			for _, pre := range aiPrefixes {
				if strings.HasPrefix(la, pre) || la == "*" {
					return true, nil
				}
			}
		}
		if len(st.NotAction) > 0 {
			return true, nil
		}
	}
	return false, nil
}
