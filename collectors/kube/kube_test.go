package kube_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/aisight/aisight/collectors"
	"github.com/aisight/aisight/collectors/kube"
	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/detect/iac"
	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/testenv/goldentest"
	"github.com/aisight/aisight/model"
)

// policyCRDs are the policy-engine and Gateway API resources the estate uses.
var policyCRDs = []apiserver.CRD{
	{Group: "kyverno.io", Version: "v1", Kind: "ClusterPolicy", Plural: "clusterpolicies", ClusterScoped: true},
	{Group: "kyverno.io", Version: "v1", Kind: "Policy", Plural: "policies"},
	{Group: "constraints.gatekeeper.sh", Version: "v1beta1", Kind: "K8sImageDigests", Plural: "k8simagedigests", ClusterScoped: true},
	{Group: "constraints.gatekeeper.sh", Version: "v1beta1", Kind: "K8sRequiredLabels", Plural: "k8srequiredlabels", ClusterScoped: true},
	{Group: "policy.sigstore.dev", Version: "v1beta1", Kind: "ClusterImagePolicy", Plural: "clusterimagepolicies", ClusterScoped: true},
	{Group: "gateway.networking.k8s.io", Version: "v1", Kind: "HTTPRoute", Plural: "httproutes"},
}

// thirdPartyCRDs are every serving resource of the catalog (so a new
// catalog entry is installed, listed and checked against the ClusterRole
// with no test change) and the policy CRDs.
func thirdPartyCRDs(t testing.TB) []apiserver.CRD {
	t.Helper()
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	var out []apiserver.CRD
	for _, r := range cat.ServingResources {
		out = append(out, apiserver.CRD{Group: r.Group, Version: r.Version, Kind: r.Kind, Plural: r.Plural, ClusterScoped: r.ClusterScoped})
	}
	ic, err := iac.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range ic.KubeTypes() { // cloud controllers' AI kinds (served at an assumed version)
		out = append(out, apiserver.CRD{Group: k.Group, Version: "v1beta1", Kind: k.Kind, Plural: k.Plural})
	}
	return append(out, policyCRDs...)
}

var (
	estateOnce sync.Once
	estateErr  error
)

// applyEstate installs the CRDs, testdata/estate.yaml and the shipped
// ClusterRole once per package.
func applyEstate(t *testing.T, s *apiserver.Server) {
	t.Helper()
	estateOnce.Do(func() {
		ctx := context.Background()
		if estateErr = s.Apply(ctx, apiserver.CRDManifest(thirdPartyCRDs(t)...)); estateErr != nil {
			return
		}
		var b []byte
		if b, estateErr = os.ReadFile("testdata/estate.yaml"); estateErr != nil {
			return
		}
		if estateErr = s.Apply(ctx, b); estateErr != nil {
			return
		}
		if b, estateErr = os.ReadFile(filepath.Join("..", "..", "deploy", "kubernetes", "base", "clusterrole.yaml")); estateErr != nil {
			return
		}
		estateErr = s.Apply(ctx, b)
	})
	if estateErr != nil {
		t.Fatal(estateErr)
	}
}

// collectorAs binds a new service account to the named ClusterRole, writes
// a kubeconfig for it and runs the collector through the runner.
func collectorAs(t *testing.T, s *apiserver.Server, sa, clusterRole string, pageSize int64) model.Inventory {
	t.Helper()
	ctx := context.Background()
	binding := "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: " + sa + "}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: " + clusterRole + "}\n" +
		"subjects: [{kind: ServiceAccount, name: " + sa + ", namespace: aisight}]\n"
	token, err := s.ServiceAccountToken(ctx, "aisight", sa)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(ctx, []byte(binding)); err != nil {
		t.Fatal(err)
	}
	return runCollector(t, s, map[string]string{"test": token}, pageSize)
}

func runCollector(t *testing.T, s *apiserver.Server, tokens map[string]string, pageSize int64) model.Inventory {
	t.Helper()
	kc := filepath.Join(t.TempDir(), "kubeconfig")
	if err := s.WriteKubeconfig(kc, tokens); err != nil {
		t.Fatal(err)
	}
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := kube.New(kube.Options{Kubeconfig: kc, PageSize: pageSize}, cat)
	if err != nil {
		t.Fatal(err)
	}
	inv := collectors.NewRunner(collectors.Options{ScopeTimeout: time.Minute}).Run(context.Background(), []collectors.Plan{{Name: kube.Name, Collector: c}})
	inv.Normalize()
	return inv
}

func facts(a model.Asset) map[string]any {
	m := map[string]any{}
	for _, f := range a.Facts {
		m[f.Key] = f.Value
	}
	return m
}

func TestCollectorFindsExactlyTheAIWorkloads(t *testing.T) {
	s := server(t)
	applyEstate(t, s)
	started := time.Now().Truncate(time.Microsecond) // audit timestamps have microsecond precision
	inv := collectorAs(t, s, "aisight", "aisight-reader", 2)

	if len(inv.Scan.CollectorRuns) != 1 {
		t.Fatalf("runs: %+v", inv.Scan.CollectorRuns)
	}
	run := inv.Scan.CollectorRuns[0]
	if run.Status != model.StatusOK || run.Scope.ID != "kubernetes:test" || run.Scope.Kind != "cluster" {
		t.Fatalf("run = %+v", run)
	}
	var ids []string
	byID := map[string]model.Asset{}
	var cloudAI []model.Asset
	for _, a := range inv.Assets {
		if a.DeploymentType == model.PaaS { // a cloud controller's object: checked below
			cloudAI = append(cloudAI, a)
			continue
		}
		ids = append(ids, a.ID)
		byID[a.ID] = a
		if a.Kind != model.KindInferenceWorkload || a.DeploymentType != model.SelfHosted || a.Provider != kube.Name {
			t.Errorf("%s: kind %s, type %s, provider %s", a.ID, a.Kind, a.DeploymentType, a.Provider)
		}
	}
	// The Vertex AI endpoint declared through Config Connector is the one
	// cloud AI resource of the estate, with the facts the file reader gives.
	if len(cloudAI) != 1 || cloudAI[0].ID != "k8s://test/ops/vertexaiendpoint/chat-endpoint" || cloudAI[0].Kind != model.KindEndpoint ||
		cloudAI[0].Name != "chat-endpoint" || cloudAI[0].Region != "us-central1" {
		t.Errorf("cloud AI declared in the cluster: %+v", cloudAI)
	} else {
		for k, v := range map[string]any{"iac.form": "kubernetes", "iac.cloud": "gcp", "encryption.cmek": true, "network.public_access": true,
			"iac.resource_type": "vertexai.cnrm.cloud.google.com/VertexAIEndpoint"} {
			if f, ok := cloudAI[0].Fact(k); !ok || f.Value != v {
				t.Errorf("cloud AI fact %s = %v, want %v", k, f.Value, v)
			}
		}
	}
	want := expectedWorkloads(t, "test")
	if len(want) < 10 {
		t.Fatalf("the estate marks only %d AI workloads", len(want))
	}
	if d := cmp.Diff(want, ids); d != "" {
		t.Fatalf("AI workloads (-want +got):\n%s", d)
	}

	digest := "sha256:4c9e1b2f0a7d6e5c3b8a9f1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b7a8f9e0d1c"
	cases := map[string]map[string]any{
		"k8s://test/llm/deployment/vllm": {
			"runtime.name": "vllm", "runtime.version": "v0.6.3", "image.pinned_digest": true, "image.registry_public": true,
			"image.running_digest": digest, "model.id": "meta-llama/Llama-3.1-8B-Instruct", "model.revision_pinned": true,
			"gpu.requested": int64(1), "gpu.resources": []string{"nvidia.com/gpu"},
			"env.credential_vars": []string{"HF_TOKEN"}, "env.credential_from_secret": true, "env.credential_literal": false,
			"identity.service_account": "vllm", "identity.default": false, "identity.automount_token": false,
			"identity.cloud_bindings": []string{"aws:arn:aws:iam::111122223333:role/vllm-s3-models"},
			"rbac.cluster_admin":      false, "rbac.wildcard_verbs": false, "rbac.secrets_read": false,
			"exposure.service_types": []string{"LoadBalancer"}, "exposure.ingresses": []string{"llm-api"}, "exposure.external": true,
			"network.egress_restricted": true, "namespace.pod_security": "baseline", "workload.kind": "Deployment",
		},
		"k8s://test/chat/deployment/ollama": {
			"runtime.name": "ollama", "image.registry_public": false, "image.pinned_digest": false,
			"identity.service_account": "default", "identity.default": true,
			"env.credential_vars": []string{"OPENAI_API_KEY"}, "env.credential_literal": true, "env.credential_from_secret": false,
			"exposure.service_types": []string{"ClusterIP"}, "exposure.http_routes": []string{"chat/chat"}, "exposure.external": true,
			"network.egress_restricted": false, "namespace.pod_security": "none",
		},
		"k8s://test/kserve/inferenceservice/llama": {
			"runtime.name": "kserve", "model.id": "meta-llama/Llama-3.1-8B-Instruct", "model.source": "huggingface",
			"model.revision_pinned": false, "identity.service_account": "kserve-sa", "gpu.requested": int64(0),
		},
		"k8s://test/ray/rayservice/summarizer":     {"runtime.name": "ray", "gpu.requested": int64(1)},
		"k8s://test/training/job/finetune":         {"gpu.requested": int64(4), "image.registry_public": true},
		"k8s://test/training/deployment/dra-infer": {"gpu.requested": int64(1), "gpu.resources": []string{"dra:gpu.nvidia.com"}},
		"k8s://test/ops/deployment/tgi-admin": {
			"runtime.name": "tgi", "rbac.cluster_admin": true, "rbac.wildcard_verbs": true, "rbac.secrets_read": true,
			"rbac.roles": []string{"ClusterRole/cluster-admin"},
		},
		"k8s://test/llm/cronjob/nightly-eval": {"runtime.name": "vllm", "model.id": "mistralai/Mistral-7B-Instruct-v0.3", "workload.kind": "CronJob"},
		"k8s://test/llm/pod/llm-debug":        {"runtime.name": "ollama", "runtime.version": "latest", "workload.kind": "Pod", "identity.automount_token": true},
		"k8s://test/rag/statefulset/qdrant":   {"runtime.name": "qdrant"},
	}
	for id, wantFacts := range cases {
		got := facts(byID[id])
		for k, v := range wantFacts {
			if d := cmp.Diff(v, got[k]); d != "" {
				t.Errorf("%s fact %s (-want +got):\n%s", id, k, d)
			}
		}
	}
	// Unknown stays unknown: the InferenceService's pods are not known, so
	// neither its exposure nor (with no namespace-wide policy) its egress is.
	for _, k := range []string{"exposure.external", "network.egress_restricted", "image.ref"} {
		if v, ok := facts(byID["k8s://test/kserve/inferenceservice/llama"])[k]; ok {
			t.Errorf("inferenceservice has %s = %v, want it unknown", k, v)
		}
	}
	// A literal credential value in a pod spec never reaches the inventory.
	if b, _ := json.Marshal(inv); strings.Contains(string(b), "placeholder-not-a-key") {
		t.Error("the literal OPENAI_API_KEY value of the ollama Deployment is in the inventory")
	}
	if a := byID["k8s://test/llm/deployment/vllm"]; a.Owner != "ml-platform" || a.Model == nil || a.Model.Publisher != "meta-llama" {
		t.Errorf("vllm owner %q model %+v", a.Owner, a.Model)
	}

	sf := map[string]any{}
	for _, s := range inv.ScopeFacts {
		for _, f := range s.Facts {
			sf[f.Key] = f.Value
		}
	}
	wantScope := map[string]any{
		"admission.requires_labels": true, "admission.verifies_image_signatures": false, "admission.requires_pinned_images": false,
		"admission.policies": []string{"vap:require-owner-label"}, "cluster.version": apiserver.Version,
	}
	for k, v := range wantScope {
		if d := cmp.Diff(v, sf[k]); d != "" {
			t.Errorf("scope fact %s (-want +got):\n%s", k, d)
		}
	}
	if ai, _ := sf["cluster.ai_resources"].([]string); !slices.Contains(ai, "InferenceService.serving.kserve.io") || !slices.Contains(ai, "RayService.ray.io") {
		t.Errorf("cluster.ai_resources = %v", sf["cluster.ai_resources"])
	}

	// The audit log: only get/list/watch, on exactly the ClusterRole's resources, page by page.
	events, err := s.Audit("system:serviceaccount:aisight:aisight", started)
	if err != nil {
		t.Fatal(err)
	}
	if len(events) == 0 {
		t.Fatal("no audit events for the collector's service account")
	}
	listed := map[string]bool{}
	continued := 0
	for _, e := range events {
		if e.Verb != "get" && e.Verb != "list" && e.Verb != "watch" {
			t.Errorf("collector sent %s %s", e.Verb, e.RequestURI)
		}
		if e.ResponseStatus != nil && e.ResponseStatus.Code >= 400 {
			t.Errorf("collector got %d for %s", e.ResponseStatus.Code, e.RequestURI)
		}
		if e.ObjectRef != nil && e.Verb == "list" {
			listed[e.ObjectRef.APIGroup+"/"+e.ObjectRef.Resource] = true
			if strings.Contains(e.RequestURI, "continue=") {
				continued++
			}
		}
	}
	if continued == 0 {
		t.Error("no list request followed a continue token: pagination not exercised")
	}
	if run.APICalls < int64(len(events)) {
		t.Errorf("run counted %d API calls, audit log has %d", run.APICalls, len(events))
	}
	granted := clusterRoleResources(t)
	var got, wantRes []string
	for r := range listed {
		got = append(got, r)
	}
	for r := range granted {
		wantRes = append(wantRes, r)
	}
	sort.Strings(got)
	sort.Strings(wantRes)
	if d := cmp.Diff(wantRes, got); d != "" {
		t.Errorf("resources listed vs the shipped ClusterRole (-role +listed):\n%s", d)
	}
}

// expectedWorkloads is the ground truth of testdata/estate.yaml: the IDs of
// the objects annotated aisight.test/expect: ai-workload, sorted.
// expectedAssets counts what the collector must report of the estate: its
// AI workloads and its cloud AI resources declared through controllers.
func expectedAssets(t *testing.T, cluster string) int {
	t.Helper()
	return len(expectedWorkloads(t, cluster)) + len(expectedMarked(t, cluster, "cloud-ai"))
}

func expectedWorkloads(t *testing.T, cluster string) []string {
	t.Helper()
	return expectedMarked(t, cluster, "ai-workload")
}

func expectedMarked(t *testing.T, cluster, mark string) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, doc := range strings.Split(string(b), "\n---") {
		var obj struct {
			Kind     string `yaml:"kind"`
			Metadata struct {
				Name        string            `yaml:"name"`
				Namespace   string            `yaml:"namespace"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"metadata"`
		}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("estate.yaml: %v", err)
		}
		if obj.Metadata.Annotations["aisight.test/expect"] == mark {
			out = append(out, "k8s://"+cluster+"/"+obj.Metadata.Namespace+"/"+strings.ToLower(obj.Kind)+"/"+obj.Metadata.Name)
		}
	}
	sort.Strings(out)
	return out
}

// TestEveryKubeFactIsDocumented fails when the collector emits a fact key
// (asset or scope) that docs/facts.md does not list.
func TestEveryKubeFactIsDocumented(t *testing.T) {
	s := server(t)
	applyEstate(t, s)
	goldentest.FactsDocumented(t, "../../docs/facts.md", collectorAs(t, s, "aisight-docs", "aisight-reader", 500), 35)
}
