from transformers import AutoModelForSequenceClassification, AutoTokenizer

# The reranker runs next to the API; the revision is not pinned yet.
MODEL_ID = "BAAI/bge-reranker-v2-m3"
tokenizer = AutoTokenizer.from_pretrained(MODEL_ID)
model = AutoModelForSequenceClassification.from_pretrained("BAAI/bge-reranker-v2-m3")
