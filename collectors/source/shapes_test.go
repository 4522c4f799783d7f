package source

import (
	"slices"
	"testing"

	"github.com/aisight/aisight/model"
)

func TestHostedModelNames(t *testing.T) {
	for _, tc := range []struct{ in, provider, name string }{
		{"gpt-4o", "openai", "gpt-4o"},
		{"gpt-4o-mini-2024-07-18", "openai", "gpt-4o-mini-2024-07-18"},
		{"o3-mini", "openai", "o3-mini"},
		{"gpt-35-turbo", "openai", "gpt-35-turbo"},
		{"claude-sonnet-4-20250514", "anthropic", "claude-sonnet-4-20250514"},
		{"gemini-2.5-flash", "google", "gemini-2.5-flash"},
		{"models/gemini-1.5-pro", "google", "gemini-1.5-pro"},
		{"anthropic.claude-3-sonnet-20240229-v1:0", "aws", "anthropic.claude-3-sonnet-20240229-v1:0"},
		{"us.meta.llama3-2-90b-instruct-v1:0", "aws", "us.meta.llama3-2-90b-instruct-v1:0"},
		{"bedrock/anthropic.claude-3-haiku-20240307-v1:0", "aws", "anthropic.claude-3-haiku-20240307-v1:0"},
		{"openai:gpt-5.2", "openai", "gpt-5.2"},
		{"anthropic/claude-3-5-sonnet-latest", "anthropic", "claude-3-5-sonnet-latest"},
		{"azure/gpt-4o", "azure", "gpt-4o"},
		{"vertex_ai/gemini-2.0-flash", "gcp", "gemini-2.0-flash"},
		{"groq/llama-3.1-70b-versatile", "groq", "llama-3.1-70b-versatile"},
		{"google-gla:gemini-2.0-flash", "google", "gemini-2.0-flash"},
		{"mistral-large-latest", "mistral", "mistral-large-latest"},
		{"grok-4", "xai", "grok-4"},
		{"deepseek-chat", "deepseek", "deepseek-chat"},
		{"claude-3-5-sonnet-v2@20241022", "gcp", "claude-3-5-sonnet-v2@20241022"},
	} {
		p, n, ok := HostedModel(tc.in)
		if !ok || p != tc.provider || n != tc.name {
			t.Errorf("HostedModel(%q) = %q %q %v, want %q %q", tc.in, p, n, ok, tc.provider, tc.name)
		}
	}
	// open-weight and Hub names, local aliases and near misses are not API models
	for _, in := range []string{"gpt2", "gpt-j-6b", "gpt-oss-20b", "openai/gpt-oss-20b", "openai/whisper-large-v3", "claude", "gemini",
		"amazon.com", "mistral-7b", "text-embedding-ada", "model-group-1", "llama3.2", "meta-llama/Llama-3.1-8B", "azure/my-deployment", "grok"} {
		if p, n, ok := HostedModel(in); ok {
			t.Errorf("HostedModel(%q) = %q %q, want none", in, p, n)
		}
	}
}

func TestNamesModel(t *testing.T) {
	for _, id := range []string{"model", "MODEL", "model_id", "modelName", "TASK_MODEL", "modelURL", "default_model", "embedding_model",
		"base_model_name_or_path", "_name_or_path", "adapter_name_or_path", "LORA_ADAPTER", "checkpoint", "served_model_name", "pretrained_model"} {
		if !namesModel([]byte(id)) {
			t.Errorf("namesModel(%q) = false", id)
		}
	}
	for _, id := range []string{"model_type", "modelClass", "model_kwargs", "model_config", "model_dir", "MODEL_PROVIDER", "model_version", "max_model_len",
		"repo_id", "name", "image", "modelscope_token", "model_timeout", "MODEL_API_KEY"} {
		if namesModel([]byte(id)) {
			t.Errorf("namesModel(%q) = true", id)
		}
	}
}

func TestHubURLForms(t *testing.T) {
	for in, want := range map[string]string{
		"https://huggingface.co/meta-llama/Llama-3.1-8B":                                      "meta-llama/Llama-3.1-8B",
		"https://huggingface.co/TheBloke/Llama-2-7B-GGUF/resolve/main/llama-2-7b.Q4_K_M.gguf": "TheBloke/Llama-2-7B-GGUF",
		"https://huggingface.co/org/adapter.git":                                              "org/adapter",
		"hf.co/bartowski/Qwen2.5-7B-Instruct-GGUF":                                            "bartowski/Qwen2.5-7B-Instruct-GGUF",
		"huggingface://nomic-ai/nomic-embed-text-v1.5-GGUF/nomic-embed-text-v1.5.f16.gguf":    "nomic-ai/nomic-embed-text-v1.5-GGUF",
	} {
		if got, ok := hubURL(in); !ok || got != want {
			t.Errorf("hubURL(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"https://huggingface.co/spaces/org/app", "https://huggingface.co/datasets/org/data", "https://huggingface.co/docs/hub",
		"https://huggingface.co/org", "https://huggingface.co/blog/post", "https://example.com/org/repo"} {
		if got, ok := hubURL(in); ok {
			t.Errorf("hubURL(%q) = %q, want none", in, got)
		}
	}
}

// The shapes of model references, MCP servers and imports outside the
// places the detectors were first written for, each beside a negative.
func TestShapesFound(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"svc/Embed.java": `import dev.langchain4j.model.jlama.JlamaEmbeddingModel;
class Embed {
  // .modelName("commented/out")
  EmbeddingModel m = JlamaEmbeddingModel.builder().modelName("intfloat/e5-small-v2").build();
}
`,
		"svc/app.ts": `import OpenAI from "openai";
import { foo } from "./local";
const model: string = "gpt-4o-mini";
const other = process.env.X ?? "anthropic/claude-3-5-haiku-latest";
`,
		"svc/main.go": `package main

import (
	"fmt"

	openai "github.com/openai/openai-go/v2"
)
`,
		"svc/settings.py": `import os
TASK_MODEL = os.getenv("TASK_MODEL", "gpt-3.5-turbo")
repo_id = "cli_repo/unknown"
model_dir = "models/base"
name = "gpt-4o"
`,
		"chart/values.yaml": `server:
  imageName: vllm/vllm-openai:v0.8.4
  numGpus: 2
  model: "Qwen/Qwen2.5-7B-Instruct"
`,
		"deploy/init.yaml": `apiVersion: v1
kind: Pod
metadata: {name: fetch}
spec:
  initContainers:
  - name: get
    image: alpine/git
    command: ["git", "clone", "https://huggingface.co/acme/support-lora"]
  containers:
  - name: app
    image: busybox
`,
		".github/workflows/test.yaml":                        "jobs:\n  t:\n    container:\n      image: vllm/vllm-openai:latest\n",
		".venv/lib/python3.12/site-packages/pkg/values.yaml": "image: vllm/vllm-openai:latest\n",
		"agent/mcp_agent.config.yaml": `mcp:
  servers:
    fetch:
      command: uvx
      args: ["mcp-server-fetch==2025.1.1"]
    nothing:
      description: not a server
`,
		"agent/inspector.json": `{"mcpServers": {"docs": {"type": "sse", "url": "https://docs.example/mcp?token=abc"}}}`,
		"agent/run.py": `from mcp_agent.app import MCPApp
config = {"mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git"], "enabled": True}}}
`,
		".vscode/mcp.json":     `{"servers": {"remote": {"type": "http", "uri": "https://mcp.example/v1"}}}`,
		"pin/requirements.txt": "torch==2.5.1\n",
		"pin/pyproject.toml":   "[project]\nname = \"x\"\ndependencies = [\"torch>=2.0\"]\n",
		"nb/train.ipynb":       `{"cells": [{"cell_type": "code", "source": ["!pip install -q transformers==4.46.0 peft\n", "import anthropic\n"]}], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}`,
		"nb/requirements.txt":  "anthropic==0.40.0\n",
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	want := []string{
		"hosted_model svc/app.ts:3 openai gpt-4o-mini",
		"hosted_model svc/app.ts:4 anthropic claude-3-5-haiku-latest",
		"hosted_model svc/settings.py:2 openai gpt-3.5-turbo",
		"inference_workload chart/values.yaml:2 server Qwen/Qwen2.5-7B-Instruct gpus=2",
		"mcp_server .vscode/mcp.json:1 remote http https://mcp.example/v1",
		"mcp_server agent/inspector.json:1 docs sse https://docs.example/mcp",
		"mcp_server agent/mcp_agent.config.yaml:3 fetch stdio mcp-server-fetch==2025.1.1",
		"mcp_server agent/run.py:2 git stdio mcp-server-git",
		"model chart/values.yaml:4 Qwen/Qwen2.5-7B-Instruct",
		"model deploy/init.yaml:8 acme/support-lora",
		"model svc/Embed.java:4 intfloat/e5-small-v2",
		"sdk_dependency agent/run.py:1 mcp-agent",
		"sdk_dependency nb/requirements.txt:1 anthropic", // declared: the notebook's import of it is not an asset
		"sdk_dependency nb/train.ipynb:1 peft",
		"sdk_dependency nb/train.ipynb:1 transformers",
		"sdk_dependency pin/requirements.txt:1 torch",
		"sdk_dependency svc/Embed.java:1 dev.langchain4j",
		"sdk_dependency svc/app.ts:1 openai",
		"sdk_dependency svc/main.go:6 github.com/openai/openai-go/v2",
	}
	sameLines(t, got, want)
	inv := byID(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	for id, a := range inv {
		if a.Name == "torch" && a.Kind == model.KindSDKDependency {
			if factValue(a, "dependency.version") != "2.5.1" || factValue(a, "dependency.pinned") != true {
				t.Errorf("%s: version %v pinned %v, want the requirements pin 2.5.1", id, factValue(a, "dependency.version"), factValue(a, "dependency.pinned"))
			}
		}
		if a.Name == "transformers" && factValue(a, "dependency.version") != "4.46.0" {
			t.Errorf("notebook pip pin: transformers version %v, want 4.46.0", factValue(a, "dependency.version"))
		}
		if a.Kind == model.KindModel && a.DeploymentType == model.APISaaS && a.Name == "gpt-4o-mini" && factValue(a, "model.revision_pinned") != false {
			t.Errorf("an alias API model is not pinned: %v", factValue(a, "model.revision_pinned"))
		}
	}
}

// Provider functions of the AI SDKs name their model; MCP clients built in
// code name their server; each beside a negative.
func TestProviderCallsAndMCPClientsInCode(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"web/chat.ts": `import { bedrock } from "@ai-sdk/amazon-bedrock";
import { ollama } from "ollama-ai-provider";
const a = bedrock("anthropic.claude-3-haiku-20240307-v1:0");
const b = ollama("llama3.1:8b");
const c = myopenai("gpt-4o"); // not a provider function
const d = client.openai("x");
const t = new SSEClientTransport(new URL("https://mcp.example.com/sse?key=secret"));
const s = new StdioClientTransport({ command: "npx", args: ["-y", "@acme/mcp-server@1.2.0"] });
`,
		"agent/run.py": `from pydantic_ai.mcp import MCPServerStdio, MCPServerStreamableHTTP
server = MCPServerStdio("uvx", args=["mcp-run-python==0.3.0"])
remote = MCPServerStreamableHTTP("http://localhost:8000/mcp")
`,
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	want := []string{
		"hosted_model web/chat.ts:3 aws anthropic.claude-3-haiku-20240307-v1:0",
		"model web/chat.ts:4 ollama://llama3.1:8b",
		"mcp_server web/chat.ts:7 mcp.example.com sse https://mcp.example.com/sse",
		"mcp_server web/chat.ts:8 @acme/mcp-server@1.2.0 stdio @acme/mcp-server@1.2.0",
		"mcp_server agent/run.py:2 mcp-run-python==0.3.0 stdio mcp-run-python==0.3.0",
		"mcp_server agent/run.py:3 localhost:8000 http http://localhost:8000/mcp",
		"sdk_dependency agent/run.py:1 pydantic-ai",
		"sdk_dependency web/chat.ts:1 @ai-sdk/amazon-bedrock",
		"sdk_dependency web/chat.ts:2 ollama-ai-provider", // from the generated catalog
	}
	sameLines(t, got, want)
}

// Documents held in values: a model list in a YAML block scalar (chat-ui's
// MODELS), LiteLLM's model_list, an application's MCP_SERVERS JSON, and a
// serving resource whose model is inside its serve config.
func TestEmbeddedDocuments(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"chart/env/prod.yaml": `envVars:
  TASK_MODEL: "meta-llama/Llama-3.1-8B-Instruct"
  MODELS: >
    [
      { "id": "Qwen/Qwen3-30B-A3B", "description": "MoE" },
      { "id": "omni", "supportsArtifacts": true }
    ]
  MCP_SERVERS: >
    [{"name": "Web Search", "url": "https://mcp.exa.ai/mcp?tools=web_search_exa"}]
`,
		"proxy/config.yaml": `model_list:
  - model_name: fast
    litellm_params:
      model: groq/llama-3.1-8b-instant
  - model_name: local
    litellm_params:
      model: ollama/qwen2.5:7b
`,
		"app/.env": `MCP_SERVERS=[{"name": "docs", "url": "https://docs.example.com/mcp"}]
MODELS=
`,
		"k8s/ray.yaml": `apiVersion: ray.io/v1
kind: RayService
metadata:
  name: llm
spec:
  serveConfigV2: |
    applications:
    - name: llms
      args:
        llm_configs:
        - model_loading_config:
            model_id: chat
            model_source: Qwen/Qwen2.5-7B-Instruct
  rayClusterConfig:
    headGroupSpec:
      template:
        spec:
          containers:
          - name: head
            image: rayproject/ray-llm:2.52.0-py311-cu128
`,
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	want := []string{
		"model chart/env/prod.yaml:2 meta-llama/Llama-3.1-8B-Instruct",
		"model chart/env/prod.yaml:5 Qwen/Qwen3-30B-A3B",
		"mcp_server chart/env/prod.yaml:9 Web Search http https://mcp.exa.ai/mcp",
		"hosted_model proxy/config.yaml:4 groq llama-3.1-8b-instant",
		"model proxy/config.yaml:7 ollama://qwen2.5:7b",
		"mcp_server app/.env:1 docs http https://docs.example.com/mcp",
		"inference_workload k8s/ray.yaml:1 llm Qwen/Qwen2.5-7B-Instruct -",
		"model k8s/ray.yaml:13 Qwen/Qwen2.5-7B-Instruct",
	}
	sameLines(t, got, want)
}

// sameLines reports each expected line missing from got and each line of
// got that was not expected.
func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("missed: %s", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("not expected: %s", g)
		}
	}
}

// Shapes of the fourth round: weights in object storage named by a model
// key or by a model resource's location keys, SDK constants for model
// names, the cloud a client says serves a publisher's model, and an MCP
// client given its URL by a name; each beside a negative.
func TestStorageKindsConstantsCloudsAndNamedURLs(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"train/job.py": `MODEL_URI = "s3://acme-models/llama-3-8b/v2/"
OUTPUT_BUCKET = "s3://acme-models/out/"
model_path = "s3://just-a-bucket"
MODEL_DATA_URL = "s3://your-s3-bucket-name/model.tar.gz"
model_uri = "s3://my-bucket/path/to/model.tar.gz"
model_src = "oci://registry.example.com/model:latest"
`,
		"k8s/adapter.yaml": `apiVersion: model.example.ai/v1alpha1
kind: ModelAdapter
metadata:
  name: support-lora
spec:
  baseModel: qwen
  artifactURL: "s3://acme-adapters/support-lora/"
  # artifactURL: s3://commented/out/
---
apiVersion: v1
kind: ConfigMap
metadata: {name: backups}
data:
  backupURL: s3://acme-backups/nightly/
`,
		"k8s/modelconfig.yaml": "apiVersion: x/v1\nkind: ModelConfig\nspec:\n  sourceURL: s3://acme-cfg/cfg/\n",
		"go/chat.go": `package main

import "github.com/sashabaranov/go-openai"

func main() {
	req := openai.ChatCompletionRequest{
		Model: openai.GPT4oMini,
		Messages: []openai.ChatCompletionMessage{{Role: openai.ChatMessageRoleUser}},
	}
	_ = req
}
`,
		"azure/app.py": `from openai import AzureOpenAI
client = AzureOpenAI(azure_endpoint="https://x.openai.azure.com")
client.chat.completions.create(model="gpt-4o", messages=[])
`,
		"both/app.py": `from anthropic import AnthropicBedrock, AnthropicVertex
a = AnthropicBedrock()
b = AnthropicVertex()
a.messages.create(model="claude-sonnet-4-5", messages=[])
`,
		"gomcp/go.mod": "module example.com/agent\n\nrequire (\n\tgithub.com/modelcontextprotocol/go-sdk v1.3.1\n\tgithub.com/openai/openai-go/v3 v3.0.0\n)\n",
		"gomcp/main.go": `package main

import (
	"os/exec"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/azure"
	"github.com/openai/openai-go/v3/option"
)

const docsURL = "https://docs.example.com/mcp"

func main() {
	_ = openai.NewClient(azure.WithEndpoint("https://x.openai.azure.com", "2025-03-01-preview"))
	_ = openai.ChatCompletionNewParams{Model: openai.ChatModelGPT4o}
	_ = &mcp.StreamableClientTransport{Endpoint: docsURL}
	_ = &mcp.CommandTransport{Command: exec.Command("npx", "-y", "@acme/fs-mcp@1.0.0")}
	_ = option.WithAPIKey
}
`,
		"goalone/main.go": "package main\n\nimport (\n\t\"github.com/openai/openai-go/v3/option\"\n\t\"github.com/openai/openai-go/v3\"\n\t\"github.com/aws/aws-sdk-go-v2/service/bedrockruntime/types\"\n)\n",
		"mcp/client.py": `import click
from mcp.client.streamable_http import streamablehttp_client

async def run(url: str):
    async with streamablehttp_client(url) as (r, w):
        pass

async def other(endpoint: str):
    async with streamablehttp_client(endpoint) as (r, w):
        pass

@click.command()
@click.option("--url", default="http://localhost:3000/mcp", help="Server URL")
@click.option("--endpoint", default=None)
@click.option("--name", default="http://not-this-one.example/mcp")
def main(url, endpoint, name):
    pass
`,
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	want := []string{
		"model train/job.py:1 s3://acme-models/llama-3-8b/v2/",
		"model k8s/adapter.yaml:7 s3://acme-adapters/support-lora/",
		"hosted_model go/chat.go:7 openai gpt-4o-mini",
		"hosted_model azure/app.py:3 azure gpt-4o",
		"hosted_model both/app.py:4 anthropic claude-sonnet-4-5", // two clouds: the file does not say which
		"mcp_server mcp/client.py:5 localhost:3000 http http://localhost:3000/mcp",
		"sdk_dependency azure/app.py:1 openai",
		"sdk_dependency both/app.py:1 anthropic",
		"sdk_dependency go/chat.go:3 github.com/sashabaranov/go-openai",
		"sdk_dependency mcp/client.py:2 mcp",
		"hosted_model gomcp/main.go:16 azure gpt-4o",
		"mcp_server gomcp/main.go:17 docs.example.com http https://docs.example.com/mcp",
		"mcp_server gomcp/main.go:18 @acme/fs-mcp@1.0.0 stdio @acme/fs-mcp@1.0.0",
		// undeclared Go imports: one finding per module, not per package
		"sdk_dependency goalone/main.go:4 github.com/openai/openai-go/v3",
		"sdk_dependency goalone/main.go:6 github.com/aws/aws-sdk-go-v2/service/bedrockruntime",
		"sdk_dependency gomcp/go.mod:4 github.com/modelcontextprotocol/go-sdk",
		"sdk_dependency gomcp/go.mod:5 github.com/openai/openai-go/v3",
	}
	sameLines(t, got, want)
	for _, a := range scan(t, Options{Paths: []string{dir}, NoIgnore: true}).Assets {
		if a.Name == "gpt-4o" && a.DeploymentType == model.APISaaS && a.Location.Path == "azure/app.py" {
			if f, _ := a.Fact("model.provider"); f.Source != "client AzureOpenAI" {
				t.Errorf("gpt-4o provider evidence %q, want the client that says so", f.Source)
			}
		}
	}
}

// Remote MCP servers a provider's API connects to, named in the request
// (Anthropic's MCP connector, OpenAI's Responses MCP tool), and the cloud
// a client names winning over a cloud's id of the publisher's model.
func TestAPIMCPToolsAndCloudIDs(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"agent/anthropic.py": `import anthropic
client = anthropic.Anthropic()
client.beta.messages.create(
    model="claude-sonnet-4-5",
    mcp_servers=[{"type": "url", "url": "https://mcp.example.com/sse", "name": "example", "authorization_token": "t"}],
)
`,
		"agent/openai.ts": `import OpenAI from "openai";
const r = await new OpenAI().responses.create({
  model: "gpt-4.1",
  tools: [{ type: "mcp", server_label: "deepwiki", server_url: "https://mcp.deepwiki.com/mcp", require_approval: "never" }],
});
const notMCP = { type: "webhook", server_url: "https://hooks.example.com/x" };
const agents = { mcp_servers: [server] };
`,
		"agent/foundry.ts": `import AnthropicFoundry from "@anthropic-ai/foundry-sdk";
const c = new AnthropicFoundry({});
await c.messages.create({ model: "anthropic.claude-3-5-sonnet-20241022-v2:0" });
`,
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	want := []string{
		"hosted_model agent/anthropic.py:4 anthropic claude-sonnet-4-5",
		"mcp_server agent/anthropic.py:5 example http https://mcp.example.com/sse",
		"hosted_model agent/openai.ts:3 openai gpt-4.1",
		"mcp_server agent/openai.ts:4 deepwiki http https://mcp.deepwiki.com/mcp",
		"hosted_model agent/foundry.ts:3 azure anthropic.claude-3-5-sonnet-20241022-v2:0",
		"sdk_dependency agent/anthropic.py:1 anthropic",
		"sdk_dependency agent/openai.ts:1 openai",
		"sdk_dependency agent/foundry.ts:1 @anthropic-ai/foundry-sdk",
	}
	sameLines(t, got, want)
}

// An SDK's own repository imports itself and re-exports its constants:
// neither is a dependency or a model in use.
func TestOwnPackagesAndConstantAliases(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"gosdk/go.mod":                   "module github.com/openai/openai-go/v3\n\ngo 1.22\n",
		"gosdk/aliases.go":               "package openai\n\nimport \"github.com/openai/openai-go/v3/shared\"\n\nconst ChatModelGPT4o = shared.ChatModelGPT4o\n",
		"gosdk/examples/main.go":         "package main\n\nimport \"github.com/openai/openai-go/v3\"\n\nvar p = openai.ChatCompletionNewParams{Model: openai.ChatModelGPT4o}\n",
		"pysdk/pyproject.toml":           "[project]\nname = \"anthropic\"\nversion = \"1.0.0\"\n",
		"pysdk/src/anthropic/_client.py": "from anthropic import types\n",
		"jssdk/package.json":             `{"name": "openai", "version": "5.0.0"}`,
		"jssdk/src/index.ts":             "import OpenAI from 'openai';\n",
		"app/main.py":                    "import anthropic\n",
		"ci/publish.sh":                  "huggingface-cli upload acme/support-model ./out\nhuggingface-cli upload acme/eval-set ./data --repo-type dataset\nhf download Qwen/Qwen2.5-0.5B\npdf download x/y\n",
		"vec/requirements.txt":           "pinecone-client==4.1.0\nfaiss-cpu==1.8.0\n",
		"vec/app.py":                     "from pinecone import Pinecone\nimport faiss\n",
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	want := []string{
		"hosted_model gosdk/examples/main.go:5 openai gpt-4o",   // a use, in the SDK's own example
		"sdk_dependency app/main.py:1 anthropic",                // another project's import
		"sdk_dependency vec/requirements.txt:1 pinecone-client", // declares the pinecone module
		"sdk_dependency vec/requirements.txt:2 faiss-cpu",
		"model ci/publish.sh:1 acme/support-model", // the Hub CLI; a dataset upload is not a model
		"model ci/publish.sh:3 Qwen/Qwen2.5-0.5B",
	}
	sameLines(t, got, want)
}

// Documents held in other documents' values are searched like any other
// text: a YAML block scalar, a JSON string in YAML, and JSON escaped inside
// a JSON string.
func TestDocumentsInsideStrings(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"k8s/cm.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data:
  config.yaml: |
    served:
      model: meta-llama/Llama-3.1-8B-Instruct
  settings.json: '{"embedding_model": "BAAI/bge-small-en-v1.5", "llm": {"model": "gpt-4o-mini"}}'
`,
		"app/app.json": `{"name": "x", "config": "{\"model\": \"Qwen/Qwen2.5-7B-Instruct\", \"note\": \"model\"}"}`,
		"app/task.py":  `CFG = '{"model_id": "mistralai/Mistral-7B-Instruct-v0.3"}'` + "\n",
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	want := []string{
		"model k8s/cm.yaml:7 meta-llama/Llama-3.1-8B-Instruct",
		"model k8s/cm.yaml:8 BAAI/bge-small-en-v1.5",
		"hosted_model k8s/cm.yaml:8 openai gpt-4o-mini",
		"model app/app.json:1 Qwen/Qwen2.5-7B-Instruct",
		"model app/task.py:1 mistralai/Mistral-7B-Instruct-v0.3",
	}
	sameLines(t, got, want)
}

// Go import paths that are absolute or odd end their walk up to a module
// (an import of "/x" made path.Dir return "/" for ever: the scan of a Go
// module cache holding Go's own test data hung until its scope timeout).
func TestOddGoImportPathsEnd(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"odd/main.go": "package main\n\nimport (\n\t\"/abs/pkg\"\n\t\"//\"\n\t\"/\"\n\t\"./rel\"\n\t\"github.com/openai/openai-go/v3/option\"\n)\n",
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	sameLines(t, got, []string{"sdk_dependency odd/main.go:8 github.com/openai/openai-go/v3"})
}

// A Bedrock id of another publisher's model, with or without a
// cross-region geography, belongs to that publisher: a file building one
// cloud's client for it gives it that cloud.
func TestPublisherOfCloudIDs(t *testing.T) {
	for _, tc := range []struct{ provider, id, want string }{
		{"aws", "anthropic.claude-3-5-sonnet-20241022-v2:0", "anthropic"},
		{"aws", "us.anthropic.claude-sonnet-4-20250514-v1:0", "anthropic"},
		{"aws", "openai.gpt-oss-120b-1:0", "openai"},
		{"aws", "global.openai.gpt-oss-20b-1:0", "openai"},
		{"aws", "meta.llama3-70b-instruct-v1:0", "aws"},
		{"gcp", "claude-3-7-sonnet@20250219", "anthropic"},
		{"openai", "gpt-4o", "openai"},
	} {
		if got := publisherOf(ModelRef{Provider: tc.provider, ID: tc.id}); got != tc.want {
			t.Errorf("publisherOf(%s %s) = %s, want %s", tc.provider, tc.id, got, tc.want)
		}
	}
}

// JavaScript imports of every form the collector reads: static, a
// dynamic import() at a line's start, require() anywhere.
func TestJSImportForms(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"web/app.js": "import OpenAI from 'openai';\nimport(\"@anthropic-ai/sdk\").then(m => m);\nconst g = require('@google/genai');\nimport('./local.js');\n",
	})
	got := corpusProject(scan(t, Options{Paths: []string{dir}, NoIgnore: true}))
	sameLines(t, got, []string{
		"sdk_dependency web/app.js:1 openai",
		"sdk_dependency web/app.js:2 @anthropic-ai/sdk",
		"sdk_dependency web/app.js:3 @google/genai",
	})
}
