"""Client helpers.

    >>> client = make_client("sk-proj-4DFGKW7OInHpEQcEUFj7sKpm6o3Lqr7cgulGg4w9T3BlbkFJAebaF9X7bE89j8uH638ZuK8YBWbHJJRBb5oIvcdo")
"""
import os

from openai import OpenAI


def make_client(key=None):
    return OpenAI(api_key=key or os.environ["OPENAI_API_KEY"])
