"""The server in process, with a GraphQL client that speaks HTTP to it through ASGI."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from callbackd.app import create_app
from callbackd.config import Settings, load
from callbackd.services import Runtime, build


def settings(**overrides: str) -> Settings:
    env = {
        "CALLBACKD_ALLOW_NETWORKS": "127.0.0.0/8",
        "CALLBACKD_RETRY_BASE_SECONDS": "0.05",
        "CALLBACKD_MIN_THROTTLE_RETRY_SECONDS": "0.1",
        "CALLBACKD_REQUEST_TIMEOUT_SECONDS": "2",
        "CALLBACKD_LEASE_SECONDS": "5",
        "CALLBACKD_WORKERS": "8",
        "CALLBACKD_MAX_ATTEMPTS": "4",
        **overrides,
    }
    return load(None, env)


@dataclass
class Api:
    runtime: Runtime
    http: httpx.AsyncClient

    async def account(self, name: str = "acme", region: str = "IN") -> str:
        _, key = await self.runtime.services.accounts.create(name, region)
        return key

    async def raw(
        self, query: str, variables: dict[str, Any] | None = None, key: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        return body

    async def run(
        self, query: str, variables: dict[str, Any] | None = None, *, key: str
    ) -> dict[str, Any]:
        """Runs a document that must succeed and answers its data."""
        body = await self.raw(query, variables, key)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@contextlib.asynccontextmanager
async def running_api(config: Settings) -> AsyncIterator[Api]:
    runtime = build(config)
    await runtime.start()
    app = create_app(runtime)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://callbackd") as http:
            yield Api(runtime, http)
    finally:
        await runtime.stop()
