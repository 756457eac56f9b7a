"""The GraphQL calls the scenarios make, over HTTP with a bearer key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import httpx

CREATE_PROFILE = """
mutation($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) { callbackProfile { id } userErrors { message } }
}"""

PUBLISH = """
mutation($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } userErrors { message } }
}"""

# Aliased so that one round trip answers whether anything is still on its way.
UNFINISHED = """
{ pending: deliveries(first: 1, status: PENDING) { edges { node { id } } }
  delivering: deliveries(first: 1, status: DELIVERING) { edges { node { id } } } }"""


class GraphQLError(RuntimeError):
    pass


class Api:
    def __init__(self, url: str, key: str, timeout: float = 60) -> None:
        self.url = url
        self.key = key
        self.client = httpx.AsyncClient(
            timeout=timeout,
            headers={"Authorization": f"Bearer {key}"},
            # Idle connections are dropped well before uvicorn's 5 s keep-alive closes them,
            # so a request never goes out on a connection the server is closing.
            limits=httpx.Limits(
                max_connections=100, max_keepalive_connections=100, keepalive_expiry=2
            ),
            trust_env=False,
        )

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        response = await self.client.post(self.url, json={"query": query, "variables": variables})
        body: dict[str, Any] = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise GraphQLError(f"HTTP {response.status_code}: {body}")
        return body["data"]

    async def create_profile(self, endpoint: str, title: str = "bench") -> str:
        data = await self.execute(
            CREATE_PROFILE,
            {
                "input": {
                    "title": title,
                    "channel": "SMS",
                    "httpMethod": "POST",
                    "endpoint": endpoint,
                    "variables": ["status", "ref"],
                }
            },
        )
        payload = data["createCallbackProfile"]
        if payload["userErrors"]:
            raise GraphQLError(str(payload["userErrors"]))
        profile_id: str = payload["callbackProfile"]["id"]
        return profile_id

    async def publish(self, profile_id: str, refs: Sequence[str]) -> list[str]:
        """Publishes one `Delivered` report per ref; answers the delivery ids."""
        events = [
            {"callbackProfileId": profile_id, "values": {"status": "Delivered", "ref": ref}}
            for ref in refs
        ]
        payload = (await self.execute(PUBLISH, {"events": events}))["publishStatusEvents"]
        if payload["userErrors"]:
            raise GraphQLError(str(payload["userErrors"]))
        return [d["id"] for d in payload["deliveries"]]

    async def unfinished(self) -> bool:
        data = await self.execute(UNFINISHED)
        return bool(data["pending"]["edges"] or data["delivering"]["edges"])

    async def close(self) -> None:
        await self.client.aclose()
