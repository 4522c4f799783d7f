package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/aisight/aisight/internal/pipeline"
	"github.com/aisight/aisight/internal/redact"
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
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := os.MkdirTemp("", "aisight-demo-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			d, err := pipeline.StartDemo(cmd.Context(), dir, withKube)
			if err != nil {
				return err
			}
			defer d.Close()
			if err := setUnchanged(cmd.Flags(), d.Args); err != nil {
				return err
			}
			// AISIGHT_* settings of the caller's environment would change
			// what the demo scans: only flags and --config apply.
			if err := o.load(cmd, d.Paths, d.Env.Getenv); err != nil {
				return err
			}
			d.Env.Secret = o.scrub.Register
			return runScan(cmd.Context(), o, d.Env, stdout, stderr)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&withKube, "kube-apiserver", false, "also start a real kube-apiserver (built by 'make test'; needs etcd), apply the estate's manifests and scan it")
	o.addOutputFlags(f)
	o.addCollectFlags(f)
	groupedHelp(cmd, o.specs)
	return cmd
}

// setUnchanged sets the flags of args ("--name value" or "--name" alone)
// that the command line left unset.
func setUnchanged(f *pflag.FlagSet, args []string) error {
	for i := 0; i < len(args); i++ {
		name := strings.TrimPrefix(args[i], "--")
		value := "true"
		if i+1 < len(args) && !strings.HasPrefix(args[i+1], "--") {
			value = args[i+1]
			i++
		}
		if !f.Changed(name) {
			if err := f.Set(name, value); err != nil {
				return fmt.Errorf("demo: %s: %w", name, err)
			}
		}
	}
	return nil
}
