"""Encrypted parameters, decrypted here from the documented format with the cryptography
primitives directly: base64(ciphertext [|| 16-byte GCM tag]), base64(iv || ...) with randomIv."""

from __future__ import annotations

import base64
import json

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Receiver

PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { userErrors { code } }
}
"""

KEYS = {
    128: "0123456789abcdef",
    192: "0123456789abcdef01234567",
    256: "0123456789abcdef0123456789abcdef",
}
CFB_IV = "fedcba9876543210"
GCM_IV = "unique-nonce"


def decrypt(algorithm: str, key: bytes, iv: bytes, wire: str) -> str:
    raw = base64.b64decode(wire, validate=True)
    if algorithm.endswith("GCM"):
        return AESGCM(key).decrypt(iv, raw, None).decode()
    decryptor = Cipher(algorithms.AES(key), CFB(iv)).decryptor()
    return (decryptor.update(raw) + decryptor.finalize()).decode()


@pytest.mark.parametrize(
    "algorithm",
    ["AES_128_CFB", "AES_192_CFB", "AES_256_CFB", "AES_128_GCM", "AES_192_GCM", "AES_256_GCM"],
)
async def test_chosen_parameters_arrive_encrypted(
    api: Api, key: str, receiver: Receiver, algorithm: str
) -> None:
    bits = int(algorithm.split("_")[1])
    iv = GCM_IV if algorithm.endswith("GCM") else CFB_IV
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status", "recipient", "units"],
        encryption={
            "algorithm": algorithm,
            "key": KEYS[bits],
            "iv": iv,
            "parameters": ["recipient", "units"],
        },
    )

    await api.run(
        PUBLISH,
        {
            "events": [
                {
                    "callbackProfileId": profile_id,
                    "values": {"status": "Delivered", "recipient": "917022712345", "units": 3},
                }
            ]
        },
        key=key,
    )
    [got] = await receiver.wait_for(1)

    body = json.loads(got.body)
    assert body["status"] == "Delivered"
    assert body["recipient"] != "917022712345"
    assert decrypt(algorithm, KEYS[bits].encode(), iv.encode(), body["recipient"]) == (
        "917022712345"
    )
    assert decrypt(algorithm, KEYS[bits].encode(), iv.encode(), body["units"]) == "3"


async def test_random_iv_travels_in_front_of_each_value(
    api: Api, key: str, receiver: Receiver
) -> None:
    key_bytes = bytes(range(32))
    profile_id, _ = await create_profile(
        api,
        key,
        channel="EMAIL",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["message_id", "error_message"],
        encryption={
            "algorithm": "AES_256_GCM",
            "key": key_bytes.hex(),
            "keyEncoding": "HEX",
            "iv": base64.b64encode(b"\0" * 12).decode(),
            "ivEncoding": "BASE64",
            "randomIv": True,
        },
    )

    await api.run(
        PUBLISH,
        {
            "events": [
                {
                    "callbackProfileId": profile_id,
                    "values": {"message_id": "m1", "error_message": "m1"},
                }
            ]
        },
        key=key,
    )
    [got] = await receiver.wait_for(1)

    body = json.loads(got.body)
    first = base64.b64decode(body["message_id"])
    second = base64.b64decode(body["error_message"])
    assert first[:12] != second[:12]
    assert AESGCM(key_bytes).decrypt(first[:12], first[12:], None) == b"m1"
    assert AESGCM(key_bytes).decrypt(second[:12], second[12:], None) == b"m1"


async def test_a_tampered_gcm_value_is_rejected(api: Api, key: str, receiver: Receiver) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
        encryption={"algorithm": "AES_128_GCM", "key": KEYS[128], "iv": GCM_IV},
    )
    await api.run(
        PUBLISH,
        {
            "events": [
                {
                    "callbackProfileId": profile_id,
                    "values": {"status": "Delivered"},
                }
            ]
        },
        key=key,
    )
    [got] = await receiver.wait_for(1)
    raw = bytearray(base64.b64decode(json.loads(got.body)["status"]))

    raw[0] ^= 1

    with pytest.raises(InvalidTag):
        AESGCM(KEYS[128].encode()).decrypt(GCM_IV.encode(), bytes(raw), None)
