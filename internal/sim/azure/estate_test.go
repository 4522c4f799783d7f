package azure

import "testing"

// The collector's test estate parses, children split from bodies.
func TestEstateParses(t *testing.T) {
	e, err := LoadEstate("../../../collectors/azure/testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := e.SubscriptionByID("11111111-1111-1111-1111-111111111111")
	acct := s.ResourceGroups["rg-ai"].CognitiveAccounts[0]
	if acct.Name != "oai-prod" || len(acct.Children["deployments"]) != 3 || acct.Body["kind"] != "OpenAI" || acct.Body["deployments"] != nil {
		t.Fatalf("account not parsed: %s %v", acct.Name, acct.Body)
	}
	if _, err := ParseEstate([]byte("subscriptions: [{id: x, nope: 1}]")); err == nil {
		t.Error("an unknown subscription field was accepted")
	}
}
