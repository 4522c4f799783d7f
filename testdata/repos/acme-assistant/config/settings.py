import os

ANTHROPIC_CLIENT_KEY = "sk-ant-api03-Sc7Tvo-hBKqFYY-kv5ZJr3J1TWDtkwtDDb_xHKas1VOqg6YYZYn9ZhyiA4uoRgnatmUdjAWtGSU8po_799NksnRH9ucAUAA"
GEMINI_KEY = "AIza9w3QlY7Zkuvqdt7s8Stqcbnr3yBdGBLEPH1"
BEDROCK_TOKEN = "ABSKQmVkcm9ja0FQSUtleSqhT61qtc4xatws8phP9nhFyJfm5di4PzJ59FHz5r1pY4OjE2jBMptUsGr7Cm"
OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]  # a reference, not a key
