package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestBinaryLinksNoTestRig: the shipped binary links the emulators of
// internal/sim (for aisight demo) but no test-only rig and not the testing
// package, which would add its flags and a test's assumptions to the product.
func TestBinaryLinksNoTestRig(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 50 {
		t.Fatalf("go list -deps gave %d packages; expected the binary's whole graph", len(deps))
	}
	for _, d := range deps {
		if d == "testing" || strings.Contains(d, "/internal/testenv") || strings.HasSuffix(d, "/internal/reliability") {
			t.Errorf("the binary links %s", d)
		}
	}
}
