"""profileEvents over graphql-transport-ws, with the gql client against running server
processes: status changes, pauses and replays of an account's profiles reach its own
subscribers only, whichever process they happened in."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from gql import GraphQLRequest, gql
from starlette.responses import Response

from tests.support import server
from tests.support.live import Subscriber, http_client, make_profile
from tests.support.receiver import Received, Receiver

pytestmark = pytest.mark.mongo

EVENTS = gql("""
subscription ($profileId: ID) {
  profileEvents(profileId: $profileId) {
    id kind profileId status reason at pausedUntil replayed profile { id }
  }
}
""")
DISABLE = gql("mutation ($id: ID!) { disableCallbackProfile(id: $id) { userErrors { code } } }")
ENABLE = gql("mutation ($id: ID!) { enableCallbackProfile(id: $id) { userErrors { code } } }")
REPLAY = gql("""
mutation ($id: ID!) {
  replayDeliveries(profileId: $id, since: "2020-01-01T00:00:00Z") { replayed }
}
""")
PUBLISH = gql("""
mutation ($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: "Delivered"}}]) {
    deliveries { id }
  }
}
""")


@pytest.fixture(scope="module")
def shared_env(mongodb_url: str) -> dict[str, str]:
    return server.server_env(mongodb_url, CALLBACKD_DATABASE=f"events_{uuid.uuid4().hex[:12]}")


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


async def call(
    srv: server.ServerProcess, key: str, document: Any, **variables: Any
) -> dict[str, Any]:
    async with http_client(srv, key) as session:
        result: dict[str, Any] = await session.execute(
            GraphQLRequest(document, variable_values=variables)
        )
    return result


def shown(event: dict[str, Any]) -> tuple[Any, ...]:
    return (event["kind"], event["profileId"], event["status"], event["reason"], event["replayed"])


async def test_status_changes_and_replays_reach_the_accounts_subscribers_in_every_process(
    first_server: server.ServerProcess,
    second_server: server.ServerProcess,
    alice: str,
    bob: str,
    receiver: Receiver,
) -> None:
    profile_id = await make_profile(first_server, alice, receiver.url)

    async with (
        Subscriber(second_server, alice, EVENTS) as mine,
        Subscriber(second_server, bob, EVENTS) as theirs,
    ):
        await call(first_server, alice, DISABLE, id=profile_id)
        await call(first_server, alice, ENABLE, id=profile_id)
        await call(first_server, alice, REPLAY, id=profile_id)
        got = await mine.wait_for(3)
        await asyncio.sleep(0.5)

    assert [shown(e) for e in got] == [
        ("DISABLED", profile_id, "DISABLED", "Disabled by the account.", None),
        ("ENABLED", profile_id, "ACTIVE", None, None),
        ("REPLAYED", profile_id, "ACTIVE", None, 0),
    ]
    # The profile as it is when the event is sent out, whichever status that is by then.
    assert {e["profile"]["id"] for e in got} == {profile_id}
    assert len({e["id"] for e in got}) == 3
    assert theirs.received == []


async def test_an_auto_disable_after_410_reaches_a_subscriber_with_its_reason(
    first_server: server.ServerProcess,
    second_server: server.ServerProcess,
    alice: str,
    receiver: Receiver,
) -> None:
    async def gone(_: Received) -> Response:
        return Response("gone", status_code=410)

    receiver.answer = gone
    profile_id = await make_profile(first_server, alice, receiver.url)

    async with Subscriber(second_server, alice, EVENTS, profileId=profile_id) as mine:
        await call(first_server, alice, PUBLISH, id=profile_id)
        (event,) = await mine.wait_for(1)

    assert shown(event) == (
        "AUTO_DISABLED",
        profile_id,
        "AUTO_DISABLED",
        "The endpoint answered 410 Gone.",
        None,
    )


async def test_a_429_with_retry_after_is_announced_as_a_pause(
    first_server: server.ServerProcess,
    second_server: server.ServerProcess,
    alice: str,
    receiver: Receiver,
) -> None:
    async def slow_down(_: Received) -> Response:
        return Response("slow down", status_code=429, headers={"retry-after": "30"})

    receiver.answer = slow_down
    profile_id = await make_profile(first_server, alice, receiver.url)
    other = await make_profile(first_server, alice, receiver.url)

    async with Subscriber(second_server, alice, EVENTS, profileId=profile_id) as mine:
        await call(first_server, alice, DISABLE, id=other)
        await call(first_server, alice, PUBLISH, id=profile_id)
        (event,) = await mine.wait_for(1)
        await asyncio.sleep(0.5)

    assert shown(event) == (
        "PAUSED",
        profile_id,
        "ACTIVE",
        "The endpoint answered 429 with Retry-After: 30 s.",
        None,
    )
    paused_for = datetime.fromisoformat(event["pausedUntil"]) - datetime.fromisoformat(event["at"])
    assert paused_for.total_seconds() == 30
    assert len(mine.received) == 1
