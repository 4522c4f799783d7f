package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aisight/aisight/internal/detect/fingerprint"
	"github.com/aisight/aisight/internal/redact"
	"github.com/aisight/aisight/internal/sim/apiserver"
	"github.com/aisight/aisight/internal/sim/demo"
)

func newDemoCmd(stdout, stderr io.Writer, scrub *redact.Scrubber) *cobra.Command {
	o := newScanOptions()
	o.scrub = scrub
	var withKube bool
	cmd := &cobra.Command{
		Use:   "demo [flags]",
		Short: "Scan an embedded sample estate through local emulators of the clouds and AI providers",
		Long: `Demo shows the whole product on this machine, with no account anywhere: it
starts emulators of AWS (an organisation of 3 accounts with Bedrock agents
and SageMaker endpoints), GCP (Vertex AI endpoints, Agent Engine, Workbench),
Azure (Azure OpenAI deployments, Azure ML endpoints), and the OpenAI and
Anthropic admin APIs on 127.0.0.1, writes an application repository and a
GitOps repository (vLLM, Ollama and KServe manifests, Helm values) to a
temporary directory, points the real collectors at them through their usual
endpoint settings (AWS_ENDPOINT_URL, OPENAI_BASE_URL, ...) and runs a scan.

Every scan flag works: -o html --out report.html, -o cyclonedx, --push-gateway,
--fail-under. The Kubernetes manifests are scanned as files; with
--kube-apiserver the demo also starts a real kube-apiserver (the one the test suite builds: run
'make test' once; it needs etcd), applies the manifests to it and scans it
with the Kubernetes collector. Nothing outside the temporary directory is
read or written, except --out and --metrics-file.`,
		Example: `  aisight demo
  aisight demo -o html --out report.html
  aisight demo -o json --out demo.json && aisight diff demo.json demo.json
  aisight demo --kube-apiserver        # also a real kube-apiserver with the manifests applied`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "aisight-demo-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			est, err := demo.Start(dir)
			if err != nil {
				return err
			}
			defer est.Close()
			env := demoEnv(est, dir)
			est.Args = append(est.Args, "--kube", "off")
			if withKube {
				stop, kubeconfig, err := demoCluster(cmd.Context(), dir, est)
				if err != nil {
					return err
				}
				defer stop()
				env["KUBECONFIG"] = kubeconfig
				est.Args[len(est.Args)-1] = "on"
				est.Args = append(est.Args, "--kube-cluster-name", "demo")
			}
			restore := setEnv(env)
			defer restore()
			f := cmd.Flags()
			for i := 0; i+1 < len(est.Args); i++ {
				name := strings.TrimPrefix(est.Args[i], "--")
				value := "true"
				if !strings.HasPrefix(est.Args[i+1], "--") {
					value = est.Args[i+1]
					i++
				}
				if !f.Changed(name) {
					if err := f.Set(name, value); err != nil {
						return fmt.Errorf("demo: %s: %w", name, err)
					}
				}
			}
			if err := o.load(cmd, est.Paths); err != nil {
				return err
			}
			return runScan(cmd.Context(), o, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&withKube, "kube-apiserver", false, "also start a real kube-apiserver (built by 'make test'; needs etcd), apply the estate's manifests and scan it")
	o.addOutputFlags(f)
	o.addCollectFlags(f)
	groupedHelp(cmd, o.specs)
	return cmd
}

// demoEnv is the estate's settings, and a HOME and KUBECONFIG of the demo's
// own so that nothing of the machine (~/.aws, ~/.kube, gcloud, az) is read.
func demoEnv(est *demo.Estate, dir string) map[string]string {
	env := map[string]string{"HOME": dir, "KUBECONFIG": "", "AZURE_CONFIG_DIR": dir, "CLOUDSDK_CONFIG": dir}
	for k, v := range est.Env {
		env[k] = v
	}
	// AISIGHT_* settings of the caller's environment would change what the
	// demo scans: they are cleared for its duration.
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AISIGHT_") {
			if _, set := env[k]; !set {
				env[k] = ""
			}
		}
	}
	return env
}

// setEnv sets (or, for "", unsets) environment variables and returns a
// function that restores them.
func setEnv(env map[string]string) func() {
	type old struct {
		v  string
		ok bool
	}
	saved := map[string]old{}
	for k, v := range env {
		ov, ok := os.LookupEnv(k)
		saved[k] = old{ov, ok}
		if v == "" {
			os.Unsetenv(k)
		} else {
			os.Setenv(k, v)
		}
	}
	return func() {
		for k, o := range saved {
			if o.ok {
				os.Setenv(k, o.v)
			} else {
				os.Unsetenv(k)
			}
		}
	}
}

// demoCluster starts a kube-apiserver (and etcd) under dir, applies the
// serving CRDs of the catalog and the estate's manifests, and returns a
// kubeconfig for it.
func demoCluster(ctx context.Context, dir string, est *demo.Estate) (stop func(), kubeconfig string, err error) {
	kdir := filepath.Join(dir, "kube")
	if err := os.MkdirAll(kdir, 0o700); err != nil {
		return nil, "", err
	}
	s, err := apiserver.Start(ctx, kdir)
	if err != nil {
		return nil, "", fmt.Errorf("demo --kube-apiserver: %w (make test builds the kube-apiserver once; etcd comes from the etcd-server package)", err)
	}
	cat, err := fingerprint.Load()
	if err != nil {
		s.Stop()
		return nil, "", err
	}
	var crds []apiserver.CRD
	for _, r := range cat.ServingResources {
		crds = append(crds, apiserver.CRD{Group: r.Group, Version: r.Version, Kind: r.Kind, Plural: r.Plural, ClusterScoped: r.ClusterScoped})
	}
	manifest := append(apiserver.CRDManifest(crds...), est.Manifests...)
	if err := s.Apply(ctx, manifest); err != nil {
		s.Stop()
		return nil, "", fmt.Errorf("demo: apply the estate's manifests: %w", err)
	}
	kubeconfig = filepath.Join(dir, "kubeconfig")
	if err := s.WriteKubeconfig(kubeconfig, map[string]string{"demo": s.AdminToken}); err != nil {
		s.Stop()
		return nil, "", err
	}
	return s.Stop, kubeconfig, nil
}
