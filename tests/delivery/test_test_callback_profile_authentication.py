"""testCallbackProfile applies the profile's authentication, saved or draft: a token endpoint
that refuses shows as an AUTH_FAILED attempt with its answer, never as a server error."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.responses import Response

from tests.support.api import Api, running_api, settings
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver, running_receiver
from tests.support.tokens import CLIENT_ID, CLIENT_SECRET, TokenIssuer

TEST = """
mutation ($id: ID, $draft: CreateCallbackProfileInput) {
  testCallbackProfile(id: $id, draft: $draft) {
    attempt { outcome statusCode responseBody error }
    userErrors { field code }
  }
}
"""


@pytest.fixture
async def issuer() -> AsyncIterator[TokenIssuer]:
    async with running_receiver() as endpoint:
        yield TokenIssuer(endpoint)


def draft(receiver: Receiver, issuer: TokenIssuer, secret: str = CLIENT_SECRET) -> dict[str, Any]:
    return {
        "title": "Draft",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": receiver.url,
        "variables": ["status"],
        "authentication": {
            "type": "TOKEN",
            "tokenUrl": issuer.url,
            "clientId": CLIENT_ID,
            "clientSecret": secret,
        },
    }


async def run_test(api: Api, key: str, **variables: Any) -> dict[str, Any]:
    data = await api.run(TEST, variables, key=key)
    payload: dict[str, Any] = data["testCallbackProfile"]
    return payload


async def test_a_draft_with_a_wrong_secret_is_auth_failed_with_the_token_answer(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    payload = await run_test(api, key, draft=draft(receiver, issuer, secret="wrong"))

    assert payload["userErrors"] == []
    assert payload["attempt"] == {
        "outcome": "AUTH_FAILED",
        "statusCode": 401,
        "responseBody": '{"error":"invalid_client"}',
        "error": "token endpoint answered HTTP 401",
    }
    assert receiver.received == []


async def test_a_draft_fetches_a_token_for_each_test(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    receiver.answer = issuer.guard

    first = await run_test(api, key, draft=draft(receiver, issuer))
    second = await run_test(api, key, draft=draft(receiver, issuer))

    assert [first["attempt"]["outcome"], second["attempt"]["outcome"]] == ["SUCCEEDED"] * 2
    assert issuer.fetches == 2
    assert [r.headers["authorization"] for r in receiver.received] == [
        "Bearer tok-1",
        "Bearer tok-2",
    ]


async def test_a_token_url_the_guard_refuses_is_never_called(
    receiver: Receiver, issuer: TokenIssuer
) -> None:
    async with running_api(settings(CALLBACKD_ALLOW_NETWORKS="")) as api:
        own_key = await api.account()

        payload = await run_test(api, own_key, draft=draft(receiver, issuer))

    attempt = payload["attempt"]
    assert (attempt["outcome"], attempt["statusCode"]) == ("AUTH_FAILED", None)
    assert attempt["error"].startswith("token URL blocked: 127.0.0.1 resolves to 127.0.0.1")
    assert issuer.fetches == 0
    assert receiver.received == []


async def test_a_token_answer_echoing_the_secret_shows_it_redacted_in_every_spelling(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    secret = 'p&ss=wörd+/"x'

    async def echo(got: Received) -> Response:
        seen = f"{got.body.decode()} {got.headers.get('authorization')}"
        return Response(seen, status_code=400)

    issuer.endpoint.answer = echo
    form = draft(receiver, issuer, secret=secret)
    as_json = draft(receiver, issuer, secret=secret)
    as_json["authentication"]["credentials"] = "JSON_BODY"
    as_basic = draft(receiver, issuer, secret=secret)
    as_basic["authentication"]["credentials"] = "BASIC_HEADER"

    bodies = [
        (await run_test(api, key, draft=d))["attempt"]["responseBody"]
        for d in (form, as_json, as_basic)
    ]

    assert bodies == [
        f"grant_type=client_credentials&client_id={CLIENT_ID}&client_secret=[redacted] None",
        f'{{"client_id": "{CLIENT_ID}", "client_secret": "[redacted]"}} None',
        "grant_type=client_credentials Basic [redacted]",
    ]


async def test_a_saved_profile_s_tests_share_its_cached_token(
    api: Api, key: str, receiver: Receiver, issuer: TokenIssuer
) -> None:
    receiver.answer = issuer.guard
    profile_id, _ = await create_profile(api, key, **draft(receiver, issuer))

    outcomes = [(await run_test(api, key, id=profile_id))["attempt"]["outcome"] for _ in range(3)]

    assert outcomes == ["SUCCEEDED"] * 3
    assert issuer.fetches == 1
    assert {r.headers["authorization"] for r in receiver.received} == {"Bearer tok-1"}


async def test_token_fetch_and_callback_share_one_request_timeout(
    receiver: Receiver, issuer: TokenIssuer
) -> None:
    # Each alone answers within the timeout; together they do not. A worker's lease only
    # outlasts one request timeout, so the attempt must end within it.
    async def slow(_: Received) -> Response:
        await asyncio.sleep(1.8)
        return Response("late")

    issuer.delay = 0.4
    receiver.answer = slow
    async with running_api(settings(CALLBACKD_REQUEST_TIMEOUT_SECONDS="2")) as api:
        own_key = await api.account()

        payload = await run_test(api, own_key, draft=draft(receiver, issuer))

    attempt = payload["attempt"]
    assert (attempt["outcome"], attempt["statusCode"], attempt["error"]) == (
        "TIMEOUT",
        None,
        "no answer within 2 s, the token fetch included",
    )
    assert issuer.fetches == 1
