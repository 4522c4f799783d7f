package main

import (
	"os"
	"strings"
	"testing"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/redact"
)

// The wall's key prefixes are the catalog's: keyprefixes.go is what the
// generator writes now (make generate rewrites it).
func TestKeyPrefixesAreGenerated(t *testing.T) {
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile("../keyprefixes.go")
	if err != nil {
		t.Fatal(err)
	}
	if string(have) != Source(cat) {
		t.Errorf("internal/redact/keyprefixes.go is stale: run make generate")
	}
	// And the wall masks a token of each shape in a URL it prints.
	for _, k := range cat.Keys {
		if k.Lookbehind != 0 || len(k.Anchor) < 3 {
			continue
		}
		token := k.Anchor + strings.Repeat("Ab9", 12)
		if got := redact.URL("https://proxy.example/v1/" + token + "/models"); strings.Contains(got, token) {
			t.Errorf("%s: a %s-token in a URL is not masked: %s", k.Kind, k.Anchor, got)
		}
	}
}
