"""A profile that is not active: reports for it are refused, writing nothing; deliveries
queued before it was disabled wait unsent, without using an attempt, and go on once it is
enabled again."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import Response

from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver

PUBLISH = """
mutation ($id: ID!, $n: String!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: "Delivered", ref: $n}}]) {
    deliveries { id status }
    userErrors { field message code }
  }
}
"""
DISABLE = "mutation ($id: ID!) { disableCallbackProfile(id: $id) { userErrors { code } } }"
ENABLE = "mutation ($id: ID!) { enableCallbackProfile(id: $id) { userErrors { code } } }"
DELIVERIES = """
query ($id: ID!) {
  deliveries(profileId: $id) {
    edges { node { id status attemptCount nextAttemptAt attempts { number trigger outcome } } }
  }
}
"""


async def make(api: Api, key: str, receiver: Receiver) -> str:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status", "ref"],
    )
    return profile_id


async def deliveries(api: Api, key: str, profile_id: str) -> list[dict[str, Any]]:
    data = await api.run(DELIVERIES, {"id": profile_id}, key=key)
    return [e["node"] for e in data["deliveries"]["edges"]]


async def until_all(api: Api, key: str, profile_id: str, wanted: Any) -> list[dict[str, Any]]:
    async with asyncio.timeout(10):
        while True:
            rows = await deliveries(api, key, profile_id)
            if all(wanted(d) for d in rows):
                return rows
            await asyncio.sleep(0.05)


async def test_a_report_for_a_disabled_profile_is_refused_and_nothing_is_written(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id = await make(api, key, receiver)
    await api.run(DISABLE, {"id": profile_id}, key=key)

    data = await api.run(PUBLISH, {"id": profile_id, "n": "1"}, key=key)

    assert data["publishStatusEvents"] == {
        "deliveries": [None],
        "userErrors": [
            {
                "field": ["events", "0", "callbackProfileId"],
                "message": f"Callback profile {profile_id} was disabled by its account. "
                "Enable it with enableCallbackProfile to publish reports for it again.",
                "code": "PROFILE_NOT_ACTIVE",
            }
        ],
    }
    assert await deliveries(api, key, profile_id) == []


async def test_a_report_for_an_auto_disabled_profile_is_refused_with_callbackds_reason(
    api: Api, key: str, receiver: Receiver
) -> None:
    async def gone(_: Received) -> Response:
        return Response("gone", status_code=410)

    receiver.answer = gone
    profile_id = await make(api, key, receiver)
    await api.run(PUBLISH, {"id": profile_id, "n": "1"}, key=key)
    await until_all(api, key, profile_id, lambda d: d["status"] == "FAILED")

    data = await api.run(PUBLISH, {"id": profile_id, "n": "2"}, key=key)

    assert data["publishStatusEvents"]["userErrors"] == [
        {
            "field": ["events", "0", "callbackProfileId"],
            "message": f"Callback profile {profile_id} was disabled by callbackd: The endpoint "
            "answered 410 Gone. Enable it with enableCallbackProfile to publish reports for "
            "it again.",
            "code": "PROFILE_NOT_ACTIVE",
        }
    ]
    assert len(await deliveries(api, key, profile_id)) == 1


async def test_queued_deliveries_wait_while_disabled_and_go_on_when_enabled(
    api: Api, key: str, receiver: Receiver
) -> None:
    engine = api.runtime.engine
    assert engine is not None
    profile_id = await make(api, key, receiver)
    # Queued while no worker runs, so that none is sent before the profile is disabled.
    await engine.stop()
    for n in ("1", "2", "3"):
        await api.run(PUBLISH, {"id": profile_id, "n": n}, key=key)
    await api.run(DISABLE, {"id": profile_id}, key=key)

    engine.start()
    held = await until_all(api, key, profile_id, lambda d: d["nextAttemptAt"] is None)

    assert [(d["status"], d["attemptCount"], d["attempts"]) for d in held] == [
        ("PENDING", 0, [])
    ] * 3
    assert receiver.received == []

    await api.run(ENABLE, {"id": profile_id}, key=key)
    done = await until_all(api, key, profile_id, lambda d: d["status"] == "SUCCEEDED")

    assert [(d["attemptCount"], d["attempts"]) for d in done] == [
        (1, [{"number": 1, "trigger": "EVENT", "outcome": "SUCCEEDED"}])
    ] * 3
    assert sorted(r.headers["webhook-id"] for r in receiver.received) == sorted(
        d["id"] for d in done
    )
