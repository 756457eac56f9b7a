"""replayDeliveries: a profile's finished deliveries of a span are queued again, each for one
manual attempt, in the order they were first published; bounded per call; with a key, a
repeated call queues nothing twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
from starlette.responses import Response

from domain import clock
from domain.models import DeliveryStatus
from tests.support.api import Api, running_api, settings
from tests.support.factories import delivery
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver

PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } userErrors { code } }
}
"""
REPLAY = """
mutation ($id: ID!, $since: DateTime!, $until: DateTime, $status: DeliveryStatus,
          $key: String) {
  replayDeliveries(profileId: $id, since: $since, until: $until, status: $status,
                   idempotencyKey: $key) {
    replayed
    userErrors { field message code }
  }
}
"""
DELIVERIES = """
query ($id: ID!) {
  deliveries(profileId: $id, first: 100) {
    edges { node { id status attempts { trigger outcome } } }
  }
}
"""
ACCOUNT_ID = "query { callbackProfiles(first: 1) { edges { node { id } } } }"
LONG_AGO = "2020-01-01T00:00:00Z"


def answering(*statuses: int) -> Any:
    queue = list(statuses)

    async def answer(_: Received) -> Response:
        return Response("no" if queue else "ok", status_code=queue.pop(0) if queue else 200)

    return answer


def refusing() -> Any:
    async def answer(_: Received) -> Response:
        return Response("no", status_code=400)

    return answer


@pytest.fixture
async def one_worker_api() -> AsyncIterator[Api]:
    """One worker: the order callbacks arrive in is the order they were queued in."""
    async with running_api(settings(CALLBACKD_WORKERS="1")) as running:
        yield running


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


async def publish(api: Api, key: str, profile_id: str, count: int) -> list[str]:
    events = [
        {"callbackProfileId": profile_id, "values": {"status": "Delivered", "ref": str(n)}}
        for n in range(count)
    ]
    data = await api.run(PUBLISH, {"events": events}, key=key)
    return [d["id"] for d in data["publishStatusEvents"]["deliveries"]]


async def rows(api: Api, key: str, profile_id: str) -> dict[str, dict[str, Any]]:
    data = await api.run(DELIVERIES, {"id": profile_id}, key=key)
    return {e["node"]["id"]: e["node"] for e in data["deliveries"]["edges"]}


async def settled(api: Api, key: str, profile_id: str, count: int) -> dict[str, dict[str, Any]]:
    """The profile's deliveries once `count` of them finished."""
    async with asyncio.timeout(10):
        while True:
            found = await rows(api, key, profile_id)
            if sum(d["status"] in ("SUCCEEDED", "FAILED") for d in found.values()) == count:
                return found
            await asyncio.sleep(0.05)


async def replay(api: Api, caller: str, profile_id: str, **arguments: Any) -> dict[str, Any]:
    data = await api.run(REPLAY, {"id": profile_id, "since": LONG_AGO, **arguments}, key=caller)
    payload: dict[str, Any] = data["replayDeliveries"]
    return payload


async def test_failed_deliveries_are_sent_again_in_the_order_they_were_published(
    one_worker_api: Api, receiver: Receiver
) -> None:
    api = one_worker_api
    key = await api.account()
    receiver.answer = answering(*[400] * 5)
    profile_id = await make(api, key, receiver)
    published = await publish(api, key, profile_id, 5)
    await settled(api, key, profile_id, 5)

    payload = await replay(api, key, profile_id)
    await receiver.wait_for(10)
    done = await settled(api, key, profile_id, 5)

    assert payload == {"replayed": 5, "userErrors": []}
    assert [r.headers["webhook-id"] for r in receiver.received[5:]] == published
    assert {i: (d["status"], d["attempts"]) for i, d in done.items()} == {
        i: (
            "SUCCEEDED",
            [
                {"trigger": "EVENT", "outcome": "HTTP_ERROR"},
                {"trigger": "MANUAL", "outcome": "SUCCEEDED"},
            ],
        )
        for i in published
    }


async def test_only_deliveries_of_the_span_and_status_are_replayed(
    api: Api, key: str, receiver: Receiver
) -> None:
    receiver.answer = answering(400, 400)
    profile_id = await make(api, key, receiver)
    failed = await publish(api, key, profile_id, 2)
    await settled(api, key, profile_id, 2)
    middle = clock.now() + timedelta(milliseconds=5)
    await asyncio.sleep(0.01)
    succeeded = await publish(api, key, profile_id, 1)
    await settled(api, key, profile_id, 3)

    before_middle = await replay(api, key, profile_id, until=middle.isoformat(), key="a")
    after_middle = await replay(api, key, profile_id, since=middle.isoformat(), key="b")
    await settled(api, key, profile_id, 3)
    successes = await replay(api, key, profile_id, status="SUCCEEDED", key="c")
    done = await settled(api, key, profile_id, 3)

    assert before_middle == {"replayed": 2, "userErrors": []}
    assert after_middle == {"replayed": 0, "userErrors": []}
    assert successes == {"replayed": 3, "userErrors": []}
    assert [len(done[i]["attempts"]) for i in (*failed, *succeeded)] == [3, 3, 2]


async def test_a_repeated_call_with_its_key_queues_nothing_again(
    api: Api, key: str, receiver: Receiver
) -> None:
    receiver.answer = refusing()
    profile_id = await make(api, key, receiver)
    await publish(api, key, profile_id, 3)
    await settled(api, key, profile_id, 3)
    first = await replay(api, key, profile_id, key="replay-1")
    await receiver.wait_for(6)
    await settled(api, key, profile_id, 3)

    repeated = await replay(api, key, profile_id, key="replay-1")
    after_repeat = await rows(api, key, profile_id)
    other_key = await replay(api, key, profile_id, key="replay-2")

    assert first == repeated == other_key == {"replayed": 3, "userErrors": []}
    assert [(d["status"], len(d["attempts"])) for d in after_repeat.values()] == [("FAILED", 2)] * 3


async def test_more_than_10000_matching_deliveries_are_refused_and_none_queued(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id = await make(api, key, receiver)
    account = await api.runtime.services.accounts.authenticate(f"Bearer {key}")
    assert account is not None
    now = clock.now()
    await api.runtime.services.store.insert_deliveries(
        [
            delivery(
                account.id,
                profile_id,
                status=DeliveryStatus.FAILED,
                attempt_count=1,
                next_attempt_at=None,
                created_at=now,
            )
            for _ in range(10_001)
        ]
    )

    payload = await replay(api, key, profile_id)
    failed_now = await api.run(
        "query { deliveries(status: FAILED, first: 1) { pageInfo { hasNextPage } } }", key=key
    )
    pending = await api.run(
        "query { deliveries(status: PENDING) { edges { node { id } } } }", key=key
    )

    assert payload == {
        "replayed": None,
        "userErrors": [
            {
                "field": ["since"],
                "message": "More than 10,000 deliveries match; replay a shorter span at a time.",
                "code": "TOO_MANY",
            }
        ],
    }
    assert failed_now["deliveries"]["pageInfo"]["hasNextPage"] is True
    assert pending["deliveries"]["edges"] == []


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [
        ({"status": "PENDING"}, "status", "INVALID_VALUE"),
        (
            {"since": "2030-01-01T00:00:00Z", "until": "2029-01-01T00:00:00Z"},
            "until",
            "INVALID_VALUE",
        ),
        ({"key": ""}, "idempotencyKey", "INVALID_VALUE"),
    ],
)
async def test_a_call_the_caller_can_fix_answers_a_user_error(
    api: Api, key: str, receiver: Receiver, arguments: dict[str, str], field: str, code: str
) -> None:
    profile_id = await make(api, key, receiver)

    payload = await replay(api, key, profile_id, **arguments)

    assert payload["replayed"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [([field], code)]


async def test_a_foreign_profile_is_not_found(
    api: Api, key: str, other_key: str, receiver: Receiver
) -> None:
    theirs = await make(api, other_key, receiver)

    payload = await replay(api, key, theirs)

    assert payload == {
        "replayed": None,
        "userErrors": [
            {
                "field": ["profileId"],
                "message": "No callback profile with this id.",
                "code": "NOT_FOUND",
            }
        ],
    }
