"""Creating profiles through the API, for tests whose subject is something else."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api

CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile { id }
    signingSecret
    userErrors { field message code }
  }
}
"""


async def create_profile(api: Api, key: str, **input: Any) -> tuple[str, str]:
    """Creates a profile and answers its id and signing secret."""
    data = await api.run(CREATE, {"input": {"title": "Test profile", **input}}, key=key)
    payload = data["createCallbackProfile"]
    assert payload["userErrors"] == []
    return payload["callbackProfile"]["id"], payload["signingSecret"]
