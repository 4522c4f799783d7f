import os

# Cohere SDK v5 reads CO_API_KEY; ECO_API_KEY is the billing service's own.
os.environ.setdefault("ECO_API_KEY", "q8Vd2LmX4pT7rN1sK6wZ3yB9cF5hJ0gA2eU7iO4k")
CO_API_KEY = "Rm7Tq2Wx9Lp4Zs8Kd3Vb6Nh1Jf5Gc0Ya2Ue7Io4P"
