#!/bin/sh
# Serves a gated model; the token rides in the query string.
exec python -m vllm.entrypoints.openai.api_server \
  --model https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct?token=hf_CanaryQueryTokenAbCd1032547698wxyz \
  --port 8000
