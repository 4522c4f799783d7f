package iac

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
)

// These inputs are written here (not corpus files): each pins one rule of
// a reader, including the hostile cases a pull-request author controls.

func load(t *testing.T) *Catalog {
	t.Helper()
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func facts(r Resource) map[string]any {
	m := map[string]any{}
	for _, f := range r.Facts {
		m[f.Key] = f.Value
	}
	return m
}

func one(t *testing.T, c *Catalog, units []Unit) Resource {
	t.Helper()
	var all []Resource
	for i := range units {
		all = append(all, c.Resources(&units[i])...)
	}
	if len(all) != 1 {
		t.Fatalf("want one resource, got %d: %+v", len(all), all)
	}
	return all[0]
}

func tf(t *testing.T, files map[string]string) TerraformResult {
	t.Helper()
	var fs []*TFFile
	for p, src := range files {
		f, err := ParseTerraform(p, []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, f)
	}
	return TerraformUnits(fs)
}

// byAddress reads every unit's AI resources, by address.
func byAddress(c *Catalog, units []Unit) map[string]Resource {
	got := map[string]Resource{}
	for i := range units {
		for _, r := range c.Resources(&units[i]) {
			got[r.Address] = r
		}
	}
	return got
}

func want(t *testing.T, r Resource, exp map[string]any, unknown ...string) {
	t.Helper()
	got := facts(r)
	for k, v := range exp {
		if fmt.Sprint(got[k]) != fmt.Sprint(v) {
			t.Errorf("%s: %s = %v, want %v", r.Address, k, got[k], v)
		}
	}
	for _, k := range unknown {
		if v, ok := got[k]; ok {
			t.Errorf("%s: %s = %v, want unknown", r.Address, k, v)
		}
	}
}

func TestTerraformValues(t *testing.T) {
	c := load(t)
	res := tf(t, map[string]string{
		"main.tf": `
variable "public" { default = false }
variable "kms" {}
locals { kind = lower("OPENAI") }
provider "azurerm" {
  features {}
}
resource "azurerm_cognitive_account" "a" {
  name = "acct"
  kind = local.kind == "openai" ? "OpenAI" : "x"
  sku_name = "S0"
  location = "westeurope"
  public_network_access_enabled = var.public
  local_auth_enabled = file("secret.txt") == "" # a file function: unknown
  customer_managed_key { key_vault_key_id = var.kms }
}
resource "azurerm_cognitive_account" "zero" {
  count = 0
  name = "never"
  kind = "OpenAI"
  sku_name = "S0"
}`,
		"terraform.tfvars": `public = true`,
	})
	r := one(t, c, res.Units)
	want(t, r, map[string]any{"azure.kind": "OpenAI", "network.public_access": true, "encryption.cmek": true, "iac.conditional": false},
		"auth.local_auth_disabled")
	if r.Region != "westeurope" || r.Name != "acct" {
		t.Errorf("name %q region %q", r.Name, r.Region)
	}
}

func TestTerraformModulesAndLimits(t *testing.T) {
	c := load(t)
	res := tf(t, map[string]string{
		"root/main.tf": `
module "agent" {
  source = "../mod"
  model  = "anthropic.claude-3-5-sonnet-20240620-v1:0"
}
module "loop" {
  source = "../loop"
}
module "registry" {
  source  = "aws-ia/bedrock/aws"
  version = "0.0.31"
  foundation_model = "amazon.nova-pro-v1:0"
  create_guardrail = true
}`,
		"mod/main.tf": `
variable "model" {}
resource "aws_bedrockagent_agent" "this" {
  agent_name = "support"
  foundation_model = var.model
  agent_resource_role_arn = aws_iam_role.r.arn
}`,
		// A module that calls itself: followed to the depth limit, then named.
		"loop/main.tf": `module "down" { source = "../loop" }`,
	})
	if len(res.Truncated) == 0 {
		t.Error("a module calling itself must be cut and named")
	}
	var agents []Resource
	for i := range res.Units {
		agents = append(agents, c.Resources(&res.Units[i])...)
	}
	if len(agents) != 2 {
		t.Fatalf("want the module's agent and the registry module's, got %d", len(agents))
	}
	for _, a := range agents {
		switch a.Address {
		case "module.agent.aws_bedrockagent_agent.this":
			want(t, a, map[string]any{"agent.foundation_model": "anthropic.claude-3-5-sonnet-20240620-v1:0", "guardrail.attached": false}, "identity.role")
			if a.File != "mod/main.tf" {
				t.Errorf("location %s, want the module's file", a.File)
			}
		case "module.registry":
			want(t, a, map[string]any{"agent.foundation_model": "amazon.nova-pro-v1:0", "guardrail.attached": true, "iac.form": FormModule})
		default:
			t.Errorf("unexpected %s", a.Address)
		}
	}
}

func TestTerraformDynamicBlocksAreUnknown(t *testing.T) {
	c := load(t)
	res := tf(t, map[string]string{"main.tf": `
resource "aws_bedrockagent_agent" "a" {
  agent_name = "a"
  dynamic "guardrail_configuration" {
    for_each = var.guardrails
    content { guardrail_identifier = guardrail_configuration.value }
  }
}`})
	want(t, one(t, c, res.Units), nil, "guardrail.attached")
}

func TestAzAPIAndPlan(t *testing.T) {
	c := load(t)
	res := tf(t, map[string]string{"main.tf": `
resource "azapi_resource" "acct" {
  type = "Microsoft.CognitiveServices/accounts@2024-10-01"
  name = "oai"
  location = "swedencentral"
  body = {
    kind = "OpenAI"
    sku = { name = "S0" }
    properties = { publicNetworkAccess = "Disabled", disableLocalAuth = true }
  }
}
resource "azapi_resource" "other" {
  type = "Microsoft.Storage/storageAccounts@2023-01-01"
  name = "st"
  body = jsonencode({ kind = "StorageV2" })
}`})
	r := one(t, c, res.Units)
	want(t, r, map[string]any{"iac.form": FormARM, "network.public_access": false, "auth.local_auth_disabled": true, "azure.kind": "OpenAI"})

	plan := `{"format_version":"1.2","planned_values":{"root_module":{"resources":[
	 {"address":"aws_sagemaker_notebook_instance.nb","mode":"managed","type":"aws_sagemaker_notebook_instance","name":"nb",
	  "values":{"name":"nb","instance_type":"ml.t3.medium","root_access":"Disabled","direct_internet_access":"Enabled"}},
	 {"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","values":{"bucket":"x"}}],
	 "child_modules":[{"address":"module.m","resources":[
	 {"address":"module.m.aws_bedrock_guardrail.g","mode":"managed","type":"aws_bedrock_guardrail","name":"g","values":{"name":"g"}}]}]}},
	 "resource_changes":[{"address":"aws_sagemaker_notebook_instance.nb","change":{"after_unknown":{"kms_key_id":true}}},
	  {"address":"module.m.aws_bedrock_guardrail.g","change":{"after_unknown":{"content_policy_config":true}}}]}`
	units, err := c.ReadFile("plan.json", []byte(plan))
	if err != nil {
		t.Fatal(err)
	}
	var got []Resource
	for i := range units {
		got = append(got, c.Resources(&units[i])...)
	}
	if len(got) != 2 {
		t.Fatalf("plan: want 2 AI resources, got %d", len(got))
	}
	for _, r := range got {
		switch r.Type {
		case "aws_sagemaker_notebook_instance":
			// kms_key_id is known only after apply: unknown, not "no key".
			want(t, r, map[string]any{"notebook.root_access": false, "notebook.direct_internet": true}, "encryption.cmek")
		case "aws_bedrock_guardrail":
			want(t, r, map[string]any{"guardrail.pii_filter": false}, "guardrail.content_filters")
		}
	}
}

func TestCloudFormationTagsAndParameters(t *testing.T) {
	c := load(t)
	src := `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Model: {Type: String, Default: anthropic.claude-3-haiku-20240307-v1:0}
  Key: {Type: String}
Conditions:
  Prod: !Equals [!Ref AWS::AccountId, "1"]
Resources:
  Guard:
    Type: AWS::Bedrock::Guardrail
    Properties:
      Name: g
      ContentPolicyConfig:
        FiltersConfig: [{Type: HATE}, {Type: VIOLENCE}]
  Agent:
    Type: AWS::Bedrock::Agent
    Condition: Prod
    Properties:
      AgentName: !Sub "${AWS::StackName}-agent"
      FoundationModel: !Ref Model
      CustomerEncryptionKeyArn: !Ref Key
      GuardrailConfiguration:
        GuardrailIdentifier: !GetAtt Guard.GuardrailId
`
	units, err := c.ReadFile("template.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var agent, guard Resource
	for _, r := range c.Resources(&units[0]) {
		switch r.Type {
		case "AWS::Bedrock::Agent":
			agent = r
		case "AWS::Bedrock::Guardrail":
			guard = r
		}
	}
	want(t, guard, map[string]any{"guardrail.content_filters": 2})
	want(t, agent, map[string]any{"agent.foundation_model": "anthropic.claude-3-haiku-20240307-v1:0", "guardrail.attached": true, "iac.conditional": true},
		"encryption.cmek") // a parameter without a default: unknown
	if len(agent.Relations) != 1 || agent.Relations[0].Target != "Guard" {
		t.Errorf("agent relations %+v, want guarded_by Guard", agent.Relations)
	}
}

func TestBicepAndPulumi(t *testing.T) {
	c := load(t)
	res, errs := BicepUnits([]*BicepFile{NewBicepFile("infra/main.bicep", []byte(`
param local bool = true
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-${uniqueString(resourceGroup().id)}'
  kind: 'OpenAI'
  properties: {
    disableLocalAuth: !local
    publicNetworkAccess: 'Disabled'
  }
  sku: { name: 'S0' }
  resource gpt 'deployments' = {
    name: 'gpt-4o'
    sku: { name: 'GlobalStandard', capacity: 10 }
    properties: {
      model: { format: 'OpenAI', name: 'gpt-4o', version: '2024-11-20' }
      raiPolicyName: 'strict'
    }
  }
}
resource old 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = { name: 'legacy' }
param deployments array
resource deployment 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [for deployment in deployments: {
  parent: acct
  name: deployment.name
  properties: { raiPolicyName: deployment.rai }
}]
`))})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var got []Resource
	for i := range res.Units {
		got = append(got, c.Resources(&res.Units[i])...)
	}
	if len(got) != 3 {
		t.Fatalf("bicep: want account and two deployments (not the existing one), got %d", len(got))
	}
	for _, r := range got {
		switch r.Address {
		case "acct":
			want(t, r, map[string]any{"network.public_access": false}, "auth.local_auth_disabled")
		case "deployment": // the loop variable shadows the symbol: unknown, not a reference
			want(t, r, map[string]any{"iac.conditional": true}, "guardrail.attached", "guardrail.policy")
		case "gpt":
			want(t, r, map[string]any{"deployment.sku": "GlobalStandard", "guardrail.policy": "strict", "guardrail.attached": true})
			if r.Model == nil || r.Model.Name != "gpt-4o" || len(r.Relations) != 1 {
				t.Errorf("deployment model %+v relations %+v", r.Model, r.Relations)
			}
		}
	}

	units, err := c.ReadFile("Pulumi.yaml", []byte(`name: nb
runtime: yaml
variables:
  size: ml.t3.medium
resources:
  role:
    type: aws:iam:Role
  nb:
    type: aws:sagemaker/notebookInstance:NotebookInstance
    properties:
      instanceType: ${size}
      roleArn: ${role.arn}
      rootAccess: Disabled
      kmsKeyId:
        fn::invoke: {function: aws:kms:getKey, arguments: {keyId: alias/x}}
`))
	if err != nil {
		t.Fatal(err)
	}
	r := one(t, c, units)
	want(t, r, map[string]any{"compute.machine_type": "ml.t3.medium", "notebook.root_access": false, "notebook.direct_internet": true}, "encryption.cmek")
}

func TestHostileInputIsBounded(t *testing.T) {
	c := load(t)
	// A YAML alias bomb in a CloudFormation template: stops at the node
	// budget with an error, quickly.
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: x\nResources:\n  A:\n    Type: AWS::Bedrock::Guardrail\n    Properties:\n      a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "      a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	start := time.Now()
	_, err := c.ReadFile("bomb.yaml", []byte(b.String()))
	if err == nil {
		t.Error("an alias bomb must be reported")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("alias bomb took %s", d)
	}
	// A Pulumi program of a great many resources is read to its end, with
	// each resource's line.
	var ts strings.Builder
	ts.WriteString("import * as aws from \"@pulumi/aws\";\n")
	for i := 0; i < 60_000; i++ {
		fmt.Fprintf(&ts, "new aws.sagemaker.Model(\"m%d\", {});\n", i)
	}
	units, _ := c.ReadFile("index.ts", []byte(ts.String()))
	if len(units) != 1 || len(units[0].Declared) < 50_000 || units[0].Declared[50_000-1].Line != 50_000+1 {
		t.Errorf("a large program's resources were not all read with their lines")
	}
	// Bicep: a file nested past the budget is an error, not a crash.
	deep := "resource a 'Microsoft.CognitiveServices/accounts@x' = {\n  p: " + strings.Repeat("{ a: ", 200) + strings.Repeat("}", 200) + "\n}\n"
	if _, errs := BicepUnits([]*BicepFile{NewBicepFile("deep.bicep", []byte(deep))}); len(errs) == 0 {
		t.Error("bicep nested past the limit must be reported")
	}
}

func TestDocsUpToDate(t *testing.T) {
	b, err := os.ReadFile("../../../docs/iac.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != load(t).Markdown() {
		t.Error("docs/iac.md is stale: run make generate")
	}
}

func TestPulumiPrograms(t *testing.T) {
	c := load(t)
	ts := `import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as azure_native from "@pulumi/azure-native";

const role = new aws.iam.Role("role", { assumeRolePolicy: "{}" });
export const nb = new aws.sagemaker.NotebookInstance("research-nb", {
    instanceType: "ml.t3.medium",
    roleArn: role.arn,
    rootAccess: "Disabled",
    directInternetAccess: "Disabled", // closed
});
const acct = new azure_native.cognitiveservices.Account("oai", {
    accountName: "oai-prod",
    kind: "OpenAI",
    sku: { name: "S0" },
    properties: { publicNetworkAccess: "Disabled", disableLocalAuth: true },
});
const existing = aws.sagemaker.NotebookInstance.get("old", "old-id");
const name = ` + "`nb-${pulumi.getStack()}`" + `;
const dyn = new aws.sagemaker.NotebookInstance(name, { instanceType: size });
`
	units, err := c.ReadFile("index.ts", []byte(ts))
	if err != nil {
		t.Fatal(err)
	}
	got := byAddress(c, units)
	if len(got) != 3 {
		t.Fatalf("typescript: want 3 resources, got %v", got)
	}
	want(t, got["research-nb"], map[string]any{"notebook.root_access": false, "notebook.direct_internet": false, "compute.machine_type": "ml.t3.medium"})
	want(t, got["oai"], map[string]any{"network.public_access": false, "auth.local_auth_disabled": true, "azure.kind": "OpenAI"})
	if got["oai"].Name != "oai-prod" || got["research-nb"].Line != 6 {
		t.Errorf("name %q line %d", got["oai"].Name, got["research-nb"].Line)
	}
	for addr, r := range got {
		if addr != "research-nb" && addr != "oai" {
			want(t, r, nil, "compute.machine_type") // a variable: unknown
		}
	}

	py := `import pulumi
import pulumi_gcp as gcp
from pulumi_azure_native import cognitiveservices

endpoint = gcp.vertex.AiEndpoint("chat",
    display_name="chat-endpoint",
    location="us-central1",
    encryption_spec=gcp.vertex.AiEndpointEncryptionSpecArgs(kms_key_name=key.id),
)
acct = cognitiveservices.Account("acct",
    kind="OpenAI",
    properties=cognitiveservices.AccountPropertiesArgs(public_network_access="Enabled"),
    sku={"name": "S0"})
`
	units, err = c.ReadFile("__main__.py", []byte(py))
	if err != nil {
		t.Fatal(err)
	}
	got = byAddress(c, units)
	want(t, got["chat"], map[string]any{"encryption.cmek": true, "network.public_access": true})
	want(t, got["acct"], map[string]any{"network.public_access": true, "azure.sku": "S0"})
	if got["chat"].Name != "chat-endpoint" || got["chat"].Region != "us-central1" {
		t.Errorf("vertex endpoint %+v", got["chat"])
	}
}

func TestBicepLoopsOverLiteralArrays(t *testing.T) {
	c := load(t)
	res, errs := BicepUnits([]*BicepFile{NewBicepFile("main.bicep", []byte(`
var models = [
  { name: 'gpt-4o', version: '2024-11-20', rai: 'strict' }
  { name: 'gpt-4o-mini', version: '2024-07-18' }
]
var none = []
resource acct 'Microsoft.CognitiveServices/accounts@2024-10-01' existing = { name: 'oai' }
resource dep 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [for (m, i) in models: {
  parent: acct
  name: m.name
  properties: {
    model: { format: 'OpenAI', name: m.name, version: m.version }
    raiPolicyName: m.rai
  }
}]
resource never 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [for m in none: { name: m.name }]
`))})
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := byAddress(c, res.Units)
	if len(got) != 2 {
		t.Fatalf("want dep[0] and dep[1] (an empty loop declares nothing), got %v", got)
	}
	want(t, got["dep[0]"], map[string]any{"guardrail.policy": "strict", "guardrail.attached": true, "iac.conditional": false})
	want(t, got["dep[1]"], nil, "guardrail.attached") // the item has no rai: reading it is a deployment error, so unknown
	if m := got["dep[1]"].Model; m == nil || m.Name != "gpt-4o-mini" || m.Version != "2024-07-18" || got["dep[1]"].Name != "gpt-4o-mini" {
		t.Errorf("dep[1] model %+v name %q", m, got["dep[1]"].Name)
	}
}

func TestTerraformForEachOverLiterals(t *testing.T) {
	c := load(t)
	res := tf(t, map[string]string{"main.tf": `
variable "deployments" {
  default = {
    chat  = { model = "gpt-4o", version = "2024-11-20", rai = "strict" }
    embed = { model = "text-embedding-3-large", version = "1", rai = null }
  }
}
resource "azurerm_cognitive_deployment" "d" {
  for_each             = var.deployments
  name                 = each.key
  cognitive_account_id = azurerm_cognitive_account.a.id
  rai_policy_name      = each.value.rai
  model {
    format  = "OpenAI"
    name    = each.value.model
    version = each.value.version
  }
  sku {
    name = "Standard"
  }
}
resource "google_workbench_instance" "wb" {
  for_each = toset(["alice", "bob"])
  name     = "wb-${each.key}"
  location = "us-central1-a"
}
resource "google_workbench_instance" "dyn" {
  for_each = var.unknown_users
  name     = each.key
  location = "us-central1-a"
}`})
	got := byAddress(c, res.Units)
	if len(got) != 5 {
		t.Fatalf("want 2 deployments, 2 workbenches and 1 conditional one, got %d: %v", len(got), keysOf(got))
	}
	want(t, got[`azurerm_cognitive_deployment.d["chat"]`], map[string]any{"guardrail.policy": "strict", "guardrail.attached": true, "iac.conditional": false})
	want(t, got[`azurerm_cognitive_deployment.d["embed"]`], map[string]any{"guardrail.attached": false})
	if m := got[`azurerm_cognitive_deployment.d["embed"]`].Model; m == nil || m.Name != "text-embedding-3-large" {
		t.Errorf("embed model %+v", m)
	}
	if got[`google_workbench_instance.wb["bob"]`].Name != "wb-bob" {
		t.Errorf("workbench name %q", got[`google_workbench_instance.wb["bob"]`].Name)
	}
	want(t, got["google_workbench_instance.dyn"], map[string]any{"iac.conditional": true})
}

func keysOf(m map[string]Resource) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestBedrockInvocationLoggingAppliesToTheUnit(t *testing.T) {
	c := load(t)
	res := tf(t, map[string]string{"main.tf": `
provider "aws" {
  region = "eu-west-1"
}
resource "aws_bedrock_model_invocation_logging_configuration" "this" {
  logging_config {
    text_data_delivery_enabled = true
    cloudwatch_config {
      log_group_name = "bedrock"
      role_arn       = "arn:aws:iam::111122223333:role/bedrock-logs"
    }
  }
}
resource "aws_bedrockagent_agent" "a" {
  agent_name       = "a"
  foundation_model = "amazon.nova-pro-v1:0"
}
resource "google_vertex_ai_endpoint" "e" {
  display_name = "e"
  location     = "us-central1"
}`})
	got := byAddress(c, res.Units)
	want(t, got["aws_bedrockagent_agent.a"], map[string]any{"logging.invocation_enabled": true})
	want(t, got["google_vertex_ai_endpoint.e"], map[string]any{"logging.invocation_enabled": false}) // another cloud: its own default
}

func TestAzurePrivateEndpointAttachment(t *testing.T) {
	c := load(t)
	res := tf(t, map[string]string{"main.tf": `
resource "azurerm_cognitive_account" "a" {
  name     = "oai"
  kind     = "OpenAI"
  sku_name = "S0"
  public_network_access_enabled = false
}
resource "azurerm_cognitive_account" "b" {
  name     = "oai-b"
  kind     = "OpenAI"
  sku_name = "S0"
}
resource "azurerm_private_endpoint" "pe" {
  name      = "pe-oai"
  subnet_id = azurerm_subnet.s.id
  private_service_connection {
    name                           = "oai"
    private_connection_resource_id = azurerm_cognitive_account.a.id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
}`})
	got := byAddress(c, res.Units)
	want(t, got["azurerm_cognitive_account.a"], map[string]any{"network.private_endpoint": true, "network.public_access": false})
	want(t, got["azurerm_cognitive_account.b"], nil, "network.private_endpoint") // none named it: not stated
}
