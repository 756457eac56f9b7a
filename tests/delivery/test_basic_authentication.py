"""BASIC authentication: every callback carries `Authorization: Basic base64(user:password)`,
recorded redacted, and the signature still verifies."""

from __future__ import annotations

import base64
import json

from standardwebhooks import Webhook

from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Receiver
from tests.support.tokens import PASSWORD

TEST = """
mutation ($id: ID!) {
  testCallbackProfile(id: $id) {
    attempt { outcome request { headers { name value } } }
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
