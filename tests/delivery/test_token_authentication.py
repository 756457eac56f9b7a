"""TOKEN authentication on delivery: a token is fetched from the customer's token URL, reused
by every callback of the profile while it lives, fetched again after it expires or once when
the endpoint answers 401, and a token endpoint that fails makes an AUTH_FAILED attempt that
is retried like any other failure."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from starlette.responses import JSONResponse, Response

from domain.models import Header
from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver, running_receiver
from tests.support.tokens import CLIENT_ID, CLIENT_SECRET, TokenIssuer

PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } userErrors { code } }
}
"""
DELIVERY = """
query ($id: ID!) {
  delivery(id: $id) {
    status attemptCount
    attempts {
      number outcome statusCode responseBody error
      request { headers { name value } }
    }
  }
}
"""


@pytest.fixture
async def issuer() -> AsyncIterator[TokenIssuer]:
    async with running_receiver() as endpoint:
        yield TokenIssuer(endpoint)


async def token_profile(api: Api, key: str, receiver: Receiver, url: str, **auth: Any) -> str:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
        authentication={
            "type": "TOKEN",
            "tokenUrl": url,
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            **auth,
        },
    )
    return profile_id


async def publish(api: Api, key: str, profile_id: str, count: int = 1) -> list[str]:
    events = [{"callbackProfileId": profile_id, "values": {"status": "Delivered"}}] * count
    data = await api.run(PUBLISH, {"events": events}, key=key)
    return [d["id"] for d in data["publishStatusEvents"]["deliveries"]]


async def settled(api: Api, key: str, delivery_id: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            data = await api.run(DELIVERY, {"id": delivery_id}, key=key)
            if data["delivery"]["status"] in ("SUCCEEDED", "FAILED"):
                found: dict[str, Any] = data["delivery"]
                return found
            await asyncio.sleep(0.05)


async def test_callbacks_carry_the_fetched_token_as_bearer(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    receiver.answer = issuer.guard
    profile_id = await token_profile(api, key, receiver, issuer.url)

    [delivery_id] = await publish(api, key, profile_id)
    delivery = await settled(api, key, delivery_id)

    assert delivery["status"] == "SUCCEEDED"
    [token_request] = issuer.endpoint.received
    assert token_request.method == "POST"
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    assert token_request.body == form.encode()
    [callback] = receiver.received
    assert callback.headers["authorization"] == "Bearer tok-1"
    assert {"name": "authorization", "value": "[redacted]"} in delivery["attempts"][0]["request"][
        "headers"
    ]


async def test_one_token_serves_concurrent_callbacks_while_it_lives(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    issuer.delay = 0.3
    receiver.answer = issuer.guard
    profile_id = await token_profile(api, key, receiver, issuer.url)

    first = await publish(api, key, profile_id, count=12)
    for delivery_id in first:
        await settled(api, key, delivery_id)
    later = await publish(api, key, profile_id, count=3)
    for delivery_id in later:
        await settled(api, key, delivery_id)

    assert issuer.fetches == 1
    assert len(receiver.received) == 15
    assert {r.headers["authorization"] for r in receiver.received} == {"Bearer tok-1"}


async def test_an_expired_token_is_fetched_again(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    issuer.lifetime = 1
    receiver.answer = issuer.guard
    profile_id = await token_profile(api, key, receiver, issuer.url)
    [first] = await publish(api, key, profile_id)
    await settled(api, key, first)

    await asyncio.sleep(1.1)
    [second] = await publish(api, key, profile_id)
    delivery = await settled(api, key, second)

    assert delivery["status"] == "SUCCEEDED"
    assert issuer.fetches == 2
    assert [r.headers["authorization"] for r in receiver.received] == [
        "Bearer tok-1",
        "Bearer tok-2",
    ]


async def test_a_401_fetches_a_fresh_token_and_resends_once_in_the_same_attempt(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    receiver.answer = issuer.guard
    profile_id = await token_profile(api, key, receiver, issuer.url)
    [first] = await publish(api, key, profile_id)
    await settled(api, key, first)
    issuer.revoked.add("tok-1")

    [second] = await publish(api, key, profile_id)
    delivery = await settled(api, key, second)

    assert delivery["status"] == "SUCCEEDED"
    assert [(a["number"], a["outcome"], a["statusCode"]) for a in delivery["attempts"]] == [
        (1, "SUCCEEDED", 200)
    ]
    assert issuer.fetches == 2
    assert [r.headers["authorization"] for r in receiver.received] == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]


async def test_a_second_401_is_the_attempt_s_answer(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    async def refuse(_: Received) -> Response:
        return Response("no", status_code=401)

    receiver.answer = refuse
    profile_id = await token_profile(api, key, receiver, issuer.url)

    [delivery_id] = await publish(api, key, profile_id)
    delivery = await settled(api, key, delivery_id)

    assert [(a["outcome"], a["statusCode"]) for a in delivery["attempts"]] == [("HTTP_ERROR", 401)]
    assert issuer.fetches == 2
    assert len(receiver.received) == 2


async def test_token_and_lifetime_are_read_at_dotted_paths(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    issuer.shape = lambda token, lifetime: {"data": {"auth": [{"jwt": token, "ttl": lifetime}]}}
    receiver.answer = issuer.guard
    profile_id = await token_profile(
        api,
        key,
        receiver,
        issuer.url,
        tokenField="data.auth.0.jwt",
        expiresInField="data.auth.0.ttl",
    )

    [delivery_id] = await publish(api, key, profile_id)
    delivery = await settled(api, key, delivery_id)

    assert delivery["status"] == "SUCCEEDED"
    assert receiver.received[0].headers["authorization"] == "Bearer tok-1"


@pytest.mark.parametrize(
    ("auth", "method", "content_type", "body", "basic"),
    [
        (
            {"credentials": "JSON_BODY"},
            "POST",
            "application/json",
            f'{{"client_id": "{CLIENT_ID}", "client_secret": "{CLIENT_SECRET}"}}',
            False,
        ),
        (
            {"credentials": "BASIC_HEADER"},
            "POST",
            "application/x-www-form-urlencoded",
            "grant_type=client_credentials",
            True,
        ),
        ({"tokenMethod": "GET"}, "GET", None, "", True),
    ],
    ids=["json-body", "basic-header", "get"],
)
async def test_credentials_go_where_the_profile_says(
    api: Api,
    key: str,
    receiver: Receiver,
    issuer: TokenIssuer,
    auth: dict[str, str],
    method: str,
    content_type: str | None,
    body: str,
    basic: bool,
) -> None:
    receiver.answer = issuer.guard
    profile_id = await token_profile(
        api, key, receiver, issuer.url, headers=[{"name": "X-Tenant", "value": "acme"}], **auth
    )

    [delivery_id] = await publish(api, key, profile_id)
    delivery = await settled(api, key, delivery_id)

    assert delivery["status"] == "SUCCEEDED"
    [got] = issuer.endpoint.received
    assert got.method == method
    assert got.headers.get("content-type") == content_type
    assert got.body == body.encode()
    assert got.headers["x-tenant"] == "acme"
    assert ("authorization" in got.headers) is basic


async def test_a_failing_token_endpoint_is_an_auth_failed_attempt_retried_to_the_limit(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    async def broken(got: Received) -> Response:
        return JSONResponse({"error": "invalid_client", "echo": got.body.decode()}, 401)

    issuer.endpoint.answer = broken
    profile_id = await token_profile(api, key, receiver, issuer.url)

    [delivery_id] = await publish(api, key, profile_id)
    delivery = await settled(api, key, delivery_id)

    assert delivery["status"] == "FAILED"
    assert delivery["attemptCount"] == 4
    first = delivery["attempts"][0]
    assert first["outcome"] == "AUTH_FAILED"
    assert first["statusCode"] == 401
    assert first["error"] == "token endpoint answered HTTP 401"
    assert first["responseBody"] == (
        '{"error":"invalid_client","echo":"grant_type=client_credentials&client_id='
        f'{CLIENT_ID}&client_secret=[redacted]"}}'
    )
    assert [a["outcome"] for a in delivery["attempts"]] == ["AUTH_FAILED"] * 4
    assert receiver.received == []


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"token": "x"}, "token endpoint answer has no token at `access_token`"),
        (
            {"access_token": "tok-9", "expires_in": "soon"},
            "token lifetime at `expires_in` is not a number of seconds",
        ),
        ({"access_token": "tok-9 x"}, "token endpoint answer has no token at `access_token`"),
        ({"access_token": "tök-9"}, "token endpoint answer has no token at `access_token`"),
        ("<html>maintenance</html>", "token endpoint answer is not JSON"),
        ("[" * 10_000, "token endpoint answer is not JSON"),
    ],
    ids=["no-token", "bad-lifetime", "token-with-space", "token-not-ascii", "html", "deep"],
)
async def test_an_unusable_token_answer_is_auth_failed(
    api: Api,
    key: str,
    receiver: Receiver,
    issuer: TokenIssuer,
    answer: dict[str, str] | str,
    error: str,
) -> None:
    async def odd(_: Received) -> Response:
        return Response(answer) if isinstance(answer, str) else JSONResponse(answer)

    issuer.endpoint.answer = odd
    profile_id = await token_profile(api, key, receiver, issuer.url)

    [delivery_id] = await publish(api, key, profile_id)
    delivery = await settled(api, key, delivery_id)

    first = delivery["attempts"][0]
    assert (first["outcome"], first["statusCode"], first["error"]) == ("AUTH_FAILED", 200, error)
    assert "tok-9" not in first["responseBody"]


async def test_auth_failed_attempts_are_streamed_to_subscribers(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    async def down(_: Received) -> Response:
        return Response("maintenance", status_code=503)

    issuer.endpoint.answer = down
    profile_id = await token_profile(api, key, receiver, issuer.url)
    account = await api.runtime.services.accounts.authenticate(f"Bearer {key}")
    assert account is not None
    stream = api.runtime.services.hub.subscribe(account.id, profile_id)
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)

    await publish(api, key, profile_id)
    streamed = await asyncio.wait_for(first, 10)
    await stream.aclose()

    assert (streamed.outcome.value, streamed.status_code, streamed.response_body) == (
        "AUTH_FAILED",
        503,
        "maintenance",
    )


async def test_a_token_request_that_cannot_be_sent_is_auth_failed(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    profile_id = await token_profile(api, key, receiver, issuer.url)
    # A header value stored before header values had to be ASCII; httpx cannot send it.
    account = await api.runtime.services.accounts.authenticate(f"Bearer {key}")
    assert account is not None
    store = api.runtime.services.store
    stored = await store.get_profile(account.id, profile_id)
    assert stored is not None and stored.authentication and stored.authentication.token
    token = replace(stored.authentication.token, headers=(Header("X-Tenant", "Zürich"),))
    await store.update_profile_authentication(
        account.id, profile_id, replace(stored.authentication, token=token), stored.updated_at
    )

    [delivery_id] = await publish(api, key, profile_id)
    delivery = await settled(api, key, delivery_id)

    first = delivery["attempts"][0]
    assert (first["outcome"], first["statusCode"], first["error"]) == (
        "AUTH_FAILED",
        None,
        "token request headers must be ASCII text",
    )
    assert issuer.fetches == 0
