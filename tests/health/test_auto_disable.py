"""Auto-disable: a profile whose endpoint failed without a success for both the configured
number of attempts and time is auto-disabled, and at once after a 410 Gone; a success starts
the count again."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from starlette.responses import Response

from tests.support.api import Api, running_api, settings
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver

PUBLISH = """
mutation ($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: "Delivered"}}]) {
    deliveries { id }
  }
}
"""
PROFILE = "query ($id: ID!) { callbackProfile(id: $id) { status statusReason statusChangedAt } }"
DELIVERY = """
query ($id: ID!) {
  delivery(id: $id) { status attemptCount nextAttemptAt attempts { statusCode } }
}
"""


def answering(*statuses: int) -> Any:
    """Answers the given statuses in turn, then 200."""
    queue = list(statuses)

    async def answer(_: Received) -> Response:
        return Response("no" if queue else "ok", status_code=queue.pop(0) if queue else 200)

    return answer


@pytest.fixture
async def strict_api() -> AsyncIterator[Api]:
    """Auto-disables after 3 failures, however short the time they took."""
    config = settings(CALLBACKD_DISABLE_AFTER_HOURS="0", CALLBACKD_DISABLE_AFTER_FAILURES="3")
    async with running_api(config) as running:
        yield running


@pytest.fixture
async def patient_api() -> AsyncIterator[Api]:
    """Needs 2 failures over an hour, longer than any test."""
    config = settings(CALLBACKD_DISABLE_AFTER_HOURS="1", CALLBACKD_DISABLE_AFTER_FAILURES="2")
    async with running_api(config) as running:
        yield running


async def make(api: Api, key: str, receiver: Receiver) -> str:
    profile_id, _ = await create_profile(
        api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
    )
    return profile_id


async def publish(api: Api, key: str, profile_id: str) -> str:
    data = await api.run(PUBLISH, {"id": profile_id}, key=key)
    delivery_id: str = data["publishStatusEvents"]["deliveries"][0]["id"]
    return delivery_id


async def delivery_when(api: Api, key: str, delivery_id: str, done: Any) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            data = await api.run(DELIVERY, {"id": delivery_id}, key=key)
            if done(data["delivery"]):
                found: dict[str, Any] = data["delivery"]
                return found
            await asyncio.sleep(0.05)


def finished(d: dict[str, Any]) -> bool:
    return d["status"] in ("SUCCEEDED", "FAILED")


def held(d: dict[str, Any]) -> bool:
    return d["status"] == "PENDING" and d["nextAttemptAt"] is None


async def test_failing_for_the_configured_attempts_and_time_auto_disables(
    strict_api: Api, receiver: Receiver
) -> None:
    key = await strict_api.account()
    receiver.answer = answering(*[500] * 10)
    profile_id = await make(strict_api, key, receiver)

    delivery = await delivery_when(
        strict_api, key, await publish(strict_api, key, profile_id), held
    )
    profile = (await strict_api.run(PROFILE, {"id": profile_id}, key=key))["callbackProfile"]

    assert profile["status"] == "AUTO_DISABLED"
    assert profile["statusReason"].startswith("No success in 3 attempts since ")
    assert (delivery["attemptCount"], [a["statusCode"] for a in delivery["attempts"]]) == (
        3,
        [500, 500, 500],
    )
    assert len(receiver.received) == 3


async def test_410_gone_auto_disables_at_once(api: Api, key: str, receiver: Receiver) -> None:
    receiver.answer = answering(410)
    profile_id = await make(api, key, receiver)

    delivery = await delivery_when(api, key, await publish(api, key, profile_id), finished)
    profile = (await api.run(PROFILE, {"id": profile_id}, key=key))["callbackProfile"]

    assert profile["status"] == "AUTO_DISABLED"
    assert profile["statusReason"] == "The endpoint answered 410 Gone."
    assert (delivery["status"], delivery["attemptCount"]) == ("FAILED", 1)


async def test_a_success_starts_the_count_again(strict_api: Api, receiver: Receiver) -> None:
    key = await strict_api.account()
    # Four failures in all, never three in a row.
    receiver.answer = answering(500, 500, 200, 500, 500)
    profile_id = await make(strict_api, key, receiver)

    first = await delivery_when(
        strict_api, key, await publish(strict_api, key, profile_id), finished
    )
    second = await delivery_when(
        strict_api, key, await publish(strict_api, key, profile_id), finished
    )
    profile = (await strict_api.run(PROFILE, {"id": profile_id}, key=key))["callbackProfile"]

    assert [a["statusCode"] for a in first["attempts"]] == [500, 500, 200]
    assert [a["statusCode"] for a in second["attempts"]] == [500, 500, 200]
    assert profile == {"status": "ACTIVE", "statusReason": None, "statusChangedAt": None}


async def test_failures_within_less_than_the_configured_time_do_not_disable(
    patient_api: Api, receiver: Receiver
) -> None:
    key = await patient_api.account()
    receiver.answer = answering(*[500] * 10)
    profile_id = await make(patient_api, key, receiver)

    delivery = await delivery_when(
        patient_api, key, await publish(patient_api, key, profile_id), finished
    )
    profile = (await patient_api.run(PROFILE, {"id": profile_id}, key=key))["callbackProfile"]

    assert (delivery["status"], delivery["attemptCount"]) == ("FAILED", 4)
    assert profile["status"] == "ACTIVE"


async def test_an_auto_disabled_profile_enabled_again_counts_from_zero(
    strict_api: Api, receiver: Receiver
) -> None:
    key = await strict_api.account()
    receiver.answer = answering(500, 500, 500, 500, 500)
    profile_id = await make(strict_api, key, receiver)
    delivery_id = await publish(strict_api, key, profile_id)
    await delivery_when(strict_api, key, delivery_id, held)

    await strict_api.run(
        "mutation ($id: ID!) { enableCallbackProfile(id: $id) { userErrors { code } } }",
        {"id": profile_id},
        key=key,
    )
    delivery = await delivery_when(strict_api, key, delivery_id, finished)
    profile = (await strict_api.run(PROFILE, {"id": profile_id}, key=key))["callbackProfile"]

    # Attempt 4 fails too, the first failure since enabling: not yet three.
    assert (delivery["status"], [a["statusCode"] for a in delivery["attempts"]]) == (
        "FAILED",
        [500, 500, 500, 500],
    )
    assert profile["status"] == "ACTIVE"
