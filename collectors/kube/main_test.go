package kube_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/aisight/aisight/internal/e2etest"
	"github.com/aisight/aisight/internal/kubetest"
)

// srv is the real etcd + kube-apiserver this package's tests share.
var (
	srv    *kubetest.Server
	srvErr error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aisight-kube-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv, srvErr = kubetest.Start(context.Background(), dir)
	code := m.Run()
	if srv != nil {
		srv.Stop()
	}
	if code == 0 {
		os.RemoveAll(dir)
	} else {
		fmt.Fprintln(os.Stderr, "kube-apiserver logs kept in", dir)
	}
	os.Exit(code)
}

// server returns the shared API server. A missing component skips the test,
// except under AISIGHT_E2E=1 (CI), where it fails.
func server(t *testing.T) *kubetest.Server {
	t.Helper()
	if errors.Is(srvErr, kubetest.ErrMissing) {
		e2etest.Missing(t, "kube-apiserver and etcd", srvErr)
	}
	if srvErr != nil {
		t.Fatal(srvErr)
	}
	return srv
}
