package aws

import "testing"

func TestOrgPolicyFacts(t *testing.T) {
	deny := `{"Statement":[{"Effect":"Deny","Action":"bedrock:*","Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1"]}}}]}`
	allow := `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	for _, tc := range []struct {
		name     string
		bedrock  bool
		names    []string
		contents []string
		unread   int
		want     map[string]any
	}{
		{"a restricting SCP", false, []string{"full", "deny-ai"}, []string{allow, deny}, 0,
			map[string]any{"org.scp_restricts_ai": true, "org.ai_restricting_scps": []string{"deny-ai"}, "org.ai_service_policy": true}},
		{"no restricting SCP, all read", false, []string{"full"}, []string{allow}, 0,
			map[string]any{"org.scp_restricts_ai": false, "org.ai_service_policy": false}},
		{"no restricting SCP among those read, one unread: unknown", false, []string{"full"}, []string{allow}, 1,
			map[string]any{"org.scp_restricts_ai": nil, "org.ai_service_policy": nil, "org.ai_opt_out_policy": true}},
		{"one unread but a Bedrock policy: the service policy holds", true, nil, nil, 1,
			map[string]any{"org.scp_restricts_ai": nil, "org.ai_service_policy": true}},
		{"a restricting SCP found despite an unread one", false, []string{"deny-ai"}, []string{deny}, 1,
			map[string]any{"org.scp_restricts_ai": true, "org.ai_service_policy": true}},
		{"an SCP whose Action is not a string list: unknown, as an unread one", false, []string{"full", "odd"}, []string{allow, `{"Statement":[{"Effect":"Deny","Action":{"bedrock":"*"}}]}`}, 0,
			map[string]any{"org.scp_restricts_ai": nil, "org.ai_service_policy": nil}},
	} {
		facts, _ := orgPolicyFacts("src", true, tc.bedrock, tc.names, tc.contents, tc.unread)
		checkFacts(t, tc.name, facts, tc.want)
	}
}
