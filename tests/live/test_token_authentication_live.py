"""A running server process with TOKEN profiles: subscribers see an AUTH_FAILED attempt as it
happens, and the process's output never holds a client secret or a token."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest
from gql import GraphQLRequest, gql

from tests.support import server
from tests.support.live import Subscriber, http_client, trigger_test
from tests.support.receiver import Receiver, running_receiver
from tests.support.tokens import CLIENT_ID, CLIENT_SECRET, TokenIssuer

pytestmark = pytest.mark.mongo

CREATE = gql("""
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) { callbackProfile { id } }
}
""")


@pytest.fixture(scope="module")
def env(mongodb_url: str) -> dict[str, str]:
    return server.server_env(mongodb_url, CALLBACKD_DATABASE=f"auth_{uuid.uuid4().hex[:12]}")


@pytest.fixture(scope="module")
def srv(env: dict[str, str]) -> Iterator[server.ServerProcess]:
    with server.running(env) as running:
        yield running


@pytest.fixture(scope="module")
def key(env: dict[str, str]) -> str:
    return server.create_account(env, "tokens")


@pytest.fixture
async def issuer() -> AsyncIterator[TokenIssuer]:
    async with running_receiver() as endpoint:
        yield TokenIssuer(endpoint)


async def token_profile(
    srv: server.ServerProcess, key: str, endpoint: str, token_url: str, secret: str
) -> str:
    input = {
        "title": "Live token",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": endpoint,
        "variables": ["status"],
        "authentication": {
            "type": "TOKEN",
            "tokenUrl": token_url,
            "clientId": CLIENT_ID,
            "clientSecret": secret,
        },
    }
    async with http_client(srv, key) as session:
        data = await session.execute(GraphQLRequest(CREATE, variable_values={"input": input}))
    profile_id: str = data["createCallbackProfile"]["callbackProfile"]["id"]
    return profile_id


async def test_auth_failed_is_streamed_and_no_secret_reaches_the_output(
    srv: server.ServerProcess, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    receiver.answer = issuer.guard
    refused = await token_profile(srv, key, receiver.url, issuer.url, "not-the-secret-81f2")
    accepted = await token_profile(srv, key, receiver.url, issuer.url, CLIENT_SECRET)

    async with Subscriber(srv, key) as subscriber:
        failed_id = await trigger_test(srv, key, refused)
        succeeded_id = await trigger_test(srv, key, accepted)
        got = await subscriber.wait_for(2)

    assert [(a["id"], a["outcome"], a["statusCode"]) for a in got] == [
        (failed_id, "AUTH_FAILED", 401),
        (succeeded_id, "SUCCEEDED", 200),
    ]
    assert [r.headers["authorization"] for r in receiver.received] == ["Bearer tok-1"]
    output = "".join(srv.lines)
    for secret in ("not-the-secret-81f2", CLIENT_SECRET, "tok-1"):
        assert secret not in output
