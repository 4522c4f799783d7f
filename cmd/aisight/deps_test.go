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

// The layers of docs/architecture.md: a package imports only from the
// layers below it. Each rule names a package prefix and the module
// packages it must not import.
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/aisight/aisight/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	const m = "github.com/aisight/aisight/"
	rules := []struct {
		pkg       string
		forbidden []string
	}{
		{m + "model", []string{m}},
		{m + "internal/detect", []string{m + "collectors", m + "scoring", m + "internal/output", m + "internal/metrics", m + "internal/pipeline", m + "internal/enrich", m + "cmd"}},
		{m + "internal/redact", []string{m + "collectors", m + "scoring", m + "internal/output", m + "internal/pipeline", m + "internal/detect", m + "cmd"}},
		{m + "collectors", []string{m + "scoring", m + "internal/output", m + "internal/metrics", m + "internal/pipeline", m + "internal/enrich", m + "internal/sim", m + "cmd"}},
		{m + "scoring", []string{m + "collectors", m + "internal/output", m + "internal/metrics", m + "internal/pipeline", m + "cmd"}},
		{m + "internal/output", []string{m + "collectors", m + "internal/pipeline", m + "internal/sim", m + "cmd"}},
		{m + "internal/metrics", []string{m + "collectors", m + "internal/pipeline", m + "internal/sim", m + "cmd"}},
		{m + "internal/pipeline", []string{m + "cmd"}},
		{m + "internal/sim", []string{m + "collectors", m + "scoring", m + "internal/output", m + "internal/pipeline", m + "cmd"}},
	}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.Contains(f[0], "/internal/testenv") || strings.HasSuffix(f[0], "gen") {
			continue
		}
		for _, r := range rules {
			if f[0] != r.pkg && !strings.HasPrefix(f[0], r.pkg+"/") {
				continue
			}
			checked++
			for _, imp := range f[1:] {
				for _, bad := range r.forbidden {
					if (imp == bad || strings.HasPrefix(imp, strings.TrimSuffix(bad, "/")+"/") || bad == m && strings.HasPrefix(imp, m)) && !strings.HasPrefix(imp, r.pkg) {
						t.Errorf("%s imports %s, a layer above it", f[0], imp)
					}
				}
			}
		}
	}
	if checked < 20 {
		t.Errorf("checked %d packages; the module list looks wrong", checked)
	}
}
