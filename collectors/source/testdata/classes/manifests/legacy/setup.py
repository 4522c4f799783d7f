from setuptools import find_packages, setup

setup(
    name="support-bot",
    version="0.4.0",
    packages=find_packages(),
    install_requires=[
        "anthropic>=0.34",
        "requests",
        "pinecone-client==5.0.1",
    ],
    extras_require={
        "eval": ["ragas>=0.1", "deepeval"],
        "dev": ["pytest"],
    },
)
