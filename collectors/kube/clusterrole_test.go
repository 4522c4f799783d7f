package kube

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/iac"
)

// The shipped ClusterRole is generated from the collector's reads and the
// catalog; a catalog change without `make generate` fails here.
func TestShippedClusterRoleIsGenerated(t *testing.T) {
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../../deploy/kubernetes/base/clusterrole.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ic, err := iac.Load()
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(ClusterRoleYAML(cat, ic)), string(b)); d != "" {
		t.Errorf("deploy/kubernetes/base/clusterrole.yaml is stale; run make generate (-generated +file):\n%s", d)
	}
}
