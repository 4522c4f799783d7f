// Package harness gives tests a real kube-apiserver (internal/sim/apiserver):
// one shared by all the tests of a package (Shared: TestMain starts it with
// Main, each test gets it with Get), or one of a test's own (Private). It is
// imported by tests only, so the binary does not link the testing package.
package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/testenv/e2etest"
)

// Shared is a package's shared API server, or why it could not start.
type Shared struct {
	s   *apiserver.Server
	err error
}

// Main starts the server in a new temporary directory named after prefix,
// runs the package's tests, stops the server and exits with the tests'
// status. The directory, with the server's logs, is kept when a test failed.
func (sv *Shared) Main(m *testing.M, prefix string) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	sv.s, sv.err = apiserver.Start(context.Background(), dir)
	code := m.Run()
	if sv.s != nil {
		sv.s.Stop()
	}
	if code == 0 {
		os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "kube-apiserver logs kept in", dir)
	}
	os.Exit(code)
}

// Get returns the server. A missing component (kube-apiserver, etcd) skips
// the test, except under AISIGHT_E2E=1 (CI), where it fails; any other
// start-up error fails it.
func (sv *Shared) Get(t testing.TB) *apiserver.Server {
	t.Helper()
	if errors.Is(sv.err, apiserver.ErrMissing) {
		e2etest.Missing(t, "kube-apiserver and etcd", sv.err)
	}
	if sv.err != nil {
		t.Fatal(sv.err)
	}
	return sv.s
}

// Private starts an API server for one test, stopped when the test ends,
// with the same rules for a missing component as Get.
func Private(tb testing.TB) *apiserver.Server {
	tb.Helper()
	s, err := apiserver.Start(context.Background(), tb.TempDir())
	if errors.Is(err, apiserver.ErrMissing) {
		e2etest.Missing(tb, "kube-apiserver and etcd", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}
