package kube_test

import (
	"testing"

	"github.com/aisight/aisight/internal/kubetest"
	"github.com/aisight/aisight/internal/kubetest/harness"
)

// apiserver is the real etcd + kube-apiserver this package's tests share.
var apiserver harness.Shared

func TestMain(m *testing.M) { apiserver.Main(m, "aisight-kube-") }

// server returns the shared API server. A missing component skips the test,
// except under AISIGHT_E2E=1 (CI), where it fails.
func server(t *testing.T) *kubetest.Server { return apiserver.Get(t) }
