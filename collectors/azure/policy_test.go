package azure

import (
	"encoding/json"
	"testing"
)

func def(t *testing.T, s string) *policyDefinition {
	t.Helper()
	var d policyDefinition
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

func TestDenies(t *testing.T) {
	aiParam := def(t, `{"properties": {"parameters": {"effect": {"defaultValue": "Audit"}},
		"policyRule": {"if": {"field": "type", "equals": "Microsoft.CognitiveServices/accounts"}, "then": {"effect": "[parameters('effect')]"}}}}`)
	notAllowed := def(t, `{"properties": {"parameters": {"listOfResourceTypesNotAllowed": {}},
		"policyRule": {"if": {"field": "type", "in": "[parameters('listOfResourceTypesNotAllowed')]"}, "then": {"effect": "deny"}}}}`)
	for _, tc := range []struct {
		name  string
		d     *policyDefinition
		given map[string]policyParamValue
		outer func(string) any
		want  bool
	}{
		{"AI rule, default effect Audit", aiParam, nil, nil, false},
		{"AI rule, assigned Deny", aiParam, map[string]policyParamValue{"effect": {Value: "Deny"}}, nil, true},
		{"initiative member: effect from the initiative's parameter", aiParam,
			map[string]policyParamValue{"effect": {Value: "[parameters('aiEffect')]"}}, func(n string) any {
				if n == "aiEffect" {
					return "Deny"
				}
				return nil
			}, true},
		{"types not allowed, AI among the assigned values", notAllowed,
			map[string]policyParamValue{"listOfResourceTypesNotAllowed": {Value: []any{"Microsoft.MachineLearningServices/workspaces"}}}, nil, true},
		{"types not allowed, none of them AI", notAllowed,
			map[string]policyParamValue{"listOfResourceTypesNotAllowed": {Value: []any{"Microsoft.Sql/servers"}}}, nil, false},
	} {
		if got := denies(tc.d, tc.given, tc.outer); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
