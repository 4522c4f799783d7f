package kube_test

import (
	"testing"

	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/testenv/kubeharness"
)

// cluster is the real etcd + kube-apiserver this package's tests share.
var cluster harness.Shared

func TestMain(m *testing.M) { cluster.Main(m, "aisight-kube-") }

// server returns the shared API server. A missing component skips the test,
// except under AISIGHT_E2E=1 (CI), where it fails.
func server(t *testing.T) *apiserver.Server { return cluster.Get(t) }
