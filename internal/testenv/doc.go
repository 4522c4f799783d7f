// Package testenv holds the rigs only tests and benchmarks use: per-test
// Kubernetes harnesses (kubeharness), a real Prometheus and Pushgateway
// (promtest), benchmark targets and helpers (benchtest), golden files
// (goldentest), the E2E switch (e2etest), file trees in git (treetest) and
// the organisation-scale estate (scale). Product packages never import it:
// `go list -deps ./cmd/aisight` shows neither it nor the testing package.
package testenv
