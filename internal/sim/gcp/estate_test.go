package gcp

import (
	"strings"
	"testing"
)

// The collector's test estate parses: every resource in the services'
// own JSON form, short names expanded.
func TestEstateParses(t *testing.T) {
	e, err := LoadEstate("../../../collectors/gcp/testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p := e.Find("ml-prod")
	if p == nil || len(p.Vertex["us-central1"].ParsedEndpoints()) != 4 {
		t.Fatalf("ml-prod endpoints not parsed: %+v", p)
	}
	if got := p.Vertex["us-central1"].ParsedEndpoints()[0].GetName(); got != "projects/ml-prod/locations/us-central1/endpoints/1001" {
		t.Errorf("endpoint name %q", got)
	}
	if got := p.WorkbenchInstances()[0].GetName(); got != "projects/ml-prod/locations/us-central1-a/instances/wb-research" {
		t.Errorf("workbench name %q", got)
	}
	if _, err := ParseEstate([]byte("projects: [{id: x, vertex: {l: {endpoints: [{nope: 1}]}}}]")); err == nil {
		t.Error("an unknown resource field was accepted")
	}
}

// The estate is decoded with protojson's strict defaults: a field the
// service's proto does not have is refused, so the emulator cannot serve
// what Vertex AI never sends.
func TestEstateRefusesFieldsNotInTheProtos(t *testing.T) {
	_, err := ParseEstate([]byte(`{"projects": [{"id": "p", "vertex": {"us-central1": {"endpoints": [{"name": "1", "enableNodePublicIp": true}]}}}]}`))
	if err == nil || !strings.Contains(err.Error(), "enableNodePublicIp") {
		t.Fatalf("an endpoint field not in the Endpoint proto was accepted: %v", err)
	}
}
