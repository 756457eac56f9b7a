"""deliveryAttempts over graphql-transport-ws, with the gql client against running server
processes: an account sees its own attempts only, filtered as asked, whichever process made
them."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from gql.transport.exceptions import TransportConnectionFailed
from websockets.exceptions import ConnectionClosedError

from tests.support import server
from tests.support.live import SUBSCRIBE, Subscriber, make_profile, trigger_test, ws_client
from tests.support.receiver import Receiver

pytestmark = pytest.mark.mongo


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


async def test_a_wrong_key_is_refused_at_connection_init(
    first_server: server.ServerProcess,
) -> None:
    with pytest.raises(TransportConnectionFailed) as raised:
        async with ws_client(first_server, "cbk_wrong") as session:
            async for _ in session.subscribe(SUBSCRIBE):
                pass

    closed = raised.value.__cause__
    assert isinstance(closed, ConnectionClosedError)
    assert closed.rcvd is not None
    assert (closed.rcvd.code, closed.rcvd.reason) == (4403, "Forbidden")
