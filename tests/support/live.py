"""Live-subscription helpers: gql clients against a running server process, a background
subscriber of deliveryAttempts, and the calls that make attempts happen."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

from tests.support import server

SUBSCRIBE = gql("""
subscription ($profileId: ID, $channel: ChannelKind) {
  deliveryAttempts(profileId: $profileId, channel: $channel) {
    id trigger outcome statusCode channel profile { id }
  }
}
""")
CREATE = gql("""
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) { callbackProfile { id } }
}
""")
TEST = gql("""
mutation ($id: ID!) { testCallbackProfile(id: $id) { attempt { id outcome } } }
""")


# Long enough for a loaded server to take a subscription on.
REGISTERING_SECONDS = 10


def http_client(srv: server.ServerProcess, key: str) -> Client:
    transport = HTTPXAsyncTransport(url=srv.url, headers={"authorization": f"Bearer {key}"})
    return Client(transport=transport)


def ws_client(srv: server.ServerProcess, key: str) -> Client:
    transport = WebsocketsTransport(
        url=srv.ws_url,
        init_payload={"Authorization": f"Bearer {key}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    return Client(transport=transport)


async def live_subscribers(srv: server.ServerProcess) -> int:
    """How many live subscribers the server says it serves on /healthz."""
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.get(f"http://127.0.0.1:{srv.port}/healthz")
    count: int = response.json()["subscriptions"]["subscribers"]
    return count


class Subscriber:
    """Collects what one subscription receives, in the background: the value of the
    document's root field (the first it names)."""

    def __init__(
        self,
        srv: server.ServerProcess,
        key: str,
        document: GraphQLRequest = SUBSCRIBE,
        **variables: Any,
    ) -> None:
        self.received: list[dict[str, Any]] = []
        self._srv = srv
        self._client = ws_client(srv, key)
        self._document = document
        self._variables = variables
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async with self._client as session:
            async for result in session.subscribe(
                GraphQLRequest(self._document, variable_values=self._variables)
            ):
                self.received.append(next(iter(result.values())))

    async def __aenter__(self) -> Subscriber:
        before = await live_subscribers(self._srv)
        self._task = asyncio.create_task(self._run())
        # graphql-transport-ws acknowledges the connection, not the subscription: the
        # server's count of the subscribers it serves tells when it has taken this one on.
        # A fixed pause was too short on a loaded machine, and what happened before the
        # server took the subscription on is not sent to it. A subscriber of an earlier test
        # that the server lets go meanwhile hides the rise: then the wait ends by the clock.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(REGISTERING_SECONDS):
                while await live_subscribers(self._srv) <= before and not self._task.done():
                    await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self._task

    async def wait_for(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        try:
            async with asyncio.timeout(timeout):
                while len(self.received) < count:
                    await asyncio.sleep(0.02)
        except TimeoutError:
            # Which ones arrived tells a late subscription (the first missing) from a lost one.
            raise AssertionError(
                f"{len(self.received)} of {count} results within {timeout} s: {self.received}"
            ) from None
        return self.received


async def make_profile(
    srv: server.ServerProcess, key: str, endpoint: str, channel: str = "SMS"
) -> str:
    variables = ["status"] if channel == "SMS" else ["delivery_status"]
    async with http_client(srv, key) as session:
        data = await session.execute(
            GraphQLRequest(
                CREATE,
                variable_values={
                    "input": {
                        "title": "Live",
                        "channel": channel,
                        "httpMethod": "POST",
                        "endpoint": endpoint,
                        "variables": variables,
                    }
                },
            )
        )
    profile_id: str = data["createCallbackProfile"]["callbackProfile"]["id"]
    return profile_id


async def trigger_test(srv: server.ServerProcess, key: str, profile_id: str) -> str:
    async with http_client(srv, key) as session:
        data = await session.execute(GraphQLRequest(TEST, variable_values={"id": profile_id}))
    attempt_id: str = data["testCallbackProfile"]["attempt"]["id"]
    return attempt_id
