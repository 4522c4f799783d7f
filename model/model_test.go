package model

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestFactJSONRoundTripKeepsTypes(t *testing.T) {
	in := []Fact{
		Bool("a.b", true, Observed, "s"),
		Int("key.age_days", 400, Declared, ""),
		String("model.format", "gguf", Inferred, ""),
		Strings("env.vars", nil, Declared, ""),
		{Key: "x.ratio", Value: 0.25, Confidence: Observed},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out []Fact
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	var bad Fact
	if err := json.Unmarshal([]byte(`{"key":"k","value":{"nested":1}}`), &bad); err == nil {
		t.Error("object values must be rejected")
	}
}

func TestDurationSeconds(t *testing.T) {
	b, _ := json.Marshal(Duration(1500 * time.Millisecond))
	if string(b) != "1.5" {
		t.Errorf("got %s", b)
	}
	var d Duration
	if err := json.Unmarshal([]byte("2.25"), &d); err != nil || time.Duration(d) != 2250*time.Millisecond {
		t.Errorf("got %v %v", time.Duration(d), err)
	}
}

func TestNormalizeIsDeterministic(t *testing.T) {
	inv := Inventory{Assets: []Asset{
		{ID: "b", Facts: []Fact{String("z.z", "", Observed, ""), String("a.a", "", Observed, "")}},
		{ID: "a"},
	}}
	inv.Normalize()
	if inv.Assets[0].ID != "a" || inv.Assets[1].Facts[0].Key != "a.a" {
		t.Errorf("not sorted: %+v", inv.Assets)
	}
}

func TestLevelString(t *testing.T) {
	if Level(3).String() != "L3 Defined" || Level(0).String() != "not assessed" {
		t.Error(Level(3).String(), Level(0).String())
	}
}
