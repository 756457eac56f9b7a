"""deliveryAttempts over graphql-transport-ws, with the gql client against running server
processes: an account sees its own attempts only, filtered as asked, whichever process made
them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from gql.transport.websockets import WebsocketsTransport

from tests.support import server
from tests.support.receiver import Receiver

pytestmark = pytest.mark.mongo

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


@pytest.fixture(scope="module")
def shared_env(mongodb_url: str) -> dict[str, str]:
    return server.server_env(mongodb_url, CALLBACKD_DATABASE=f"live_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def first_server(shared_env: dict[str, str]) -> Iterator[server.ServerProcess]:
    with server.running(shared_env) as running:
        yield running


@pytest.fixture(scope="module")
def second_server(shared_env: dict[str, str]) -> Iterator[server.ServerProcess]:
    with server.running(shared_env) as running:
        yield running


@pytest.fixture(scope="module")
def alice(shared_env: dict[str, str]) -> str:
    return server.create_account(shared_env, "alice")


@pytest.fixture(scope="module")
def bob(shared_env: dict[str, str]) -> str:
    return server.create_account(shared_env, "bob")


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


class Subscriber:
    """Collects what one subscription receives, in the background."""

    def __init__(self, srv: server.ServerProcess, key: str, **variables: Any) -> None:
        self.received: list[dict[str, Any]] = []
        self._client = ws_client(srv, key)
        self._variables = variables
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        async with self._client as session:
            async for result in session.subscribe(
                GraphQLRequest(SUBSCRIBE, variable_values=self._variables)
            ):
                self.received.append(result["deliveryAttempts"])

    async def __aenter__(self) -> Subscriber:
        self._task = asyncio.create_task(self._run())
        # graphql-transport-ws acknowledges the connection, not the subscription; give the
        # server a moment to register it.
        await asyncio.sleep(0.5)
        return self

    async def __aexit__(self, *_: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await self._task

    async def wait_for(self, count: int, timeout: float = 10) -> list[dict[str, Any]]:
        async with asyncio.timeout(timeout):
            while len(self.received) < count:
                await asyncio.sleep(0.02)
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


async def test_subscriber_sees_its_accounts_attempts_and_no_one_elses(
    first_server: server.ServerProcess, alice: str, bob: str, receiver: Receiver
) -> None:
    profile_id = await make_profile(first_server, alice, receiver.url)

    async with Subscriber(first_server, alice) as mine, Subscriber(first_server, bob) as theirs:
        attempt_ids = [await trigger_test(first_server, alice, profile_id) for _ in range(3)]
        got = await mine.wait_for(3)
        await asyncio.sleep(0.5)

    assert [a["id"] for a in got] == attempt_ids
    assert {(a["trigger"], a["outcome"], a["statusCode"]) for a in got} == {
        ("TEST", "SUCCEEDED", 200)
    }
    assert got[0]["profile"] == {"id": profile_id}
    assert theirs.received == []


async def test_filters_by_profile_and_channel(
    first_server: server.ServerProcess, alice: str, receiver: Receiver
) -> None:
    sms = await make_profile(first_server, alice, receiver.url)
    email = await make_profile(first_server, alice, receiver.url, channel="EMAIL")

    async with (
        Subscriber(first_server, alice, profileId=sms) as by_profile,
        Subscriber(first_server, alice, channel="EMAIL") as by_channel,
    ):
        await trigger_test(first_server, alice, email)
        await trigger_test(first_server, alice, sms)
        await by_profile.wait_for(1)
        await by_channel.wait_for(1)
        await asyncio.sleep(0.3)

    assert [a["profile"]["id"] for a in by_profile.received] == [sms]
    assert [a["channel"] for a in by_channel.received] == ["EMAIL"]


async def test_subscriber_sees_attempts_made_by_another_process(
    first_server: server.ServerProcess,
    second_server: server.ServerProcess,
    alice: str,
    receiver: Receiver,
) -> None:
    profile_id = await make_profile(first_server, alice, receiver.url)

    async with Subscriber(second_server, alice) as watcher:
        attempt_id = await trigger_test(first_server, alice, profile_id)
        got = await watcher.wait_for(1)

    assert [a["id"] for a in got] == [attempt_id]


async def test_subscription_without_a_key_is_unauthenticated(
    first_server: server.ServerProcess,
) -> None:
    async with ws_client(first_server, "cbk_wrong") as session:
        with pytest.raises(TransportQueryError) as raised:
            async for _ in session.subscribe(SUBSCRIBE):
                pass

    assert raised.value.errors is not None
    assert raised.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
