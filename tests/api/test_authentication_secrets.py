"""Passwords, client secrets, secret token-request headers and the tokens themselves appear in
no answer, no log line and no stored document, on either store."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pymongo
import pytest
from starlette.responses import JSONResponse, Response

from tests.support.api import Api, running_api, settings
from tests.support.fixtures import on_mongodb
from tests.support.profiles import CREATE
from tests.support.receiver import Received, Receiver, running_receiver
from tests.support.tokens import CLIENT_ID, CLIENT_SECRET, PASSWORD, TokenIssuer

API_KEY_HEADER = "ak-3c9e1f0b7a2d"
PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } }
}
"""
DELIVERIES = """
query {
  deliveries {
    edges { node { status attempts {
      outcome statusCode responseBody error request { url headers { name value } body }
    } } }
  }
}
"""
PROFILES = """
query {
  callbackProfiles { edges { node { headers { value } authentication {
    type username tokenUrl clientId headers { value }
  } } } }
}
"""
TEST = """
mutation ($draft: CreateCallbackProfileInput) {
  testCallbackProfile(draft: $draft) { attempt { outcome statusCode responseBody error } }
}
"""


@dataclass
class Running:
    api: Api
    stored: Callable[[], str]
    """Every document the store holds, as text."""


@pytest.fixture(params=["memory", pytest.param("mongo", marks=pytest.mark.mongo)])
async def running(request: pytest.FixtureRequest) -> AsyncIterator[Running]:
    if request.param == "memory":
        async with running_api(settings()) as api:
            store = api.runtime.services.store
            yield Running(api, lambda: repr(vars(store)))
        return
    database: str = request.getfixturevalue("mongo_database")
    admin: pymongo.MongoClient[dict[str, Any]] = request.getfixturevalue("_mongo_admin")
    overrides = on_mongodb(request)

    def stored() -> str:
        db = admin[database]
        return repr([list(db[name].find()) for name in db.list_collection_names()])

    async with running_api(settings(**overrides)) as api:
        yield Running(api, stored)


@pytest.fixture
async def issuer() -> AsyncIterator[TokenIssuer]:
    async with running_receiver() as endpoint:
        yield TokenIssuer(endpoint)


async def create(api: Api, key: str, answers: list[Any], **input: Any) -> str:
    data = await api.run(CREATE, {"input": {"title": "Secretive", **input}}, key=key)
    answers.append(data)
    profile_id: str = data["createCallbackProfile"]["callbackProfile"]["id"]
    return profile_id


async def test_no_secret_is_answered_logged_or_stored_in_clear(
    running: Running, receiver: Receiver, issuer: TokenIssuer, caplog: pytest.LogCaptureFixture
) -> None:
    api = running.api
    caplog.set_level(logging.DEBUG)
    key = await api.account()
    receiver.answer = issuer.guard
    answers: list[Any] = []
    common = {"channel": "SMS", "httpMethod": "POST", "variables": ["status"]}
    basic_id = await create(
        api,
        key,
        answers,
        endpoint=receiver.url,
        authentication={"type": "BASIC", "username": "acme", "password": PASSWORD},
        **common,
    )
    token = {
        "type": "TOKEN",
        "tokenUrl": issuer.url,
        "clientId": CLIENT_ID,
        "clientSecret": CLIENT_SECRET,
        "headers": [{"name": "X-Api-Key", "value": API_KEY_HEADER, "secret": True}],
    }
    token_id = await create(
        api, key, answers, endpoint=receiver.url, authentication=token, **common
    )

    async with running_receiver() as echo:

        async def echoing(got: Received) -> Response:
            return JSONResponse({"error": "invalid_client", "seen": got.body.decode()}, 400)

        echo.answer = echoing
        failing = {**token, "tokenUrl": echo.url}
        failing_id = await create(
            api, key, answers, endpoint=receiver.url, authentication=failing, **common
        )
        events = [
            {"callbackProfileId": i, "values": {"status": "Delivered"}}
            for i in (basic_id, token_id, failing_id)
        ]
        answers.append(await api.run(PUBLISH, {"events": events}, key=key))
        draft = {"title": "Draft", "endpoint": receiver.url, "authentication": failing, **common}
        answers.append(await api.run(TEST, {"draft": draft}, key=key))
        async with asyncio.timeout(10):
            while len(receiver.received) < 2 or len(echo.received) < 5:
                await asyncio.sleep(0.05)
    answers.append(await api.run(DELIVERIES, key=key))
    answers.append(await api.run(PROFILES, key=key))

    places = {
        "answers": json.dumps(answers),
        "logs": caplog.text,
        "stored documents": running.stored(),
    }
    basic = base64.b64encode(f"acme:{PASSWORD}".encode()).decode()
    secrets = [PASSWORD, basic, CLIENT_SECRET, API_KEY_HEADER, "tok-1"]
    assert issuer.fetches == 1
    assert {r.headers["authorization"] for r in receiver.received} == {
        f"Basic {basic}",
        "Bearer tok-1",
    }
    assert "[redacted]" in places["answers"]
    for where, text in places.items():
        for secret in secrets:
            assert secret not in text, f"{secret!r} found in {where}"
