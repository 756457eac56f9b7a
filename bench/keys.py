"""Two measurements of key management, on FerretDB (or the server at MONGODB_URL):

    python -m bench.keys rekey [--profiles 10000] [--batch-size 200]
    python -m bench.keys revocation [--rounds 5] [--clients 8]

`rekey` seeds profiles sealed with one key (a secret header, an encryption key and IV and a
signing secret each: four sealed values) and times `callbackd secrets rekey` with a new key in
front, as an operator runs it, process start included.

`revocation` runs two servers on one database; clients keep querying both with a key while
the key is revoked through the first server. It reports, over all rounds, the worst case of
the last request accepted with the key after the revocation answered (how long after, and
whether it was sent after), and how long its open WebSocket connection took to be closed.
Figures are printed, never compared with anything.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pymongo
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from bench import ferretdb
from bench.processes import PYTHON, ROOT, Children, python_env
from bench.server import Server, start
from catalog import BodyFormat, ChannelKind, HttpMethod
from domain import clock
from domain.models import Encryption, EncryptionAlgorithm, Header, Profile, SigningSecret
from domain.secretbox import SecretBox
from storage.mongo import MongoStore

CHANNELS = "query { channels { kind } }"
CREATE_KEY = 'mutation { createApiKey(label: "spare") { key } }'
REVOKE = "mutation ($p: String!) { revokeApiKey(prefix: $p) { userErrors { code } } }"
SEED_BATCH = 500


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


async def _database_url(children: Children) -> str:
    configured = os.environ.get("MONGODB_URL")
    if configured:
        return configured
    return (await ferretdb.start(children)).url


def _profile(box: SecretBox, number: int) -> Profile:
    now = clock.now()
    return Profile(
        id=f"IN_{uuid.uuid4()}",
        account_id=f"acc_{number % 50}",
        title=f"Profile {number}",
        channel=ChannelKind.SMS,
        event="SMS Send",
        http_method=HttpMethod.POST,
        endpoint="https://hooks.example.com/sms",
        variables=("status", "recipient"),
        body_template={"status": "<status>", "recipient": "<recipient>"},
        body_format=BodyFormat.JSON,
        headers=(Header("Authorization", box.seal(f"Bearer token-{number}"), secret=True),),
        encryption=Encryption(
            algorithm=EncryptionAlgorithm.AES_256_GCM,
            sealed_key=box.seal(base64.b64encode(os.urandom(32)).decode()),
            sealed_iv=box.seal(base64.b64encode(os.urandom(12)).decode()),
            parameters=("recipient",),
            random_iv=False,
        ),
        response_message=None,
        sealed_signing_secrets=(SigningSecret(box.seal(f"whsec_{number}"), now),),
        created_at=now,
        updated_at=now,
    )


async def _seed(url: str, database: str, key: bytes, count: int) -> None:
    store = MongoStore(url, database)
    await store.start()
    box = SecretBox([key])
    try:
        template = [_profile(box, n) for n in range(SEED_BATCH)]
        for first in range(0, count, SEED_BATCH):
            batch = [
                replace(template[n], id=f"IN_{uuid.uuid4()}")
                for n in range(min(SEED_BATCH, count - first))
            ]
            await asyncio.gather(*(store.insert_profile(p) for p in batch))
    finally:
        await store.close()


async def rekey(profiles: int, batch_size: int) -> None:
    with Children(Path(tempfile.mkdtemp(prefix="callbackd-bench-keys-"))) as children:
        url = await _database_url(children)
        database = f"bench_rekey_{uuid.uuid4().hex[:12]}"
        old, new = _key(), _key()
        started = time.monotonic()
        await _seed(url, database, base64.b64decode(old), profiles)
        print(f"seeded {profiles} profiles in {time.monotonic() - started:.1f} s")
        env = python_env(
            MONGODB_URL=url, CALLBACKD_DATABASE=database, CALLBACKD_SECRET_KEY=f"{new},{old}"
        )
        argv = [PYTHON, "-m", "callbackd.cli", "secrets", "rekey", "--batch-size", str(batch_size)]
        started = time.monotonic()
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
        took = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(f"callbackd secrets rekey failed:\n{done.stdout}{done.stderr}")
        print(done.stdout.strip().splitlines()[-1])
        print(f"callbackd secrets rekey of {profiles} profiles: {took:.1f} s")
        client: pymongo.MongoClient[dict[str, object]] = pymongo.MongoClient(url)
        with client:
            client.drop_database(database)


@dataclass
class _Round:
    after_answer: list[float] = field(default_factory=list)
    sent_after: int = 0
    socket_closed: float | None = None


async def _hammer(
    http: httpx.AsyncClient, servers: list[Server], key: str, log: list[tuple[float, float, bool]]
) -> None:
    """Queries the servers in turn until the key is refused by both."""
    refused: set[int] = set()
    n = 0
    while len(refused) < len(servers):
        server = servers[n % len(servers)]
        n += 1
        sent = time.monotonic()
        body = (
            await http.post(
                server.graphql,
                json={"query": CHANNELS},
                headers={"authorization": f"Bearer {key}"},
            )
        ).json()
        accepted = "errors" not in body
        log.append((sent, time.monotonic(), accepted))
        if not accepted:
            refused.add(server.port)


async def _round(servers: list[Server], clients: int) -> _Round:
    one = servers[0]
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:

        async def call(server: Server, key: str, query: str, **variables: str) -> Any:
            response = await http.post(
                server.graphql,
                json={"query": query, "variables": variables},
                headers={"authorization": f"Bearer {key}"},
            )
            return response.json()["data"]

        created = await call(one, one.key, CREATE_KEY)
        doomed: str = created["createApiKey"]["key"]
        spare = one.key
        ws = await connect(servers[1].ws, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": doomed}}))
        await ws.recv()
        log: list[tuple[float, float, bool]] = []
        hammers = [asyncio.create_task(_hammer(http, servers, doomed, log)) for _ in range(clients)]
        await asyncio.sleep(1.0)
        await call(one, spare, REVOKE, p=doomed[:12])
        answered = time.monotonic()
        try:
            async with asyncio.timeout(30):
                await ws.recv()
        except ConnectionClosed:
            pass
        closed = time.monotonic()
        await asyncio.gather(*hammers)
        accepted_late = [(s, r) for s, r, ok in log if ok and r > answered]
        return _Round(
            after_answer=[r - answered for _, r in accepted_late],
            sent_after=sum(1 for s, _ in accepted_late if s > answered),
            socket_closed=closed - answered,
        )


async def revocation(rounds: int, clients: int) -> None:
    with Children(Path(tempfile.mkdtemp(prefix="callbackd-bench-keys-"))) as children:
        url = await _database_url(children)
        database = f"bench_revoke_{uuid.uuid4().hex[:12]}"
        store_env = {
            "MONGODB_URL": url,
            "CALLBACKD_DATABASE": database,
            "CALLBACKD_SECRET_KEY": _key(),
        }
        first = await start(children, store_env, workers=0, name="server-1")
        second = await start(children, store_env, workers=0, name="server-2")
        worst_late, worst_close, sent_after, late = 0.0, 0.0, 0, 0
        for number in range(1, rounds + 1):
            result = await _round([first, second], clients)
            worst_late = max([worst_late, *result.after_answer])
            worst_close = max(worst_close, result.socket_closed or 0.0)
            sent_after += result.sent_after
            late += len(result.after_answer)
            print(
                f"round {number}: {len(result.after_answer)} requests accepted after the "
                f"revocation answered (latest {max(result.after_answer, default=0) * 1000:.0f} "
                f"ms after, {result.sent_after} of them sent after it); WebSocket closed "
                f"{(result.socket_closed or 0) * 1000:.0f} ms after"
            )
        print(
            f"worst of {rounds} rounds, {clients} clients: last accepted request answered "
            f"{worst_late * 1000:.0f} ms after the revocation answered ({late} accepted late, "
            f"{sent_after} sent after it); WebSocket closed {worst_close * 1000:.0f} ms after"
        )
        client: pymongo.MongoClient[dict[str, object]] = pymongo.MongoClient(url)
        with client:
            client.drop_database(database)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.keys", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    timed = commands.add_parser("rekey", help="time `callbackd secrets rekey`")
    timed.add_argument("--profiles", type=int, default=10_000)
    timed.add_argument("--batch-size", type=int, default=200)
    revoking = commands.add_parser("revocation", help="how late a revoked key is still taken")
    revoking.add_argument("--rounds", type=int, default=5)
    revoking.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    if args.command == "rekey":
        asyncio.run(rekey(args.profiles, args.batch_size))
    else:
        asyncio.run(revocation(args.rounds, args.clients))


if __name__ == "__main__":
    main()
