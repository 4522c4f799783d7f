// Package e2etest holds the one rule for tests that need a real component
// (a kube-apiserver, etcd, Prometheus, the Pushgateway, a browser): when the
// component is missing the test is skipped on a developer's machine, and
// fails under AISIGHT_E2E=1 (CI), so CI can never go green by skipping.
// Tests only.
package e2etest

import (
	"os"
	"testing"
)

// Required reports whether missing components must fail tests (AISIGHT_E2E=1).
func Required() bool { return os.Getenv("AISIGHT_E2E") == "1" }

// Missing skips or fails tb because a real component is not available.
func Missing(tb testing.TB, what string, err error) {
	tb.Helper()
	if Required() {
		tb.Fatalf("%s is not available (make test installs it; AISIGHT_E2E=1 makes this a failure): %v", what, err)
	}
	tb.Skipf("%s is not available (make test installs it): %v", what, err)
}
