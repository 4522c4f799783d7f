// Package deploy_test checks the deployment artifacts: the Prometheus rules
// with promtool, the kustomize base and overlay against a real kube-apiserver
// with Pod Security admission, and that the container build yields a static
// binary. (deploy/ holds no Go code; these tests are its CI.)
package deploy_test

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes"

	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/testenv/e2etest"
	"github.com/aisight/aisight/internal/testenv/promtest"
)

func TestAlertRules(t *testing.T) {
	promtool := promtest.Binary(t, "promtool")
	for _, args := range [][]string{
		{"check", "rules", "prometheus/aisight-rules.yaml"},
		{"test", "rules", "prometheus/aisight-rules.test.yaml"},
	} {
		if out, err := exec.Command(promtool, args...).CombinedOutput(); err != nil {
			t.Errorf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// The kustomize output of the base (CronJob), the serve overlay and the
// sharded overlay (an Indexed Job of shards and a merge job) is
// applied with server-side dry-run to a real API server into a namespace
// enforcing the restricted Pod Security Standard: admitted, with no
// warnings, and each pod template is admitted as a Pod. The shards' Job is
// Indexed and each shard's --shard comes from its completion index.
func TestKustomizeIsAdmittedUnderRestrictedPodSecurity(t *testing.T) {
	kubectl, err := apiserver.KubectlPath()
	if err == nil {
		var s *apiserver.Server
		s, err = apiserver.Start(context.Background(), t.TempDir())
		if err == nil {
			defer s.Stop()
			checkKustomize(t, kubectl, s)
			return
		}
	}
	if errors.Is(err, apiserver.ErrMissing) {
		e2etest.Missing(t, "kube-apiserver and etcd", err)
	}
	t.Fatal(err)
}

func checkKustomize(t *testing.T, kubectl string, s *apiserver.Server) {
	ctx := context.Background()
	// The namespace and service account exist for real (a dry run creates
	// nothing), so the pod templates can be admitted into them.
	ns := "apiVersion: v1\nkind: Namespace\nmetadata: {name: aisight, labels: {pod-security.kubernetes.io/enforce: restricted, pod-security.kubernetes.io/warn: restricted}}\n---\n" +
		"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: aisight, namespace: aisight}\n---\n"
	crd := apiserver.CRDManifest(apiserver.CRD{Group: "monitoring.coreos.com", Version: "v1", Kind: "ServiceMonitor", Plural: "servicemonitors"})
	if err := s.Apply(ctx, append([]byte(ns), crd...)); err != nil {
		t.Fatal(err)
	}
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := s.WriteKubeconfig(kc, map[string]string{"admin": s.AdminToken}); err != nil {
		t.Fatal(err)
	}
	cs, err := kubernetes.NewForConfig(s.AdminConfig())
	if err != nil {
		t.Fatal(err)
	}
	templates := map[string]int{"kubernetes/base": 1, "kubernetes/overlays/serve": 1, "kubernetes/overlays/sharded": 2}
	for _, dir := range []string{"kubernetes/base", "kubernetes/overlays/serve", "kubernetes/overlays/sharded"} {
		manifest, err := exec.Command(kubectl, "kustomize", dir).Output()
		if err != nil {
			t.Fatalf("kubectl kustomize %s: %v", dir, err)
		}
		apply := exec.Command(kubectl, "--kubeconfig", kc, "apply", "--server-side", "--dry-run=server", "-f", "-")
		apply.Stdin = bytes.NewReader(manifest)
		var stdout, stderr bytes.Buffer
		apply.Stdout, apply.Stderr = &stdout, &stderr
		if err := apply.Run(); err != nil || strings.Contains(stderr.String(), "Warning") {
			t.Errorf("%s: server-side dry-run apply: %v\n%s%s", dir, err, stdout.String(), stderr.String())
		}
		pods := podTemplates(t, manifest)
		if len(pods) != templates[dir] {
			t.Fatalf("%s: %d pod templates, want %d", dir, len(pods), templates[dir])
		}
		for _, p := range pods {
			p.Namespace = "aisight"
			if _, err := cs.CoreV1().Pods("aisight").Create(ctx, p, metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
				t.Errorf("%s: pod template of %s refused: %v", dir, p.Name, err)
			}
		}
	}
}

// podTemplates turns the CronJob and Deployment pod templates of a manifest into Pods.
func podTemplates(t *testing.T, manifest []byte) []*corev1.Pod {
	t.Helper()
	var out []*corev1.Pod
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); err != nil {
			break
		}
		var path []string
		switch obj.GetKind() {
		case "CronJob":
			path = []string{"spec", "jobTemplate", "spec", "template"}
		case "Deployment":
			path = []string{"spec", "template"}
		default:
			continue
		}
		tmpl, found, err := unstructured.NestedMap(obj.Object, path...)
		if err != nil || !found {
			t.Fatalf("%s has no pod template: %v", obj.GetName(), err)
		}
		var spec corev1.PodTemplateSpec
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(tmpl, &spec); err != nil {
			t.Fatal(err)
		}
		out = append(out, &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: strings.ToLower(obj.GetKind()) + "-" + obj.GetName(), Labels: spec.Labels}, Spec: spec.Spec})
	}
	return out
}

// The Dockerfile's build command gives a static binary, as distroless/static needs.
func TestContainerBuildIsStatic(t *testing.T) {
	df, err := os.ReadFile("../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	const build = `CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/aisight ./cmd/aisight`
	for _, want := range []string{build, "FROM gcr.io/distroless/static-debian12:nonroot", "USER 65532:65532"} {
		if !strings.Contains(string(df), want) {
			t.Fatalf("Dockerfile lacks %q", want)
		}
	}
	bin := filepath.Join(t.TempDir(), "aisight")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version=test", "-o", bin, "./cmd/aisight")
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary needs a dynamic loader; distroless/static has none")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary links %v", libs)
	}
}

// sts:AssumeRole is granted on the member role alone (the template's role
// name in any account), never on every role.
func TestAssumeRoleNamesTheMemberRole(t *testing.T) {
	b, err := os.ReadFile("aws/aisight-readonly-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var pol struct {
		Statement []struct {
			Action   []string `json:"Action"`
			Resource any      `json:"Resource"`
		} `json:"Statement"`
	}
	if err := json.Unmarshal(b, &pol); err != nil {
		t.Fatal(err)
	}
	cfn, err := os.ReadFile("aws/aisight-member-role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^  RoleName:\n(?:    .*\n)*?    Default: (\S+)`).FindSubmatch(cfn)
	if m == nil {
		t.Fatal("the member role template has no RoleName default")
	}
	want := "arn:aws:iam::*:role/" + string(m[1])
	found := 0
	for _, st := range pol.Statement {
		if !slices.Contains(st.Action, "sts:AssumeRole") {
			continue
		}
		found++
		if st.Resource != want || len(st.Action) != 1 {
			t.Errorf("sts:AssumeRole statement: actions %v on %v, want only sts:AssumeRole on %s", st.Action, st.Resource, want)
		}
	}
	if found != 1 {
		t.Errorf("%d statements grant sts:AssumeRole, want 1", found)
	}
}

// The member-account role template grants exactly the read-only policy's
// actions minus the management-account ones.
func TestMemberRoleTemplateMatchesPolicy(t *testing.T) {
	b, err := os.ReadFile("aws/aisight-readonly-policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var pol struct {
		Statement []struct {
			Action []string `json:"Action"`
		} `json:"Statement"`
	}
	if err := json.Unmarshal(b, &pol); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, st := range pol.Statement {
		for _, a := range st.Action {
			if !strings.HasPrefix(a, "organizations:") && a != "sts:AssumeRole" {
				want = append(want, a)
			}
		}
	}
	cfn, err := os.ReadFile("aws/aisight-member-role.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	in := false
	for _, line := range strings.Split(string(cfn), "\n") {
		l := strings.TrimSpace(line)
		switch {
		case l == "Action:":
			in = true
		case in && strings.HasPrefix(l, "- "):
			got = append(got, strings.TrimPrefix(l, "- "))
		case in:
			in = false
		}
	}
	sort.Strings(want)
	sort.Strings(got)
	if strings.Join(want, ",") != strings.Join(got, ",") {
		t.Errorf("member role actions differ from the policy:\nwant %v\ngot  %v", want, got)
	}
}

// The sharded overlay's shards cover every index once: the Job's
// completions, its parallelism and the N of --shard I/N agree, I is the
// completion index, and the merge job reads what the shards write.
func TestShardedOverlayAgrees(t *testing.T) {
	kubectl, err := apiserver.KubectlPath()
	if err != nil {
		if errors.Is(err, apiserver.ErrMissing) {
			e2etest.Missing(t, "kubectl", err)
		}
		t.Fatal(err)
	}
	manifest, err := exec.Command(kubectl, "kustomize", "kubernetes/overlays/sharded").Output()
	if err != nil {
		t.Fatal(err)
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(manifest), 4096)
	var shardArgs, mergeArgs []string
	var completions, parallelism string
	var indexed string
	for {
		var obj unstructured.Unstructured
		if err := dec.Decode(&obj.Object); err != nil {
			break
		}
		if obj.GetKind() != "CronJob" {
			continue
		}
		job, _, _ := unstructured.NestedMap(obj.Object, "spec", "jobTemplate", "spec")
		containers, _, _ := unstructured.NestedSlice(job, "template", "spec", "containers")
		args, _, _ := unstructured.NestedStringSlice(containers[0].(map[string]any), "args")
		switch obj.GetName() {
		case "aisight-shards":
			shardArgs = args
			completions, parallelism = fmt.Sprint(job["completions"]), fmt.Sprint(job["parallelism"])
			indexed, _, _ = unstructured.NestedString(job, "completionMode")
		case "aisight-merge":
			mergeArgs = args
		}
	}
	want := "$(JOB_COMPLETION_INDEX)/" + completions
	if indexed != "Indexed" || completions == "<nil>" || completions == "1" || parallelism != completions || !slices.Contains(shardArgs, want) {
		t.Errorf("shards: completionMode %q, completions %s, parallelism %s, args %v (want --shard %s)", indexed, completions, parallelism, shardArgs, want)
	}
	if !slices.Contains(shardArgs, "/data/shard-$(JOB_COMPLETION_INDEX).json") || !slices.Contains(mergeArgs, "/data/shard-*.json") || mergeArgs[0] != "merge" {
		t.Errorf("the merge job does not read what the shards write: shards %v, merge %v", shardArgs, mergeArgs)
	}
}
