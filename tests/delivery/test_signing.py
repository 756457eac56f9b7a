"""Callbacks are signed per Standard Webhooks; receivers verify with the standardwebhooks
package; a rotated secret keeps signing beside the new one."""

from __future__ import annotations

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Receiver

PUBLISH = """
mutation ($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: "Delivered"}}]) {
    deliveries { id }
  }
}
"""
ROTATE = """
mutation ($id: ID!) {
  rotateSigningSecret(id: $id) { signingSecret userErrors { code } }
}
"""


def headers_of(received: dict[str, str]) -> dict[str, str]:
    return {k: received[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}


async def test_received_callbacks_verify_with_the_profile_secret(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, secret = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )

    data = await api.run(PUBLISH, {"id": profile_id}, key=key)
    [got] = await receiver.wait_for(1)

    assert Webhook(secret).verify(got.body, headers_of(got.headers)) == {"status": "Delivered"}
    assert got.headers["webhook-id"] == data["publishStatusEvents"]["deliveries"][0]["id"]


async def test_another_secret_does_not_verify(api: Api, key: str, receiver: Receiver) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )
    _, other_secret = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )

    await api.run(PUBLISH, {"id": profile_id}, key=key)
    [got] = await receiver.wait_for(1)

    with pytest.raises(WebhookVerificationError):
        Webhook(other_secret).verify(got.body, headers_of(got.headers))


async def test_rotated_secret_signs_beside_the_old_one(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, old = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )

    rotated = await api.run(ROTATE, {"id": profile_id}, key=key)
    new = rotated["rotateSigningSecret"]["signingSecret"]
    await api.run(PUBLISH, {"id": profile_id}, key=key)
    [got] = await receiver.wait_for(1)

    assert new.startswith("whsec_") and new != old
    assert len(got.headers["webhook-signature"].split(" ")) == 2
    assert Webhook(new).verify(got.body, headers_of(got.headers)) == {"status": "Delivered"}
    assert Webhook(old).verify(got.body, headers_of(got.headers)) == {"status": "Delivered"}


async def test_rotating_a_foreign_profile_answers_not_found(
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

    rotated = await api.run(ROTATE, {"id": profile_id}, key=other_key)

    assert rotated["rotateSigningSecret"] == {
        "signingSecret": None,
        "userErrors": [{"code": "NOT_FOUND"}],
    }
