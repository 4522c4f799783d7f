package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/output"
	"github.com/aisight/aisight/internal/sim/apiserver"
	sim "github.com/aisight/aisight/internal/sim/aws"
	simazure "github.com/aisight/aisight/internal/sim/azure"
	simgcp "github.com/aisight/aisight/internal/sim/gcp"
	simsaas "github.com/aisight/aisight/internal/sim/saas"
	harness "github.com/aisight/aisight/internal/testenv/kubeharness"
	"github.com/aisight/aisight/internal/testenv/promtest"
)

const urlFixture = "../../testdata/repos/url-credentials"

// readCanaries reads a list of planted secret values (comments and blank
// lines skipped).
func readCanaries(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// leaks returns, per canary, the first of its 12-character windows found in text.
func leaks(text string, canaries []string) []string {
	var out []string
	for _, c := range canaries {
		for i := 0; i+12 <= len(c); i++ {
			if strings.Contains(text, c[i:i+12]) {
				out = append(out, c[:4]+"…"+c[len(c)-3:]+" (as "+c[i:i+12]+")")
				break
			}
		}
	}
	return out
}

// TestCanariesNeverLeave plants secrets in every input every collector
// reads and asserts that no canary, nor any 12-character substring of one,
// appears in any output form or in the debug log:
//
//   - files: keys in code, .env, a notebook cell, MCP env blocks, URLs with
//     userinfo, signed query strings, keys in URL paths and matrix
//     parameters, Git dependency and package index URLs with tokens
//     (testdata/repos/url-credentials, testdata/repos/acme-assistant);
//   - a real cluster: the same manifests applied (storageUri and --model
//     with credentials), a pod env literal, and the kubeconfig's token;
//   - AWS: the secret access key and session token of the caller, and an
//     emulator response carrying a presigned model URL;
//   - OpenAI and Anthropic: the admin keys (environment, file) and the keys
//     behind every hint the emulated admin APIs answer;
//   - GCP: literal keys in a Vertex model's and an Agent Engine's env, a
//     signed Cloud Storage artifact URL, and private key material in a
//     service account key listing;
//   - Azure: literal keys in an online deployment's env, and endpoint
//     keys a peer returned with an online endpoint;
//   - the config file: a Pushgateway URL with a password.
func TestCanariesNeverLeave(t *testing.T) {
	canaries := append(readCanaries(t, "../../testdata/url-credentials-canaries.txt"), readCanaries(t, "../../testdata/planted-secrets.txt")...)
	ctx := context.Background()

	// A real cluster holding the fixture's workloads, scanned with a token.
	s := harness.Private(t)
	cat, err := fingerprint.Load()
	if err != nil {
		t.Fatal(err)
	}
	var crds []apiserver.CRD
	for _, r := range cat.ServingResources {
		crds = append(crds, apiserver.CRD{Group: r.Group, Version: r.Version, Kind: r.Kind, Plural: r.Plural, ClusterScoped: r.ClusterScoped})
	}
	if err := s.Apply(ctx, apiserver.CRDManifest(crds...)); err != nil {
		t.Fatal(err)
	}
	manifests := "apiVersion: v1\nkind: Namespace\nmetadata: {name: kserve}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: llm}\n---\n" +
		"apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: vllm, namespace: llm}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: kserve-sa, namespace: kserve}\n"
	for _, f := range []string{"deploy/inferenceservice.yaml", "deploy/vllm.yaml"} {
		b, err := os.ReadFile(filepath.Join(urlFixture, f))
		if err != nil {
			t.Fatal(err)
		}
		manifests += "---\n" + string(b)
	}
	role, err := os.ReadFile("../../deploy/kubernetes/base/clusterrole.yaml")
	if err != nil {
		t.Fatal(err)
	}
	manifests += "---\n" + string(role) + "\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: aisight}\n" +
		"roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: aisight-reader}\nsubjects: [{kind: ServiceAccount, name: aisight, namespace: aisight}]\n"
	token, err := s.ServiceAccountToken(ctx, "aisight", "aisight")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(ctx, []byte(manifests)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	kc := filepath.Join(dir, "kubeconfig")
	if err := s.WriteKubeconfig(kc, map[string]string{"lab": token}); err != nil {
		t.Fatal(err)
	}
	canaries = append(canaries, token)

	// AWS: canary credentials, and a presigned model URL in a response.
	estate, err := sim.LoadEstate("../../collectors/aws/testdata/org.yaml")
	if err != nil {
		t.Fatal(err)
	}
	estate.Faults = sim.Faults{}
	const presign, awsSecret, awsSession = "CanaryAwsPresignSig1032547698badcfe", "CanaryAwsSecretKey/0123456789abcdefEXAMPLEkey", "CanaryAwsSessionToken1032547698badcfehgji"
	estate.Accounts[0].Regions["us-east-1"].Models[0].ModelData = "https://models.s3.us-east-1.amazonaws.com/churn/model.tar.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=" + presign
	srv := sim.Start(estate)
	defer srv.Close()
	for k, v := range map[string]string{
		"AISIGHT_AWS": "", "AISIGHT_KUBE": "", "AWS_ENDPOINT_URL": srv.URL, "AWS_ACCESS_KEY_ID": sim.AccessKeyID("111111111111"),
		"AWS_SECRET_ACCESS_KEY": awsSecret, "AWS_SESSION_TOKEN": awsSession, "AWS_REGION": "us-east-1",
		"AWS_CONFIG_FILE": filepath.Join(dir, "c"), "AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "k"),
	} {
		t.Setenv(k, v)
	}
	canaries = append(canaries, presign, awsSecret, awsSession)

	// OpenAI and Anthropic organisations: admin keys (one from the
	// environment, one from a file) and the full values behind every hint.
	se, err := simsaas.LoadEstate("../../collectors/saas/testdata/orgs.yaml")
	if err != nil {
		t.Fatal(err)
	}
	ssrv := simsaas.Start(se)
	defer ssrv.Close()
	anthropicKey := filepath.Join(dir, "anthropic-admin-key")
	os.WriteFile(anthropicKey, []byte(se.Anthropic.AdminKey), 0o600)
	for k, v := range map[string]string{"AISIGHT_OPENAI": "", "AISIGHT_ANTHROPIC": "", "OPENAI_ADMIN_KEY": se.OpenAI.AdminKey,
		"OPENAI_BASE_URL": ssrv.OpenAIURL, "ANTHROPIC_BASE_URL": ssrv.AnthropicURL} {
		t.Setenv(k, v)
	}
	canaries = append(canaries, readCanaries(t, "../../collectors/saas/testdata/planted.txt")...)

	// GCP: literal credentials in a model container's and an agent's env,
	// a signed Cloud Storage URL, and key material a peer should never send.
	ge, err := simgcp.LoadEstate("../../collectors/gcp/testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	gsrv, err := simgcp.Start(ge)
	if err != nil {
		t.Fatal(err)
	}
	defer gsrv.Close()
	t.Setenv("AISIGHT_GCP", "")
	t.Setenv("AISIGHT_GCP_EMULATOR_HOST", gsrv.Addr)
	canaries = append(canaries, readCanaries(t, "../../collectors/gcp/testdata/planted.txt")...)

	// Azure: literal keys in an online deployment's env and the endpoint
	// keys a peer returned with an online endpoint.
	ae, err := simazure.LoadEstate("../../collectors/azure/testdata/estate.yaml")
	if err != nil {
		t.Fatal(err)
	}
	asrv := simazure.Start(ae)
	defer asrv.Close()
	caFile := filepath.Join(dir, "azure-emulator.pem")
	if err := asrv.WriteCert(caFile); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AISIGHT_AZURE", "")
	t.Setenv("AISIGHT_AZURE_EMULATOR_URL", asrv.URL)
	t.Setenv("AISIGHT_AZURE_EMULATOR_CA", caFile)
	canaries = append(canaries, readCanaries(t, "../../collectors/azure/testdata/planted.txt")...)

	// A config file with a Pushgateway password.
	stack := promtest.Start(t)
	const pushPassword = "CanaryPushPassword-77aa99bbcc"
	canaries = append(canaries, pushPassword)
	pushURL := strings.Replace(stack.PushgatewayURL, "http://", "http://pusher:"+pushPassword+"@", 1)
	common := "log-level: debug\nno-ignore: true\nanthropic-admin-key-file: " + anthropicKey + "\nkube: on\nkubeconfig: " + kc + "\naws: on\naws-org: true\naws-role-name: aisight-readonly\naws-regions: [us-east-1]\n"
	scanCfg := filepath.Join(dir, "scan.yaml")
	if err := os.WriteFile(scanCfg, []byte(common+"push-gateway: "+pushURL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	forms := map[string]string{}
	for _, format := range output.Formats {
		out, metricsFile := filepath.Join(dir, "out."+format), filepath.Join(dir, "m.prom")
		r := runCLI(t, "scan", "--config", scanCfg, "-o", format, "--out", out, "--metrics-file", metricsFile, urlFixture, fixture)
		if r.code != exitOK && r.code != exitIncomplete {
			t.Fatalf("scan -o %s: exit %d\n%s", format, r.code, r.stderr)
		}
		b, _ := os.ReadFile(out)
		m, _ := os.ReadFile(metricsFile)
		forms["--out ("+format+")"] = string(b)
		forms["debug log (scan -o "+format+")"] = r.stderr
		forms["--metrics-file"] = string(m)
		r = runCLI(t, "scan", "--config", scanCfg, "-o", format, urlFixture, fixture)
		forms["stdout (-o "+format+")"] = r.stdout
	}
	_, pushed := get(t, stack.PushgatewayURL+"/metrics")
	forms["Pushgateway (pushed body)"] = pushed

	// serve: its log, /metrics and /api/v1/assessment.
	serveCfg := filepath.Join(dir, "serve.yaml")
	if err := os.WriteFile(serveCfg, []byte(common+"api-detail: true\n"), 0o600); err != nil { // the most revealing form
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	var stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(sctx, []string{"serve", "--config", serveCfg, "--listen", "127.0.0.1:0", "--interval", "1h", urlFixture, fixture}, strings.NewReader(""), io.Discard, &stderr)
	}()
	base := waitAddr(t, stderr.String)
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if code, _ := get(t, base+"/readyz"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("serve's first scan did not finish")
		}
	}
	_, forms["serve /metrics"] = get(t, base+"/metrics")
	_, forms["serve /api/v1/assessment"] = get(t, base+"/api/v1/assessment")
	cancel()
	<-done
	forms["serve debug log"] = stderr.String()

	// The outputs hold findings from every input, so the test proves something.
	api := forms["serve /api/v1/assessment"]
	for _, want := range []string{"k8s://lab/kserve/inferenceservice/llama-private", "https://models.internal.example/llama-3.1-8b.tar.gz",
		"file://url-credentials/.mcp.json#mcp:hosted-search", "arn:aws:sagemaker:us-east-1:111111111111:model/churn-xgb", "sha256_prefix",
		"https://models.s3.us-east-1.amazonaws.com/churn/model.tar.gz", "openai://projects/proj_chat/api_keys/key_chat_sa",
		"anthropic://api_keys/apikey_01LIVE", "//aiplatform.googleapis.com/projects/ml-prod/locations/us-central1/reasoningEngines/2001#key-",
		"https://storage.googleapis.com/ml-prod-models/fraud/model.bst", "gcp_service_account_key",
		"onlineEndpoints/ep-llm/deployments/green#key-", "azure_cognitive_account_key"} {
		if !strings.Contains(api, want) {
			t.Errorf("the assessment lacks %s: the canaries' inputs were not all scanned", want)
		}
	}
	names := make([]string, 0, len(forms))
	for name, text := range forms {
		names = append(names, name)
		if text == "" {
			t.Errorf("%s is empty", name)
		}
		for _, l := range leaks(text, canaries) {
			t.Errorf("%s leaks %s", name, l)
		}
	}
	sort.Strings(names)
	t.Logf("%d canaries checked in %d output forms:\n  %s", len(canaries), len(names), strings.Join(names, "\n  "))
}
