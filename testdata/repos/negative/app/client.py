import os
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
api_key = "${OPENAI_API_KEY}"
short = "sk-proj-short"
task = "task-proj-abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"
model = "gpt-4o"
