// Package demo runs the whole product on one machine: it starts the
// emulators of internal/sim on loopback, seeded from an embedded
// sample estate (an AWS organisation, a GCP organisation, an Azure tenant,
// OpenAI and Anthropic organisations), writes the estate's repositories (an
// application repository and a GitOps repository with vLLM, Ollama and
// KServe manifests) to a directory, and returns the settings that point
// the real collectors at the emulators: the same endpoint settings a user
// has for VPC endpoints and proxies (AWS_ENDPOINT_URL, the providers' base
// URLs, the GCP and Azure emulator settings). It owns the estate files
// under estate/ and nothing else; `aisight demo` (cmd/aisight) runs a scan
// with these settings.
package demo

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	simaws "github.com/aisight/aisight/internal/sim/aws"
	simazure "github.com/aisight/aisight/internal/sim/azure"
	simgcp "github.com/aisight/aisight/internal/sim/gcp"
	simsaas "github.com/aisight/aisight/internal/sim/saas"
)

//go:embed all:estate
var estate embed.FS

// Repos are the estate's file trees, scanned by the source collector.
var Repos = []string{"support-bot", "platform-gitops", "ai-infra"}

// Estate is a running demo estate.
type Estate struct {
	// Dir holds the repositories, the emulators' certificate and empty
	// cloud configuration files (so nothing of the machine's is read).
	Dir string
	// Env are the settings that point the collectors at the emulators.
	Env map[string]string
	// Args are the scan flags the estate needs (the AWS organisation's role).
	Args []string
	// Paths are the repositories to scan.
	Paths []string
	// Manifests are the GitOps repository's Kubernetes objects with the
	// namespaces they need, for a cluster (aisight demo --kube-apiserver).
	Manifests []byte
	// The running emulators (their call logs and lower bounds).
	AWS   *simaws.Server
	GCP   *simgcp.Server
	Azure *simazure.Server
	SaaS  *simsaas.Server

	closers []func()
}

// Estates are what the emulators serve.
type Estates struct {
	AWS   *simaws.Estate
	GCP   *simgcp.Estate
	Azure *simazure.Estate
	SaaS  *simsaas.Estate
}

// SampleEstates parses the embedded sample estate (a fresh copy each call).
func SampleEstates() (Estates, error) {
	read := func(name string) []byte {
		b, err := estate.ReadFile("estate/" + name)
		if err != nil {
			panic(err) // embedded: present by construction
		}
		return b
	}
	var es Estates
	var err error
	if es.AWS, err = simaws.ParseEstate(read("aws.yaml")); err != nil {
		return es, fmt.Errorf("demo AWS estate: %w", err)
	}
	if es.GCP, err = simgcp.ParseEstate(read("gcp.yaml")); err != nil {
		return es, fmt.Errorf("demo GCP estate: %w", err)
	}
	if es.Azure, err = simazure.ParseEstate(read("azure.yaml")); err != nil {
		return es, fmt.Errorf("demo Azure estate: %w", err)
	}
	if es.SaaS, err = simsaas.ParseEstate(read("saas.yaml")); err != nil {
		return es, fmt.Errorf("demo SaaS estate: %w", err)
	}
	return es, nil
}

// Start writes the sample estate under dir (which must exist and be empty)
// and starts its emulators on 127.0.0.1.
func Start(dir string) (*Estate, error) {
	es, err := SampleEstates()
	if err != nil {
		return nil, err
	}
	return StartWith(dir, es)
}

// StartWith writes the repositories under dir and starts emulators serving
// es (the scale benchmark's grown estates) on 127.0.0.1.
func StartWith(dir string, es Estates) (_ *Estate, err error) {
	e := &Estate{Dir: dir, Env: map[string]string{}}
	defer func() {
		if err != nil {
			e.Close()
		}
	}()
	if err := writeTree(dir); err != nil {
		return nil, err
	}

	aws := es.AWS
	awsSrv := simaws.Start(aws)
	e.AWS = awsSrv
	e.closers = append(e.closers, awsSrv.Close)
	awsDir := filepath.Join(dir, "aws")
	if err := os.MkdirAll(awsDir, 0o700); err != nil {
		return nil, err
	}
	// A default profile of the demo's own: the machine's AWS_PROFILE
	// (which the SDK reads from the process) is overridden, not followed
	// into files that do not have it.
	for f, body := range map[string]string{"config": "[default]\n", "credentials": ""} {
		if err := os.WriteFile(filepath.Join(awsDir, f), []byte(body), 0o600); err != nil {
			return nil, err
		}
	}
	e.set("AWS_ENDPOINT_URL", awsSrv.URL)
	e.set("AWS_ACCESS_KEY_ID", simaws.AccessKeyID(aws.Organization.Management))
	e.set("AWS_SECRET_ACCESS_KEY", "emulated")
	e.set("AWS_SESSION_TOKEN", "")
	e.set("AWS_REGION", "us-east-1")
	e.set("AWS_PROFILE", "default")
	e.set("AWS_CONFIG_FILE", filepath.Join(awsDir, "config"))
	e.set("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(awsDir, "credentials"))
	e.Args = append(e.Args, "--aws-org", "--aws-role-name", "aisight-readonly")

	gcpSrv, err := simgcp.Start(es.GCP)
	if err != nil {
		return nil, fmt.Errorf("demo GCP emulator: %w", err)
	}
	e.GCP = gcpSrv
	e.closers = append(e.closers, gcpSrv.Close)
	e.set("AISIGHT_GCP_EMULATOR_HOST", gcpSrv.Addr)
	e.set("GOOGLE_APPLICATION_CREDENTIALS", "")

	azSrv := simazure.Start(es.Azure)
	e.Azure = azSrv
	e.closers = append(e.closers, azSrv.Close)
	ca := filepath.Join(dir, "azure-emulator-ca.pem")
	if err := azSrv.WriteCert(ca); err != nil {
		return nil, err
	}
	e.set("AISIGHT_AZURE_EMULATOR_URL", azSrv.URL)
	e.set("AISIGHT_AZURE_EMULATOR_CA", ca)

	saas := es.SaaS
	saasSrv := simsaas.Start(saas)
	e.SaaS = saasSrv
	e.closers = append(e.closers, saasSrv.Close)
	e.set("OPENAI_BASE_URL", saasSrv.OpenAIURL)
	e.set("ANTHROPIC_BASE_URL", saasSrv.AnthropicURL)
	e.set("OPENAI_ADMIN_KEY", saas.OpenAI.AdminKey)
	e.set("ANTHROPIC_ADMIN_KEY", saas.Anthropic.AdminKey)
	if saas.HuggingFace != nil {
		e.set("HF_TOKEN", saas.HuggingFace.Token)
		e.set("HF_ENDPOINT", saasSrv.HuggingFaceURL)
		e.set("AISIGHT_HF_ENDPOINTS_URL", saasSrv.HFEndpointsURL)
	}
	if saas.GitHub != nil {
		e.set("GH_TOKEN", saas.GitHub.Token)
		e.set("GITHUB_API_URL", saasSrv.GitHubURL)
		e.set("GITHUB_ACTIONS", "")
	}

	for _, r := range Repos {
		e.Paths = append(e.Paths, filepath.Join(dir, "estate", "repos", r))
	}
	if e.Manifests, err = manifests(); err != nil {
		return nil, err
	}
	return e, nil
}

// manifests are the GitOps repository's Kubernetes objects (apps/), after
// the namespaces they live in.
func manifests() ([]byte, error) {
	out := []byte("apiVersion: v1\nkind: Namespace\nmetadata: {name: llm}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: kserve}\n---\n")
	err := fs.WalkDir(estate, "estate/repos/platform-gitops/apps", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := estate.ReadFile(p)
		out = append(append(out, b...), "\n---\n"...)
		return err
	})
	return out, err
}

func (e *Estate) set(k, v string) { e.Env[k] = v }

// Close stops the emulators (the directory is the caller's).
func (e *Estate) Close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
}

// writeTree copies the embedded estate under dir/estate.
func writeTree(dir string) error {
	if entries, err := os.ReadDir(dir); err != nil {
		return err
	} else if len(entries) > 0 {
		return errors.New("demo: " + dir + " is not empty")
	}
	return fs.WalkDir(estate, "estate", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		target := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		b, err := estate.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}
