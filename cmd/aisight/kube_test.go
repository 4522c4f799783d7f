package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aisight/aisight/internal/sim/apiserver"
	harness "github.com/aisight/aisight/internal/testenv/kubeharness"
	"github.com/aisight/aisight/model"
)

func TestMain(m *testing.M) {
	// The test binary doubles as the aisight binary for tests that need a
	// real process (signals): they re-run it with AISIGHT_TEST_AS_CLI=1.
	if os.Getenv("AISIGHT_TEST_AS_CLI") == "1" {
		main()
		return
	}
	// Hermetic: no test may scan a cluster from the developer's kubeconfig.
	os.Setenv("AISIGHT_KUBE", "off")
	os.Setenv("AISIGHT_AWS", "off")
	os.Setenv("AISIGHT_GCP", "off")
	os.Setenv("AISIGHT_AZURE", "off")
	os.Setenv("AISIGHT_OPENAI", "off")
	os.Setenv("AISIGHT_ANTHROPIC", "off")
	os.Exit(m.Run())
}

func TestKubeFlagsAreCheckedUpFront(t *testing.T) {
	t.Setenv("AISIGHT_KUBE", "")
	t.Setenv("KUBECONFIG", filepath.Join(t.TempDir(), "missing"))
	t.Setenv("HOME", t.TempDir())
	if r := runCLI(t, "scan", "--kube=on", negative); r.code != exitUsage || !strings.Contains(r.stderr, "--kube=on but no kubeconfig") {
		t.Errorf("--kube=on without kubeconfig: exit %d, %q", r.code, r.stderr)
	}
	kc := filepath.Join(t.TempDir(), "config")
	s := &apiserver.Server{URL: "https://127.0.0.1:1"}
	if err := s.WriteKubeconfig(kc, map[string]string{"prod": "x", "staging": "y"}); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, "scan", "--kubeconfig", kc, "--kube-contexts", "dev", negative)
	if r.code != exitUsage || !strings.Contains(r.stderr, `no context "dev" (it has prod, staging)`) {
		t.Errorf("unknown context: exit %d, %q", r.code, r.stderr)
	}
	// Auto mode skips with the reason instead of contacting anything.
	r = runCLI(t, "scan", "-o", "json", negative)
	if r.code != exitOK || !strings.Contains(r.stdout, `"reason": "no kubeconfig`) {
		t.Errorf("auto without kubeconfig: exit %d\n%s", r.code, r.stderr)
	}
}

// The whole CLI against a real API server: scan only the cluster, as a
// service account bound to the shipped ClusterRole.
func TestScanClusterThroughTheCLI(t *testing.T) {
	s := harness.Private(t)
	ctx := context.Background()
	role, err := os.ReadFile("../../deploy/kubernetes/base/clusterrole.yaml")
	if err != nil {
		t.Fatal(err)
	}
	estate := `apiVersion: v1
kind: Namespace
metadata: {name: llm}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: vllm, namespace: llm}
spec:
  selector: {matchLabels: {app: vllm}}
  template:
    metadata: {labels: {app: vllm}}
    spec:
      containers: [{name: vllm, image: "vllm/vllm-openai:v0.6.3", args: [--model, meta-llama/Llama-3.1-8B-Instruct]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: aisight}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: aisight-reader}
subjects: [{kind: ServiceAccount, name: aisight, namespace: aisight}]
`
	token, err := s.ServiceAccountToken(ctx, "aisight", "aisight")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(ctx, append(append(role, "\n---\n"...), estate...)); err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := s.WriteKubeconfig(kc, map[string]string{"lab": token}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AISIGHT_KUBE", "")
	r := runCLI(t, "scan", "--source=off", "--kubeconfig", kc, "-o", "json")
	if r.code != exitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var rep model.Report
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Assets) != 1 || rep.Assets[0].ID != "k8s://lab/llm/deployment/vllm" {
		t.Fatalf("assets: %+v", rep.Assets)
	}
	runs := map[string]model.CollectorRun{}
	for _, run := range rep.Scan.CollectorRuns {
		runs[run.Collector] = run
	}
	if runs["kubernetes"].Status != model.StatusOK || runs["source"].Status != model.StatusSkipped {
		t.Errorf("runs: %+v", runs)
	}
	found := false
	for _, c := range rep.Assessment.Categories {
		for _, cr := range c.Controls {
			if cr.ID == "IAM.3.no-cluster-admin" {
				found = true
				if cr.Result != model.Pass {
					t.Errorf("IAM.3.no-cluster-admin = %s (%s), want pass: the default service account has no extra RBAC", cr.Result, cr.Reason)
				}
			}
		}
	}
	if !found {
		t.Error("IAM.3.no-cluster-admin not in the assessment")
	}
}
