"""publishStatusEvents: reports become callbacks rendered exactly as the profile says."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Receiver

PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) {
    deliveries { id status }
    userErrors { field message code }
  }
}
"""
DELIVERIES = "query { deliveries(first: 100) { edges { node { id } } } }"


async def publish(api: Api, key: str, events: list[dict[str, Any]]) -> dict[str, Any]:
    data = await api.run(PUBLISH, {"events": events}, key=key)
    payload: dict[str, Any] = data["publishStatusEvents"]
    return payload


async def test_post_sends_the_values_as_a_json_body(api: Api, key: str, receiver: Receiver) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status", "price", "flash", "ref"],
        headers=[{"name": "api-key", "value": "s3cret", "secret": True}],
    )

    payload = await publish(
        api,
        key,
        [
            {
                "callbackProfileId": profile_id,
                "values": {"status": "Delivered", "price": "0.25", "flash": True},
            }
        ],
    )
    [got] = await receiver.wait_for(1)

    assert payload["userErrors"] == []
    [delivery] = payload["deliveries"]
    assert delivery["status"] == "PENDING"
    assert got.method == "POST"
    assert got.headers["content-type"] == "application/json"
    assert got.headers["api-key"] == "s3cret"
    assert got.headers["webhook-id"] == delivery["id"]
    assert json.loads(got.body) == {"status": "Delivered", "price": 0.25, "flash": 1, "ref": None}


async def test_get_puts_values_in_the_query_string_keeping_existing_parameters(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="GET",
        endpoint=receiver.url + "?token=abc&x=1",
        variables=["status", "description", "sender"],
    )

    await publish(
        api,
        key,
        [
            {
                "callbackProfileId": profile_id,
                "values": {"status": "Delivered", "description": "Delivered to user & co"},
            }
        ],
    )
    [got] = await receiver.wait_for(1)

    assert got.method == "GET"
    assert got.body == b""
    assert got.url.split("?", 1)[1] == (
        "token=abc&x=1&status=Delivered&description=Delivered+to+user+%26+co&sender="
    )


async def test_email_urlencoded_body(api: Api, key: str, receiver: Receiver) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="EMAIL",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["delivery_status", "recipient_mail"],
        bodyFormat="URLENCODED",
    )

    await publish(
        api,
        key,
        [
            {
                "callbackProfileId": profile_id,
                "values": {"delivery_status": "bounce", "recipient_mail": "a+b@example.com"},
            }
        ],
    )
    [got] = await receiver.wait_for(1)

    assert got.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qsl(got.body.decode()) == [
        ("delivery_status", "Bounce"),
        ("recipient_mail", "a+b@example.com"),
    ]


async def test_email_form_data_body(api: Api, key: str, receiver: Receiver) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="EMAIL",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["message_id", "error_code"],
        bodyFormat="FORM_DATA",
    )

    await publish(
        api,
        key,
        [
            {
                "callbackProfileId": profile_id,
                "values": {"message_id": "m-1:1", "error_code": 550},
            }
        ],
    )
    [got] = await receiver.wait_for(1)

    content_type = got.headers["content-type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    boundary = content_type.split("boundary=")[1]
    assert got.body.decode() == (
        f'--{boundary}\r\nContent-Disposition: form-data; name="message_id"\r\n\r\nm-1:1\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="error_code"\r\n\r\n550\r\n'
        f"--{boundary}--\r\n"
    )


async def test_own_template_places_values_whole_or_inside_text(
    api: Api, key: str, receiver: Receiver
) -> None:
    template = {"kind": "sms", "data": {"units": "<units>", "line": "<status> via <sender>"}}
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        bodyTemplate=template,
    )

    await publish(
        api,
        key,
        [
            {
                "callbackProfileId": profile_id,
                "values": {"units": "2", "status": "Delivered", "sender": "ACME"},
            }
        ],
    )
    [got] = await receiver.wait_for(1)

    assert json.loads(got.body) == {
        "kind": "sms",
        "data": {"units": 2, "line": "Delivered via ACME"},
    }


async def test_bad_values_are_user_errors_and_nothing_is_queued(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )
    good = {"callbackProfileId": profile_id, "values": {"status": "Delivered"}}

    payload = await publish(
        api,
        key,
        [
            good,
            {"callbackProfileId": profile_id, "values": {"units": "two", "type": "PROMO"}},
            {"callbackProfileId": profile_id, "values": {"mood": "happy"}},
            {"callbackProfileId": "IN_00000000-0000-4000-8000-000000000000", "values": {}},
            {"callbackProfileId": profile_id, "values": "Delivered"},
        ],
    )

    assert payload["deliveries"] == [None] * 5
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["events", "1", "values", "units"], "INVALID_VALUE"),
        (["events", "1", "values", "type"], "INVALID_VALUE"),
        (["events", "2", "values", "mood"], "UNKNOWN_VARIABLE"),
        (["events", "3", "callbackProfileId"], "NOT_FOUND"),
        (["events", "4", "values"], "INVALID_VALUE"),
    ]
    assert payload["userErrors"][1]["message"] == "type must be one of OTP, TXN, MKT; got 'PROMO'."
    assert (await api.run(DELIVERIES, key=key))["deliveries"]["edges"] == []


async def test_batch_must_hold_one_to_a_thousand_events(api: Api, key: str) -> None:
    none = await publish(api, key, [])
    too_many = await publish(api, key, [{"callbackProfileId": "x", "values": {}}] * 1001)

    for payload in (none, too_many):
        assert payload["userErrors"] == [
            {
                "field": ["events"],
                "message": "Send 1 to 1000 events per call.",
                "code": "TOO_MANY",
            }
        ]


async def test_idempotency_key_answers_the_existing_delivery(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )
    event = {
        "callbackProfileId": profile_id,
        "values": {"status": "Delivered"},
        "idempotencyKey": "msg-42",
    }

    first = await publish(api, key, [event])
    again = await publish(api, key, [event, event])

    assert again["deliveries"][0]["id"] == first["deliveries"][0]["id"]
    assert again["deliveries"][1]["id"] == first["deliveries"][0]["id"]
    assert len((await api.run(DELIVERIES, key=key))["deliveries"]["edges"]) == 1


async def test_profiles_of_another_account_cannot_be_published_to(
    api: Api, key: str, other_key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )

    payload = await publish(api, other_key, [{"callbackProfileId": profile_id, "values": {}}])

    assert payload["userErrors"][0]["code"] == "NOT_FOUND"
