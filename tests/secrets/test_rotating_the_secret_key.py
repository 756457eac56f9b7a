"""The secret key rotated as an operator does it: profiles sealed with key A, servers
restarted with "B,A", `callbackd secrets rekey`, servers restarted with B alone. Every
profile still delivers with its secret headers, its encryption and its signatures, and
nothing sealed with A is left in the database."""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pymongo
import pytest
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from standardwebhooks.webhooks import Webhook

from domain.secretbox import key_id
from tests.support import server
from tests.support.receiver import Receiver

pytestmark = pytest.mark.mongo

KEY_A = base64.b64encode(b"A" * 32).decode()
KEY_B = base64.b64encode(b"B" * 32).decode()

CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile { id } signingSecret userErrors { code message }
  }
}
"""
ROTATE = "mutation ($id: ID!) { rotateSigningSecret(id: $id) { signingSecret } }"
PUBLISH = """
mutation ($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id,
                                values: {status: "Delivered", recipient: "917022712345"}}]) {
    deliveries { id } userErrors { code }
  }
}
"""
GCM_KEY, GCM_IV = "0123456789abcdef0123456789abcdef", "unique-nonce"
CFB_KEY, CFB_IV = "0123456789abcdef", "fedcba9876543210"


async def graphql(srv: server.ServerProcess, key: str, query: str, **variables: Any) -> Any:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            srv.url,
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {key}"},
        )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def sealed_strings(value: Any) -> Iterator[str]:
    """Every string in a document that has the shape of a sealed value."""
    if isinstance(value, dict):
        for v in value.values():
            yield from sealed_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from sealed_strings(v)
    elif isinstance(value, str) and value.startswith(("v1.", "v2.")):
        yield value


def decrypt_cfb(key: str, iv: str, wire: str) -> str:
    decryptor = Cipher(algorithms.AES(key.encode()), CFB(iv.encode())).decryptor()
    return (decryptor.update(base64.b64decode(wire)) + decryptor.finalize()).decode()


def decrypt_gcm(key: str, iv: str, wire: str) -> str:
    return AESGCM(key.encode()).decrypt(iv.encode(), base64.b64decode(wire), None).decode()


def signature_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: headers[k] for k in ("webhook-id", "webhook-timestamp", "webhook-signature")}


def rekey(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callbackd.cli", "secrets", "rekey", "--batch-size", "1"],
        cwd=server.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_after_a_rekey_the_old_key_can_go_and_every_profile_still_delivers(
    mongodb_url: str,
    mongo_database: str,
    receiver: Receiver,
    _mongo_admin: pymongo.MongoClient[dict[str, Any]],
) -> None:
    # Given profiles sealed with key A.
    env = server.server_env(mongodb_url, CALLBACKD_DATABASE=mongo_database)
    with_a = {**env, "CALLBACKD_SECRET_KEY": KEY_A}
    key = await asyncio.to_thread(server.create_account, with_a, "acme")
    with server.running(with_a) as srv:
        gcm = (
            await graphql(
                srv,
                key,
                CREATE,
                input={
                    "title": "Secret header and GCM",
                    "channel": "SMS",
                    "httpMethod": "POST",
                    "endpoint": receiver.url,
                    "variables": ["status", "recipient"],
                    "headers": [
                        {"name": "Authorization", "value": "Bearer hook-token", "secret": True},
                        {"name": "X-Team", "value": "billing"},
                    ],
                    "encryption": {
                        "algorithm": "AES_256_GCM",
                        "key": GCM_KEY,
                        "iv": GCM_IV,
                        "parameters": ["recipient"],
                    },
                },
            )
        )["createCallbackProfile"]
        cfb = (
            await graphql(
                srv,
                key,
                CREATE,
                input={
                    "title": "CFB and two signing secrets",
                    "channel": "SMS",
                    "httpMethod": "POST",
                    "endpoint": receiver.url,
                    "variables": ["status", "recipient"],
                    "encryption": {
                        "algorithm": "AES_128_CFB",
                        "key": CFB_KEY,
                        "iv": CFB_IV,
                        "parameters": ["recipient"],
                    },
                },
            )
        )["createCallbackProfile"]
        cfb_id = cfb["callbackProfile"]["id"]
        rotated = (await graphql(srv, key, ROTATE, id=cfb_id))["rotateSigningSecret"]

    # When the servers run with "B,A" and the secrets are re-keyed.
    with_both = {**env, "CALLBACKD_SECRET_KEY": f"{KEY_B},{KEY_A}"}
    with server.running(with_both):
        done = await asyncio.to_thread(rekey, with_both)

    # Then nothing sealed with A is left,
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == (
        f"rekey: done: 2 profiles read, 2 re-sealed (8 values); every secret is sealed with "
        f"key {key_id(b'B' * 32)}"
    )
    database = _mongo_admin[mongo_database]
    found = [
        s
        for name in database.list_collection_names()
        for doc in database[name].find()
        for s in sealed_strings(doc)
    ]
    assert len(found) == 8
    assert all(s.startswith(f"v2.{key_id(b'B' * 32)}.") for s in found)

    # and with B alone every profile delivers with headers, encryption and signatures.
    with_b = {**env, "CALLBACKD_SECRET_KEY": KEY_B}
    deliveries = []
    with server.running(with_b) as srv:
        for profile_id in (gcm["callbackProfile"]["id"], cfb_id):
            published = (await graphql(srv, key, PUBLISH, id=profile_id))["publishStatusEvents"]
            assert published["userErrors"] == []
            deliveries.append(published["deliveries"][0]["id"])
        got = await receiver.wait_for(2, timeout=30)

    by_delivery = {r.headers["webhook-id"]: r for r in got}
    to_gcm, to_cfb = by_delivery[deliveries[0]], by_delivery[deliveries[1]]
    assert to_gcm.headers["authorization"] == "Bearer hook-token"
    assert decrypt_gcm(GCM_KEY, GCM_IV, json.loads(to_gcm.body)["recipient"]) == "917022712345"
    assert Webhook(gcm["signingSecret"]).verify(to_gcm.body, signature_headers(to_gcm.headers))
    assert decrypt_cfb(CFB_KEY, CFB_IV, json.loads(to_cfb.body)["recipient"]) == "917022712345"
    for secret in (cfb["signingSecret"], rotated["signingSecret"]):
        assert Webhook(secret).verify(to_cfb.body, signature_headers(to_cfb.headers))
