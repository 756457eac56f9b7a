"""BASIC authentication: every callback carries `Authorization: Basic base64(user:password)`,
recorded redacted, and the signature still verifies; a password that no longer opens sends
nothing and is an AUTH_FAILED attempt."""

from __future__ import annotations

import base64
import json

from standardwebhooks import Webhook

from domain.authentication import Authentication, CallbackAuthType
from domain.secretbox import SecretBox, generate_server_key, key_id, parse_server_keys
from tests.support.api import Api
from tests.support.factories import T0
from tests.support.profiles import create_profile
from tests.support.receiver import Receiver
from tests.support.tokens import PASSWORD

TEST = """
mutation ($id: ID!) {
  testCallbackProfile(id: $id) {
    attempt { outcome error request { headers { name value } } }
    userErrors { code }
  }
}
"""


async def test_callbacks_carry_basic_credentials(api: Api, key: str, receiver: Receiver) -> None:
    profile_id, signing_secret = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
        authentication={"type": "BASIC", "username": "acme", "password": PASSWORD},
    )

    data = await api.run(TEST, {"id": profile_id}, key=key)

    [got] = receiver.received
    expected = base64.b64encode(f"acme:{PASSWORD}".encode()).decode()
    assert got.headers["authorization"] == f"Basic {expected}"
    signed = {k: got.headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}
    assert Webhook(signing_secret).verify(got.body, signed) == {"status": "Delivered"}
    attempt = data["testCallbackProfile"]["attempt"]
    assert attempt["outcome"] == "SUCCEEDED"
    assert {"name": "authorization", "value": "[redacted]"} in attempt["request"]["headers"]
    assert PASSWORD not in json.dumps(data)
    assert expected not in json.dumps(data)


async def test_a_password_sealed_under_another_server_key_is_auth_failed(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
        authentication={"type": "BASIC", "username": "acme", "password": PASSWORD},
    )
    account = await api.runtime.services.accounts.authenticate(f"Bearer {key}")
    assert account is not None
    other_keys = parse_server_keys(generate_server_key())
    other_box = SecretBox(other_keys)
    await api.runtime.services.store.update_profile_authentication(
        account.id,
        profile_id,
        Authentication(CallbackAuthType.BASIC, "acme", other_box.seal(PASSWORD)),
        T0,
    )

    data = await api.run(TEST, {"id": profile_id}, key=key)

    attempt = data["testCallbackProfile"]["attempt"]
    assert (attempt["outcome"], attempt["error"]) == (
        "AUTH_FAILED",
        f"the profile's credentials cannot be opened: sealed with key {key_id(other_keys[0])}, "
        "which is not configured",
    )
    assert receiver.received == []
