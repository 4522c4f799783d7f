// Command clusterrolegen prints the Kubernetes collector's ClusterRole,
// generated from the collector's own reads and the detection catalog's
// serving resources; `make generate` writes it to
// deploy/kubernetes/base/clusterrole.yaml.
package main

import (
	"fmt"
	"os"

	"github.com/aisight/aisight/collectors/kube"
	"github.com/aisight/aisight/internal/detect/fingerprint"
)

func main() {
	cat, err := fingerprint.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Stdout.Write(kube.ClusterRoleYAML(cat))
}
