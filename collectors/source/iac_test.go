package source

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aisight/aisight/model"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestDeclaredCloudAI: AI resources declared as code become PaaS assets
// of the live kinds, named by their address, located at their
// declaration, with their facts; examples are listed, not scored; a
// module loop makes the scope partial.
func TestDeclaredCloudAI(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"infra/main.tf": `
provider "aws" {
  region = "eu-west-1"
}
module "agent" {
  source = "./modules/agent"
  model  = "anthropic.claude-3-5-sonnet-20240620-v1:0"
}
resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}`,
		"infra/modules/agent/main.tf": `
variable "model" {}
resource "aws_bedrockagent_agent" "this" {
  agent_name       = "support"
  foundation_model = var.model
  tags = {
    Owner = "ml-platform"
  }
}`,
		"examples/cfn/template.yaml": "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n",
		"loop/main.tf":               "module \"self\" {\n  source = \"../loop\"\n}\n",
		"root.tf":                    "module \"l\" {\n  source = \"./loop\"\n}\n",
	})
	inv := scan(t, Options{Paths: []string{dir}})
	label := filepath.Base(dir)
	assets := byID(inv)
	agent, ok := assets["file://"+label+"/infra#module.agent.aws_bedrockagent_agent.this"]
	if !ok {
		t.Fatalf("the agent declared in a module is missing: %v", keys(assets))
	}
	if agent.Kind != model.KindAgent || agent.DeploymentType != model.PaaS || agent.Provider != Name || agent.Name != "support" ||
		agent.Region != "eu-west-1" || agent.Owner != "ml-platform" || agent.Location == nil || agent.Location.Path != "infra/modules/agent/main.tf" || agent.Location.Line != 3 {
		t.Errorf("agent %+v at %+v", agent, agent.Location)
	}
	for k, v := range map[string]any{"agent.foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0", "guardrail.attached": false,
		"iac.form": "terraform", "iac.cloud": "aws", "source.context": "production"} {
		if got := factValue(agent, k); got != v {
			t.Errorf("agent %s = %v, want %v", k, got, v)
		}
	}
	nb, ok := assets["file://"+label+"/examples/cfn/template.yaml#Nb"]
	if !ok || nb.Kind != model.KindNotebook || factValue(nb, "source.context") != "example" {
		t.Errorf("example notebook %+v", nb)
	}
	for id := range assets {
		if strings.Contains(id, "logs") {
			t.Errorf("a bucket is not AI: %s", id)
		}
	}
	r := inv.Scan.CollectorRuns[0]
	if r.Status != model.StatusPartial || !strings.Contains(r.Error, "loop/main.tf") {
		t.Errorf("a module loop must make the scope partial and name the file: %s %q", r.Status, r.Error)
	}
}

func keys(m map[string]model.Asset) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestBicepAndItsCompiledTemplateOnce: an ARM template the Bicep compiler
// generated beside its source declares the same resources; they are
// reported once (from the source). Without its source, the template counts.
func TestBicepAndItsCompiledTemplateOnce(t *testing.T) {
	compiled := `{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
 "metadata": {"_generator": {"name": "bicep", "version": "0.36.1.42791"}},
 "resources": [{"type": "Microsoft.CognitiveServices/accounts", "apiVersion": "2024-10-01", "name": "oai", "kind": "OpenAI"}]}`
	src := "resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'oai'\n  kind: 'OpenAI'\n}\n"
	dir := writeTree(t, map[string]string{"infra/main.bicep": src, "infra/main.json": compiled, "other/lone.json": compiled})
	var accounts []string
	for _, a := range scan(t, Options{Paths: []string{dir}}).Assets {
		if a.Kind == model.KindProject {
			accounts = append(accounts, a.Location.Path)
		}
	}
	if len(accounts) != 2 || !slices.Contains(accounts, "infra/main.bicep") || !slices.Contains(accounts, "other/lone.json") {
		t.Errorf("accounts declared at %v, want infra/main.bicep and other/lone.json once each", accounts)
	}
}
