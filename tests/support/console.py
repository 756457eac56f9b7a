"""Steps a person takes in the console, for the browser tests."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.browser import Tab

PUBLISH = """
mutation ($id: ID!, $status: String!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: $status}}]) {
    deliveries { id }
  }
}
"""
CREATE = """
mutation ($endpoint: String!, $title: String!) {
  createCallbackProfile(input: {title: $title, channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["status"]}) {
    callbackProfile { id }
  }
}
"""


async def sign_in(tab: Tab, base: str, key: str, view: str = "profiles") -> None:
    await tab.page.goto(f"{base}/console#{view}")
    await tab.page.fill("#api-key", key)
    await tab.page.click("#key-form button[type=submit]")


def call(base: str, key: str, query: str, **variables: Any) -> dict[str, Any]:
    """A GraphQL call over HTTP, as the messaging platform or another client makes it."""
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {key}"},
        timeout=30,
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def create_profile(base: str, key: str, endpoint: str, title: str) -> str:
    data = call(base, key, CREATE, endpoint=endpoint, title=title)
    profile_id: str = data["createCallbackProfile"]["callbackProfile"]["id"]
    return profile_id


def publish(base: str, key: str, profile_id: str, status: str = "Delivered") -> str:
    data = call(base, key, PUBLISH, id=profile_id, status=status)
    delivery_id: str = data["publishStatusEvents"]["deliveries"][0]["id"]
    return delivery_id
