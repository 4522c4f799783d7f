#!/usr/bin/env bash
set -euo pipefail
# Start the local OpenAI-compatible server.
vllm serve "microsoft/Phi-3.5-mini-instruct" --port 8001 --dtype auto
ollama run qwen2.5-coder:7b
llama-server --hf-repo bartowski/Llama-3.2-3B-Instruct-GGUF --hf-file Llama-3.2-3B-Instruct-Q4_K_M.gguf
text-generation-launcher --model-id google/gemma-2-9b-it --port 8080
python -m sglang.launch_server --model-path Qwen/Qwen2.5-14B-Instruct --port 30000
# not models
vllm serve --help
ollama run "$MODEL"
