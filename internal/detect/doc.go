// Package detect is detection as a library, below the collectors and the
// outputs that both use it: the catalog and fingerprints (detect/fingerprint:
// SDK packages, serving images with forks and mirrors, serving custom
// resources, accelerators, model conventions, key shapes, MCP shapes), the
// workload detector (detect/workload: Kubernetes, compose, Helm and
// Dockerfile workloads read from files) and the anchor pass (detect/anchors:
// every catalog anchor found in one pass over a file). It imports neither
// collectors nor outputs.
package detect
