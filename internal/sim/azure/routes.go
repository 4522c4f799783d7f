package azure

import (
	"encoding/json"
	"fmt"
	"strings"
)

// API versions the SDK modules this project uses send.
const (
	cogVersion  = "2025-06-01"
	mlVersion   = "2024-04-01"
	subVersion  = "2022-12-01"
	diagVersion = "2021-05-01-preview"
	authVersion = "2022-04-01"
	polVersion  = "2023-04-01"
)

// route is one read route: its path pattern, the RBAC action it needs,
// the resource provider namespace that must be registered, and its items.
type route struct {
	pattern    string // "/subscriptions/{sub}/..."; "{scope}" at the start matches any resource path
	action     string
	apiVersion string
	namespace  string
	single     bool
	list       func(s *Server, sub *Subscription, v map[string]string) ([]any, error)
}

var routes = []route{
	{pattern: "/subscriptions", action: "Microsoft.Resources/subscriptions/read", apiVersion: subVersion, list: listSubscriptions},
	{pattern: "/subscriptions/{sub}/providers/Microsoft.CognitiveServices/accounts", action: "Microsoft.CognitiveServices/accounts/read",
		apiVersion: cogVersion, namespace: "Microsoft.CognitiveServices", list: listAccounts},
	{pattern: "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{name}/deployments",
		action: "Microsoft.CognitiveServices/accounts/deployments/read", apiVersion: cogVersion, namespace: "Microsoft.CognitiveServices", list: children("cog", "deployments")},
	{pattern: "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{name}/raiPolicies",
		action: "Microsoft.CognitiveServices/accounts/raiPolicies/read", apiVersion: cogVersion, namespace: "Microsoft.CognitiveServices", list: children("cog", "raiPolicies")},
	{pattern: "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{name}/projects",
		action: "Microsoft.CognitiveServices/accounts/projects/read", apiVersion: cogVersion, namespace: "Microsoft.CognitiveServices", list: children("cog", "projects")},
	{pattern: "/subscriptions/{sub}/providers/Microsoft.MachineLearningServices/workspaces", action: "Microsoft.MachineLearningServices/workspaces/read",
		apiVersion: mlVersion, namespace: "Microsoft.MachineLearningServices", list: listWorkspaces},
	{pattern: "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name}/onlineEndpoints",
		action: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read", apiVersion: mlVersion, namespace: "Microsoft.MachineLearningServices", list: children("ml", "onlineEndpoints")},
	{pattern: "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name}/onlineEndpoints/{ep}/deployments",
		action: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/read", apiVersion: mlVersion, namespace: "Microsoft.MachineLearningServices", list: endpointDeployments},
	{pattern: "/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{name}/computes",
		action: "Microsoft.MachineLearningServices/workspaces/computes/read", apiVersion: mlVersion, namespace: "Microsoft.MachineLearningServices", list: children("ml", "computes")},
	{pattern: "/subscriptions/{sub}/providers/Microsoft.MachineLearningServices/registries", action: "Microsoft.MachineLearningServices/registries/read",
		apiVersion: mlVersion, namespace: "Microsoft.MachineLearningServices", list: listRegistries},
	{pattern: "{scope}/providers/Microsoft.Insights/diagnosticSettings", action: "Microsoft.Insights/diagnosticSettings/read", apiVersion: diagVersion, list: listDiagnostics},
	{pattern: "{scope}/providers/Microsoft.Authorization/roleAssignments", action: "Microsoft.Authorization/roleAssignments/read", apiVersion: authVersion, list: listAssignments},
	{pattern: "{scope}/providers/Microsoft.Authorization/roleDefinitions/{role}", action: "Microsoft.Authorization/roleDefinitions/read", apiVersion: authVersion, single: true, list: getRoleDefinition},
	{pattern: "/subscriptions/{sub}/providers/Microsoft.Authorization/policyAssignments", action: "Microsoft.Authorization/policyAssignments/read", apiVersion: polVersion, list: listPolicyAssignments},
	{pattern: "{scope}/providers/Microsoft.Authorization/policyDefinitions/{name}", action: "Microsoft.Authorization/policyDefinitions/read", apiVersion: polVersion, single: true, list: getPolicyDefinition},
	{pattern: "{scope}/providers/Microsoft.Authorization/policySetDefinitions/{name}", action: "Microsoft.Authorization/policySetDefinitions/read", apiVersion: polVersion, single: true, list: getPolicyDefinition},
}

// match finds the GET route of a path and its variables.
func match(method, path string) (*route, map[string]string) {
	if method != "GET" {
		return nil, nil
	}
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i := range routes {
		rt := &routes[i]
		pat := strings.Split(strings.Trim(rt.pattern, "/"), "/")
		v := map[string]string{}
		if pat[0] == "{scope}" {
			// the scope is everything before the fixed tail
			tail := pat[1:]
			if len(segs) < len(tail) {
				continue
			}
			head := segs[:len(segs)-len(tail)]
			if !matchSegs(tail, segs[len(segs)-len(tail):], v) {
				continue
			}
			v["scope"] = "/" + strings.Join(head, "/")
			if len(head) == 0 {
				v["scope"] = "" // a tenant-level resource (built-in definitions)
			}
			v["path"] = path
			if len(head) >= 2 && strings.EqualFold(head[0], "subscriptions") {
				v["sub"] = head[1]
			}
			return rt, v
		}
		if len(pat) == len(segs) && matchSegs(pat, segs, v) {
			return rt, v
		}
	}
	return nil, nil
}

func matchSegs(pat, segs []string, v map[string]string) bool {
	for i, p := range pat {
		if strings.HasPrefix(p, "{") {
			v[strings.Trim(p, "{}")] = segs[i]
			continue
		}
		if !strings.EqualFold(p, segs[i]) {
			return false
		}
	}
	return true
}

func subID(sub string) string { return "/subscriptions/" + sub }

func accountID(sub, rg, name string) string {
	return subID(sub) + "/resourceGroups/" + rg + "/providers/Microsoft.CognitiveServices/accounts/" + name
}

func workspaceID(sub, rg, name string) string {
	return subID(sub) + "/resourceGroups/" + rg + "/providers/Microsoft.MachineLearningServices/workspaces/" + name
}

// render is a resource as ARM returns it.
func render(r *Resource, id, typ string) map[string]any {
	out := map[string]any{}
	for k, v := range r.Body {
		out[k] = v
	}
	out["id"], out["name"], out["type"] = id, r.Name, typ
	return out
}

func listSubscriptions(s *Server, _ *Subscription, _ map[string]string) ([]any, error) {
	var out []any
	for _, sub := range s.estate.Subscriptions {
		out = append(out, map[string]any{"id": subID(sub.ID), "subscriptionId": sub.ID, "displayName": sub.DisplayName,
			"state": sub.State, "tenantId": s.estate.Tenant})
	}
	return out, nil
}

func listAccounts(_ *Server, sub *Subscription, _ map[string]string) ([]any, error) {
	var out []any
	for _, g := range sub.GroupNames() {
		for _, a := range sub.ResourceGroups[g].CognitiveAccounts {
			out = append(out, render(a, accountID(sub.ID, g, a.Name), "Microsoft.CognitiveServices/accounts"))
		}
	}
	return out, nil
}

func listWorkspaces(_ *Server, sub *Subscription, _ map[string]string) ([]any, error) {
	var out []any
	for _, g := range sub.GroupNames() {
		for _, w := range sub.ResourceGroups[g].MLWorkspaces {
			out = append(out, render(w, workspaceID(sub.ID, g, w.Name), "Microsoft.MachineLearningServices/workspaces"))
		}
	}
	return out, nil
}

func listRegistries(_ *Server, sub *Subscription, _ map[string]string) ([]any, error) {
	var out []any
	for _, g := range sub.GroupNames() {
		for _, r := range sub.ResourceGroups[g].MLRegistries {
			out = append(out, render(r, subID(sub.ID)+"/resourceGroups/"+g+"/providers/Microsoft.MachineLearningServices/registries/"+r.Name,
				"Microsoft.MachineLearningServices/registries"))
		}
	}
	return out, nil
}

// parent finds the account ("cog") or workspace ("ml") a child list is under.
func parent(sub *Subscription, kind string, v map[string]string) (*Resource, string, error) {
	var rg *ResourceGroup
	var name string
	for g, x := range sub.ResourceGroups {
		if strings.EqualFold(g, v["rg"]) {
			rg, name = x, g
		}
	}
	if rg != nil {
		list, id := rg.CognitiveAccounts, accountID(sub.ID, name, v["name"])
		if kind == "ml" {
			list, id = rg.MLWorkspaces, workspaceID(sub.ID, name, v["name"])
		}
		for _, r := range list {
			if strings.EqualFold(r.Name, v["name"]) {
				return r, id, nil
			}
		}
	}
	return nil, "", armMessage(fmt.Sprintf("The Resource '%s' under resource group '%s' was not found.", v["name"], v["rg"]))
}

var childTypes = map[string]string{
	"cog/deployments": "Microsoft.CognitiveServices/accounts/deployments", "cog/raiPolicies": "Microsoft.CognitiveServices/accounts/raiPolicies",
	"cog/projects": "Microsoft.CognitiveServices/accounts/projects", "ml/onlineEndpoints": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
	"ml/computes": "Microsoft.MachineLearningServices/workspaces/computes",
}

func children(kind, coll string) func(*Server, *Subscription, map[string]string) ([]any, error) {
	return func(_ *Server, sub *Subscription, v map[string]string) ([]any, error) {
		p, id, err := parent(sub, kind, v)
		if err != nil {
			return nil, err
		}
		out := []any{}
		for _, c := range p.Children[coll] {
			out = append(out, render(c, id+"/"+coll+"/"+c.Name, childTypes[kind+"/"+coll]))
		}
		return out, nil
	}
}

func endpointDeployments(_ *Server, sub *Subscription, v map[string]string) ([]any, error) {
	ws, id, err := parent(sub, "ml", v)
	if err != nil {
		return nil, err
	}
	for _, ep := range ws.Children["onlineEndpoints"] {
		if strings.EqualFold(ep.Name, v["ep"]) {
			out := []any{}
			for _, d := range ep.Children["deployments"] {
				out = append(out, render(d, id+"/onlineEndpoints/"+ep.Name+"/deployments/"+d.Name,
					"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments"))
			}
			return out, nil
		}
	}
	return nil, fmt.Errorf("online endpoint %s not found", v["ep"])
}

// resourceAt finds the resource at an ARM id (accounts and workspaces).
func resourceAt(sub *Subscription, id string) *Resource {
	for g, rg := range sub.ResourceGroups {
		for _, a := range rg.CognitiveAccounts {
			if strings.EqualFold(accountID(sub.ID, g, a.Name), id) {
				return a
			}
		}
		for _, w := range rg.MLWorkspaces {
			if strings.EqualFold(workspaceID(sub.ID, g, w.Name), id) {
				return w
			}
			for _, ep := range w.Children["onlineEndpoints"] {
				if strings.EqualFold(workspaceID(sub.ID, g, w.Name)+"/onlineEndpoints/"+ep.Name, id) {
					return ep
				}
			}
		}
	}
	return nil
}

func listDiagnostics(_ *Server, sub *Subscription, v map[string]string) ([]any, error) {
	if sub == nil {
		return nil, fmt.Errorf("no subscription in %s", v["scope"])
	}
	r := resourceAt(sub, v["scope"])
	if r == nil {
		return nil, armMessage(fmt.Sprintf("The Resource '%s' was not found.", v["scope"]))
	}
	out := []any{}
	for _, d := range r.Children["diagnosticSettings"] {
		out = append(out, render(d, v["scope"]+"/providers/microsoft.insights/diagnosticSettings/"+d.Name, "Microsoft.Insights/diagnosticSettings"))
	}
	return out, nil
}

// listAssignments are the assignments at the scope or inherited from
// above it (the subscription, the resource group).
func listAssignments(_ *Server, sub *Subscription, v map[string]string) ([]any, error) {
	if sub == nil {
		return nil, fmt.Errorf("no subscription in %s", v["scope"])
	}
	scope := strings.ToLower(v["scope"])
	out := []any{}
	for _, ra := range sub.RoleAssignments {
		at := subID(sub.ID)
		if ra.Scope != "" {
			at += "/" + ra.Scope
		}
		if scope != strings.ToLower(at) && !strings.HasPrefix(scope, strings.ToLower(at)+"/") {
			continue
		}
		out = append(out, map[string]any{
			"id": at + "/providers/Microsoft.Authorization/roleAssignments/" + ra.Name, "name": ra.Name,
			"type": "Microsoft.Authorization/roleAssignments",
			"properties": map[string]any{"scope": at, "principalId": ra.PrincipalID, "principalType": ra.PrincipalType,
				"roleDefinitionId": subID(sub.ID) + "/providers/Microsoft.Authorization/roleDefinitions/" + ra.Role},
		})
	}
	return out, nil
}

func getRoleDefinition(s *Server, _ *Subscription, v map[string]string) ([]any, error) {
	for _, d := range s.estate.RoleDefinitions {
		if strings.EqualFold(d.Name, v["role"]) {
			var props any
			if err := json.Unmarshal(d.Properties, &props); err != nil {
				return nil, err
			}
			return []any{map[string]any{"id": v["scope"] + "/providers/Microsoft.Authorization/roleDefinitions/" + d.Name, "name": d.Name,
				"type": "Microsoft.Authorization/roleDefinitions", "properties": props}}, nil
		}
	}
	return nil, armMessage(fmt.Sprintf("The role definition '%s' could not be found.", v["role"]))
}

// listPolicyAssignments are the subscription's (the collector asks with
// $filter=atScope(): those on it and inherited from above).
func listPolicyAssignments(_ *Server, sub *Subscription, _ map[string]string) ([]any, error) {
	out := []any{}
	for _, a := range sub.PolicyAssignments {
		out = append(out, a)
	}
	return out, nil
}

// getPolicyDefinition finds a definition or initiative by its id (the
// request path).
func getPolicyDefinition(s *Server, _ *Subscription, v map[string]string) ([]any, error) {
	kind := "policyDefinitions"
	if strings.Contains(strings.ToLower(v["path"]), "/policysetdefinitions/") {
		kind = "policySetDefinitions"
	}
	want := strings.ToLower(strings.TrimSuffix(v["scope"], "/") + "/providers/Microsoft.Authorization/" + kind + "/" + v["name"])
	for _, d := range s.estate.PolicyDefinitions {
		if id, _ := d["id"].(string); strings.ToLower(id) == want {
			return []any{d}, nil
		}
	}
	return nil, armMessage(fmt.Sprintf("The policy definition '%s' could not be found.", v["name"]))
}

// armMessage is an error whose text is ARM's own message.
type armMessage string

func (m armMessage) Error() string { return string(m) }
