"""maxPerSecond: set at creation or with setCallbackProfileRateLimit; callbacks held back by
it wait and use no attempt; a 429 with Retry-After pauses every delivery of the profile."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from starlette.responses import Response

from tests.support.api import Api
from tests.support.profiles import CREATE, create_profile
from tests.support.receiver import Received, Receiver

SET_LIMIT = """
mutation ($id: ID!, $max: Float) {
  setCallbackProfileRateLimit(id: $id, maxPerSecond: $max) {
    callbackProfile { maxPerSecond }
    userErrors { field message code }
  }
}
"""
PROFILE = "query ($id: ID!) { callbackProfile(id: $id) { maxPerSecond pausedUntil } }"
PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } }
}
"""
DELIVERIES = """
query ($id: ID!) {
  deliveries(profileId: $id, first: 100) {
    edges { node { id status attemptCount attempts { number startedAt statusCode } } }
  }
}
"""


def profile_input(endpoint: str, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Limited",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": endpoint,
        "variables": ["status", "ref"],
        **extra,
    }


async def publish(api: Api, key: str, profile_id: str, count: int) -> list[str]:
    events = [
        {"callbackProfileId": profile_id, "values": {"status": "Delivered", "ref": str(n)}}
        for n in range(count)
    ]
    data = await api.run(PUBLISH, {"events": events}, key=key)
    return [d["id"] for d in data["publishStatusEvents"]["deliveries"]]


async def all_succeeded(api: Api, key: str, profile_id: str, count: int) -> list[dict[str, Any]]:
    async with asyncio.timeout(20):
        while True:
            data = await api.run(DELIVERIES, {"id": profile_id}, key=key)
            rows = [e["node"] for e in data["deliveries"]["edges"]]
            if len(rows) == count and all(d["status"] == "SUCCEEDED" for d in rows):
                return rows
            await asyncio.sleep(0.05)


async def test_a_limit_given_at_creation_is_shown(api: Api, key: str) -> None:
    profile_id, _ = await create_profile(
        api, key, **profile_input("https://hooks.example.com/", maxPerSecond=2.5)
    )

    data = await api.run(PROFILE, {"id": profile_id}, key=key)

    assert data["callbackProfile"] == {"maxPerSecond": 2.5, "pausedUntil": None}


async def test_the_limit_is_changed_and_removed(api: Api, key: str) -> None:
    profile_id, _ = await create_profile(api, key, **profile_input("https://hooks.example.com/"))

    changed = await api.run(SET_LIMIT, {"id": profile_id, "max": 50}, key=key)
    removed = await api.run(SET_LIMIT, {"id": profile_id, "max": None}, key=key)

    assert changed["setCallbackProfileRateLimit"] == {
        "callbackProfile": {"maxPerSecond": 50.0},
        "userErrors": [],
    }
    assert removed["setCallbackProfileRateLimit"] == {
        "callbackProfile": {"maxPerSecond": None},
        "userErrors": [],
    }


@pytest.mark.parametrize("given", [0, -1, 0.001, 10_001])
async def test_a_limit_out_of_range_is_refused(api: Api, key: str, given: float) -> None:
    profile_id, _ = await create_profile(api, key, **profile_input("https://hooks.example.com/"))

    created = await api.run(
        CREATE, {"input": profile_input("https://hooks.example.com/", maxPerSecond=given)}, key=key
    )
    changed = await api.run(SET_LIMIT, {"id": profile_id, "max": given}, key=key)

    message = "maxPerSecond takes 0.0167 (one a minute) to 10000, or null for no limit."
    assert created["createCallbackProfile"]["callbackProfile"] is None
    assert created["createCallbackProfile"]["userErrors"] == [
        {"field": ["input", "maxPerSecond"], "message": message, "code": "INVALID_VALUE"}
    ]
    assert changed["setCallbackProfileRateLimit"] == {
        "callbackProfile": None,
        "userErrors": [{"field": ["maxPerSecond"], "message": message, "code": "INVALID_VALUE"}],
    }


async def test_a_foreign_profile_limit_is_not_found(api: Api, key: str, other_key: str) -> None:
    theirs, _ = await create_profile(api, other_key, **profile_input("https://hooks.example.com/"))

    data = await api.run(SET_LIMIT, {"id": theirs, "max": 5}, key=key)

    assert data["setCallbackProfileRateLimit"]["userErrors"] == [
        {"field": ["id"], "message": "No callback profile with this id.", "code": "NOT_FOUND"}
    ]


async def test_callbacks_held_back_by_the_limit_use_no_attempt(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(api, key, **profile_input(receiver.url, maxPerSecond=20))

    published = await publish(api, key, profile_id, 30)
    done = await all_succeeded(api, key, profile_id, 30)

    assert sorted((d["id"], d["attemptCount"]) for d in done) == sorted((i, 1) for i in published)
    assert sorted(r.headers["webhook-id"] for r in receiver.received) == sorted(published)


async def test_429_with_retry_after_pauses_the_whole_profile(
    api: Api, key: str, receiver: Receiver
) -> None:
    answers = [Response("slow down", status_code=429, headers={"retry-after": "1"})]

    async def answer(_: Received) -> Response:
        return answers.pop(0) if answers else Response("ok")

    receiver.answer = answer
    profile_id, _ = await create_profile(api, key, **profile_input(receiver.url))
    (first,) = await publish(api, key, profile_id, 1)
    async with asyncio.timeout(10):
        while (await api.run(PROFILE, {"id": profile_id}, key=key))["callbackProfile"][
            "pausedUntil"
        ] is None:
            await asyncio.sleep(0.02)
    paused = await api.run(PROFILE, {"id": profile_id}, key=key)
    paused_until = datetime.fromisoformat(paused["callbackProfile"]["pausedUntil"])

    later = await publish(api, key, profile_id, 2)
    done = {d["id"]: d for d in await all_succeeded(api, key, profile_id, 3)}

    assert [a["statusCode"] for a in done[first]["attempts"]] == [429, 200]
    assert [(d["attemptCount"], len(d["attempts"])) for i, d in done.items() if i in later] == [
        (1, 1),
        (1, 1),
    ]
    sent_after_the_429 = [a for d in done.values() for a in d["attempts"] if a["statusCode"] == 200]
    assert len(sent_after_the_429) == 3
    assert all(datetime.fromisoformat(a["startedAt"]) >= paused_until for a in sent_after_the_429)
