"""Generated queries and mutations, with generated arguments inline or as variables, sent
with a valid key to a server with a stored profile and delivery: none is answered with a 5xx
or an internal error, and every error carries a known code. Each store in turn, as both
serve the API."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pymongo
import pytest
from hypothesis import HealthCheck, example, given, settings

from graph.errors import ErrorCode
from tests.support.api import Api, running_api
from tests.support.api import settings as api_settings
from tests.support.fuzzing import (
    CALLS,
    DELIVERY_ID,
    OPERATIONS,
    PROFILE_ID,
    RECEIVER_URL,
    Call,
    call_document,
    fill,
)
from tests.support.profiles import create_profile
from tests.support.receiver import running_receiver
from tests.support.server import TEST_SECRET_KEY

PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } userErrors { code } }
}
"""

CODES = {code.value for code in ErrorCode}

# One server serves every example of a store, as a real one would; derandomized, so each
# run sends the same operations and the suite stays fast.
FUZZING = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def _fuzzed_database(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Settings for a database of this module's own on the test MongoDB server."""
    url: str = request.getfixturevalue("mongodb_url")
    name = f"callbackd_fuzz_{uuid.uuid4().hex[:12]}"
    yield {"MONGODB_URL": url, "CALLBACKD_DATABASE": name, "CALLBACKD_SECRET_KEY": TEST_SECRET_KEY}
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(url)
    with client:
        client.drop_database(name)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("memory", id="memory"),
        pytest.param("mongo", id="mongo", marks=pytest.mark.mongo),
    ],
)
async def fuzzed(request: pytest.FixtureRequest) -> AsyncIterator[tuple[Api, dict[str, str]]]:
    """The server, and what markers stand for: a key, a profile sending to a real receiver,
    and a delivery to it."""
    overrides: dict[str, str] = {}
    if request.param == "mongo":
        # No workers, so nothing reads the database between requests: its driver, which
        # counts commands for the metrics, draws each one's operation id from the global
        # `random` on its own threads, and Hypothesis takes a change of that state while it
        # draws an example for a strategy's use of `random`.
        overrides = {**request.getfixturevalue("_fuzzed_database"), "CALLBACKD_WORKERS": "0"}
    async with running_receiver() as receiver, running_api(api_settings(**overrides)) as api:
        key = await api.account("fuzz")
        profile_id, _ = await create_profile(
            api,
            key,
            channel="SMS",
            httpMethod="POST",
            endpoint=receiver.url,
            variables=["status", "sender"],
        )
        data = await api.run(
            PUBLISH,
            {"events": [{"callbackProfileId": profile_id, "values": {"status": "Delivered"}}]},
            key=key,
        )
        [delivery] = data["publishStatusEvents"]["deliveries"]
        yield (
            api,
            {
                "key": key,
                PROFILE_ID: profile_id,
                DELIVERY_ID: delivery["id"],
                RECEIVER_URL: receiver.url,
            },
        )


async def send(fuzzed: tuple[Api, dict[str, str]], body: dict[str, Any]) -> list[object]:
    """Posts `body` as a client with a valid key would; answers what in the answer shows the
    server failed rather than refused: a 5xx, an internal error, an error without a code."""
    api, known = fuzzed
    # ASCII JSON, so a lone surrogate in a string travels as its escape, as JSON allows.
    response = await api.http.post(
        "/graphql",
        content=fill(json.dumps(body), known),
        headers={
            "authorization": f"Bearer {known['key']}",
            "content-type": "application/json",
            "accept": "application/graphql-response+json",
        },
    )
    found: list[object] = [f"HTTP {response.status_code}"] if response.status_code >= 500 else []
    for error in response.json().get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code == ErrorCode.INTERNAL_SERVER_ERROR.value or code not in CODES:
            found.append(error)
    return found


@settings(FUZZING, max_examples=40)
@given(document=OPERATIONS)
async def test_no_generated_operation_fails_the_server(
    fuzzed: tuple[Api, dict[str, str]], document: str
) -> None:
    # Given a stored profile and delivery, whose ids generated arguments may name
    # When a generated operation, its arguments inline, is sent with a valid key
    faults = await send(fuzzed, {"query": document})

    # Then it is answered, or refused with a code, never failed
    assert faults == []


@settings(FUZZING, max_examples=200)
@given(call=CALLS)
# Inputs that failed the server once, tried before any generated one.
@example(
    call=(
        call_document("publishStatusEvents"),
        {"events": [{"callbackProfileId": PROFILE_ID, "values": {"total": 2**70}}]},
    )
)
@example(
    call=(
        call_document("publishStatusEvents"),
        {"events": [{"callbackProfileId": PROFILE_ID, "values": {"total": 1e308}}]},
    )
)
@example(call=(call_document("retryDelivery"), {"id": "\ud800"}))
@example(call=(call_document("callbackProfiles"), {"search": "\ud800"}))
async def test_no_generated_variables_fail_the_server(
    fuzzed: tuple[Api, dict[str, str]], call: Call
) -> None:
    # Given a stored profile and delivery, whose ids generated variables may name
    document, variables = call

    # When a root field is called with generated variables and a valid key
    faults = await send(fuzzed, {"query": document, "variables": variables})

    # Then it is answered, or refused with a code, never failed
    assert faults == []
