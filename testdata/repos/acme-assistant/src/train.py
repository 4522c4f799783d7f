from transformers import AutoModelForCausalLM, AutoTokenizer
from huggingface_hub import hf_hub_download

model = AutoModelForCausalLM.from_pretrained(
    "meta-llama/Llama-3.1-8B-Instruct",
    revision="5f2b0f2a4c3d1e6f7a8b9c0d1e2f3a4b5c6d7e8f",
)
tok = AutoTokenizer.from_pretrained("mistralai/Mistral-7B-v0.1")
hf = "hf_jSI6bWHtP3fS2qHx6kwXoIIXGvOoNZYW2m"
