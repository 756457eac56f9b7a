"""Subscribers that send the same subscription share one execution on the server; each of
them still gets every attempt, in order, whoever joins or leaves, and a document that cannot
be shared still gets the error it deserves."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import httpx
import pytest
from gql import GraphQLRequest, gql
from gql.transport.exceptions import TransportQueryError

from tests.support import server
from tests.support.live import Subscriber, http_client, make_profile, trigger_test, ws_client
from tests.support.receiver import Receiver

pytestmark = pytest.mark.mongo

WITH_PROFILE_VARIABLES = gql("""
subscription { deliveryAttempts { id profile { variables { name } } } }
""")
EDIT = gql("""
mutation ($id: ID!, $vars: [String!]!) {
  editCallbackProfileVariables(id: $id, input: {variables: $vars}) { userErrors { code } }
}
""")
UNKNOWN_FIELD = gql("""
subscription { deliveryAttempts { id colour } }
""")


async def subscriptions(srv: server.ServerProcess) -> dict[str, int]:
    """What the server's /healthz says of its live subscriptions."""
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.get(srv.url.removesuffix("/graphql") + "/healthz")
    counts: dict[str, int] = response.json()["subscriptions"]
    return counts


@pytest.fixture(scope="module")
def env(mongodb_url: str) -> dict[str, str]:
    return server.server_env(mongodb_url, CALLBACKD_DATABASE=f"shared_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def srv(env: dict[str, str]) -> Iterator[server.ServerProcess]:
    with server.running(env) as running:
        yield running


@pytest.fixture(scope="module")
def carol(env: dict[str, str]) -> str:
    return server.create_account(env, "carol")


@pytest.fixture(scope="module")
def dave(env: dict[str, str]) -> str:
    return server.create_account(env, "dave")


async def test_every_subscriber_of_a_shared_stream_gets_every_attempt_in_order(
    srv: server.ServerProcess, carol: str, receiver: Receiver
) -> None:
    profile_id = await make_profile(srv, carol, receiver.url)

    async with Subscriber(srv, carol) as first, Subscriber(srv, carol) as second:
        async with Subscriber(srv, carol) as third:
            live = await subscriptions(srv)
            made = [await trigger_test(srv, carol, profile_id) for _ in range(5)]
            await third.wait_for(5)
        more = [await trigger_test(srv, carol, profile_id) for _ in range(2)]
        await first.wait_for(7)
        await second.wait_for(7)

    assert live == {"streams": 1, "subscribers": 3}
    assert [a["id"] for a in first.received] == made + more
    assert [a["id"] for a in second.received] == made + more
    assert [a["id"] for a in third.received] == made


async def test_the_stream_outlives_the_subscriber_that_started_it(
    srv: server.ServerProcess, carol: str, receiver: Receiver
) -> None:
    profile_id = await make_profile(srv, carol, receiver.url)
    starter = await Subscriber(srv, carol).__aenter__()

    async with Subscriber(srv, carol) as joiner:
        before = await trigger_test(srv, carol, profile_id)
        await starter.wait_for(1)
        await starter.__aexit__()
        after = await trigger_test(srv, carol, profile_id)
        got = await joiner.wait_for(2)

    assert [a["id"] for a in got] == [before, after]
    assert [a["id"] for a in starter.received] == [before]


async def test_same_document_of_another_account_is_not_shared(
    srv: server.ServerProcess, carol: str, dave: str, receiver: Receiver
) -> None:
    carols = await make_profile(srv, carol, receiver.url)
    daves = await make_profile(srv, dave, receiver.url)

    async with Subscriber(srv, carol) as for_carol, Subscriber(srv, dave) as for_dave:
        carol_attempt = await trigger_test(srv, carol, carols)
        dave_attempt = await trigger_test(srv, dave, daves)
        await for_carol.wait_for(1)
        await for_dave.wait_for(1)
        await asyncio.sleep(0.3)

    assert [a["id"] for a in for_carol.received] == [carol_attempt]
    assert [a["id"] for a in for_dave.received] == [dave_attempt]


async def test_nested_fields_show_the_profile_as_it_is_at_each_attempt(
    srv: server.ServerProcess, carol: str, receiver: Receiver
) -> None:
    profile_id = await make_profile(srv, carol, receiver.url)

    async with Subscriber(srv, carol, WITH_PROFILE_VARIABLES) as watcher:
        await trigger_test(srv, carol, profile_id)
        await watcher.wait_for(1)
        async with http_client(srv, carol) as session:
            await session.execute(
                GraphQLRequest(
                    EDIT, variable_values={"id": profile_id, "vars": ["status", "sender"]}
                )
            )
        await trigger_test(srv, carol, profile_id)
        got = await watcher.wait_for(2)

    assert [[v["name"] for v in a["profile"]["variables"]] for a in got] == [
        ["status"],
        ["status", "sender"],
    ]


async def test_a_document_that_does_not_validate_gets_its_validation_error(
    srv: server.ServerProcess, carol: str
) -> None:
    async with ws_client(srv, carol) as session:
        with pytest.raises(TransportQueryError) as raised:
            async for _ in session.subscribe(UNKNOWN_FIELD):
                pass

    assert raised.value.errors is not None
    assert "Cannot query field 'colour'" in raised.value.errors[0]["message"]
