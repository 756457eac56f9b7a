"""delivery, deliveries and CallbackProfile.deliveries: newest first, keyset pages, filters,
attempts included, other accounts' deliveries invisible."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.responses import Response

from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver

PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } }
}
"""
DELIVERIES = """
query ($first: Int, $after: String, $profileId: ID, $status: DeliveryStatus) {
  deliveries(first: $first, after: $after, profileId: $profileId, status: $status) {
    edges { node { id status attemptCount attempts { number outcome } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
DELIVERY = """
query ($id: ID!) {
  delivery(id: $id) {
    id status idempotencyKey channel profile { id }
    attempts { number trigger outcome request { method headers { name value } } delivery { id } }
  }
}
"""
PROFILE_DELIVERIES = """
query ($id: ID!) {
  callbackProfile(id: $id) { deliveries(first: 10) { edges { node { id } } } }
}
"""


async def publish(api: Api, key: str, profile_id: str, count: int) -> list[str]:
    events = [
        {"callbackProfileId": profile_id, "values": {"status": f"s{n}"}} for n in range(count)
    ]
    data = await api.run(PUBLISH, {"events": events}, key=key)
    return [d["id"] for d in data["publishStatusEvents"]["deliveries"]]


async def all_settled(api: Api, key: str) -> None:
    async with asyncio.timeout(10):
        while True:
            data = await api.run(DELIVERIES, {"first": 100}, key=key)
            if all(
                e["node"]["status"] in ("SUCCEEDED", "FAILED") for e in data["deliveries"]["edges"]
            ):
                return
            await asyncio.sleep(0.05)


def ids(data: dict[str, Any]) -> list[str]:
    return [e["node"]["id"] for e in data["deliveries"]["edges"]]


async def test_newest_first_in_keyset_pages(api: Api, key: str, receiver: Receiver) -> None:
    profile_id, _ = await create_profile(
        api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
    )
    published = []
    for _ in range(5):
        published += await publish(api, key, profile_id, 1)

    first = await api.run(DELIVERIES, {"first": 3}, key=key)
    rest = await api.run(
        DELIVERIES, {"first": 3, "after": first["deliveries"]["pageInfo"]["endCursor"]}, key=key
    )

    assert ids(first) + ids(rest) == list(reversed(published))
    assert first["deliveries"]["pageInfo"]["hasNextPage"] is True
    assert rest["deliveries"]["pageInfo"]["hasNextPage"] is False


async def test_filters_by_profile_and_status(api: Api, key: str, receiver: Receiver) -> None:
    async def by_status(request: Received) -> Response:
        return Response(status_code=400 if b'"s1"' in request.body else 200)

    receiver.answer = by_status
    one, _ = await create_profile(
        api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
    )
    two, _ = await create_profile(
        api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
    )
    first_of_one = await publish(api, key, one, 2)
    of_two = await publish(api, key, two, 1)
    await all_settled(api, key)

    failed = await api.run(DELIVERIES, {"status": "FAILED"}, key=key)
    only_two = await api.run(DELIVERIES, {"profileId": two}, key=key)
    nested = await api.run(PROFILE_DELIVERIES, {"id": one}, key=key)

    assert ids(failed) == [first_of_one[1]]
    assert ids(only_two) == of_two
    assert [e["node"]["id"] for e in nested["callbackProfile"]["deliveries"]["edges"]] == (
        list(reversed(first_of_one))
    )


async def test_delivery_shows_its_attempts_with_secrets_redacted(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
        headers=[{"name": "authorization", "value": "Basic dXNlcjpwYXNz", "secret": True}],
    )
    [delivery_id] = await publish(api, key, profile_id, 1)
    await all_settled(api, key)

    data = await api.run(DELIVERY, {"id": delivery_id}, key=key)

    delivery = data["delivery"]
    assert delivery["status"] == "SUCCEEDED"
    assert delivery["channel"] == "SMS"
    assert delivery["profile"] == {"id": profile_id}
    [attempt] = delivery["attempts"]
    assert attempt["trigger"] == "EVENT"
    assert attempt["delivery"] == {"id": delivery_id}
    assert {"name": "authorization", "value": "[redacted]"} in attempt["request"]["headers"]
    assert "dXNlcjpwYXNz" not in str(data)
    assert receiver.received[0].headers["authorization"] == "Basic dXNlcjpwYXNz"


async def test_other_accounts_deliveries_are_invisible(
    api: Api, key: str, other_key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(
        api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
    )
    [delivery_id] = await publish(api, key, profile_id, 1)

    single = await api.run(DELIVERY, {"id": delivery_id}, key=other_key)
    listing = await api.run(DELIVERIES, {}, key=other_key)
    node = await api.run(
        "query ($id: ID!) { node(id: $id) { id } }", {"id": delivery_id}, key=other_key
    )

    assert single == {"delivery": None}
    assert ids(listing) == []
    assert node == {"node": None}


async def test_deleting_a_profile_cancels_its_pending_deliveries(
    api: Api, key: str, receiver: Receiver
) -> None:
    async def down(_: Received) -> Response:
        return Response(status_code=503)

    receiver.answer = down
    profile_id, _ = await create_profile(
        api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
    )
    [delivery_id] = await publish(api, key, profile_id, 1)
    await receiver.wait_for(1)

    await api.run(
        "mutation ($id: ID!) { deleteCallbackProfile(id: $id) { userErrors { code } } }",
        {"id": profile_id},
        key=key,
    )
    async with asyncio.timeout(10):
        while (await api.run(DELIVERY, {"id": delivery_id}, key=key))["delivery"][
            "status"
        ] != "CANCELLED":
            await asyncio.sleep(0.05)

    data = await api.run(DELIVERY, {"id": delivery_id}, key=key)
    assert data["delivery"]["profile"] is None
    assert data["delivery"]["attempts"][0]["outcome"] == "HTTP_ERROR"
