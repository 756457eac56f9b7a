"""Delivery outcomes: 2xx succeeds; timeouts, connection errors, 408, 429 and 5xx are retried
with backoff up to the attempt limit; other 4xx and 410 fail at once; retryDelivery re-queues."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from starlette.responses import Response

from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver

PUBLISH = """
mutation ($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: "Delivered"}}]) {
    deliveries { id }
  }
}
"""
DELIVERY = """
query ($id: ID!) {
  delivery(id: $id) {
    status attemptCount
    attempts { number trigger outcome statusCode }
  }
}
"""
RETRY = """
mutation ($id: ID!) {
  retryDelivery(id: $id) { delivery { id status } userErrors { field message code } }
}
"""


def answering(*statuses: int) -> Any:
    """Answers the given statuses in turn, then 200."""
    queue = list(statuses)

    async def answer(_: Received) -> Response:
        return Response("nope" if queue else "ok", status_code=queue.pop(0) if queue else 200)

    return answer


async def publish(api: Api, key: str, receiver: Receiver, **profile: Any) -> str:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
        **profile,
    )
    data = await api.run(PUBLISH, {"id": profile_id}, key=key)
    delivery_id: str = data["publishStatusEvents"]["deliveries"][0]["id"]
    return delivery_id


async def settled(api: Api, key: str, delivery_id: str) -> dict[str, Any]:
    async with asyncio.timeout(10):
        while True:
            data = await api.run(DELIVERY, {"id": delivery_id}, key=key)
            if data["delivery"]["status"] in ("SUCCEEDED", "FAILED"):
                found: dict[str, Any] = data["delivery"]
                return found
            await asyncio.sleep(0.05)


@pytest.mark.parametrize("status", [500, 503, 408, 429])
async def test_retryable_answers_are_tried_again(
    api: Api, key: str, receiver: Receiver, status: int
) -> None:
    receiver.answer = answering(status, status)

    delivery = await settled(api, key, await publish(api, key, receiver))

    assert delivery["status"] == "SUCCEEDED"
    assert delivery["attemptCount"] == 3
    assert [
        (a["number"], a["trigger"], a["outcome"], a["statusCode"]) for a in delivery["attempts"]
    ] == [
        (1, "EVENT", "HTTP_ERROR", status),
        (2, "RETRY", "HTTP_ERROR", status),
        (3, "RETRY", "SUCCEEDED", 200),
    ]
    webhook_ids = {r.headers["webhook-id"] for r in receiver.received}
    assert len(receiver.received) == 3
    assert len(webhook_ids) == 1


@pytest.mark.parametrize("status", [400, 401, 404, 410, 422])
async def test_other_client_errors_fail_at_once(
    api: Api, key: str, receiver: Receiver, status: int
) -> None:
    receiver.answer = answering(status)

    delivery = await settled(api, key, await publish(api, key, receiver))

    assert delivery["status"] == "FAILED"
    assert [a["statusCode"] for a in delivery["attempts"]] == [status]


async def test_gives_up_after_the_attempt_limit(api: Api, key: str, receiver: Receiver) -> None:
    receiver.answer = answering(*[500] * 10)

    delivery = await settled(api, key, await publish(api, key, receiver))

    assert delivery["status"] == "FAILED"
    assert delivery["attemptCount"] == 4
    assert len(receiver.received) == 4


async def test_missing_response_message_is_unexpected_and_retried(
    api: Api, key: str, receiver: Receiver
) -> None:
    replies = ["thanks", "The callback option is enabled."]

    async def chatbot(_: Received) -> Response:
        return Response(replies.pop(0))

    receiver.answer = chatbot

    delivery = await settled(
        api, key, await publish(api, key, receiver, responseMessage="callback option is enabled")
    )

    assert [a["outcome"] for a in delivery["attempts"]] == ["UNEXPECTED_RESPONSE", "SUCCEEDED"]


async def test_retry_delivery_requeues_a_failed_one(api: Api, key: str, receiver: Receiver) -> None:
    receiver.answer = answering(400)
    delivery_id = await publish(api, key, receiver)
    await settled(api, key, delivery_id)

    data = await api.run(RETRY, {"id": delivery_id}, key=key)
    delivery = await settled(api, key, delivery_id)

    assert data["retryDelivery"]["userErrors"] == []
    assert delivery["status"] == "SUCCEEDED"
    assert [(a["trigger"], a["outcome"]) for a in delivery["attempts"]] == [
        ("EVENT", "HTTP_ERROR"),
        ("MANUAL", "SUCCEEDED"),
    ]


async def test_retry_delivery_refuses_unfinished_and_foreign_deliveries(
    api: Api, key: str, other_key: str, receiver: Receiver
) -> None:
    delivery_id = await publish(api, key, receiver)
    await settled(api, key, delivery_id)

    succeeded = await api.run(RETRY, {"id": delivery_id}, key=key)
    foreign = await api.run(RETRY, {"id": delivery_id}, key=other_key)

    assert succeeded["retryDelivery"]["userErrors"] == [
        {
            "field": ["id"],
            "message": "Only failed deliveries can be retried; this one is SUCCEEDED.",
            "code": "CONFLICT",
        }
    ]
    assert foreign["retryDelivery"]["userErrors"] == [
        {
            "field": ["id"],
            "message": "No delivery with this id.",
            "code": "NOT_FOUND",
        }
    ]
