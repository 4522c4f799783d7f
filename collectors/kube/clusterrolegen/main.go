// Command clusterrolegen prints the Kubernetes collector's ClusterRole,
// generated from the collector's own reads, the detection catalog's
// serving resources and the IaC catalog's cloud-controller kinds; `make generate` writes it to
// deploy/kubernetes/base/clusterrole.yaml.
package main

import (
	"fmt"
	"os"

	"github.com/aisight/aisight/collectors/kube"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/iac"
)

func main() {
	cat, err := fingerprint.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ic, err := iac.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(kube.ClusterRoleYAML(cat, ic))
}
