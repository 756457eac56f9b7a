"""`callbackd secrets rekey` as an operator runs it: progress by batch, totals, and clear
refusals that leave the database as it was."""

from __future__ import annotations

import asyncio
import base64
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest

from domain.secretbox import SecretBox, key_id
from storage.mongo import MongoStore
from tests.secrets.test_rekey import sealed_profile, sealed_values
from tests.support import server
from tests.support.stores import started

pytestmark = pytest.mark.mongo

A, B = b"a" * 32, b"b" * 32
KEY_A, KEY_B = base64.b64encode(A).decode(), base64.b64encode(B).decode()


def rekey(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callbackd.cli", "secrets", "rekey", *args],
        cwd=server.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
async def store(mongodb_url: str, mongo_database: str) -> AsyncIterator[MongoStore]:
    async with started(MongoStore(mongodb_url, mongo_database)) as opened:
        for n in (1, 2, 3):
            await opened.insert_profile(sealed_profile(SecretBox([A]), n))
        yield opened


async def seals(store: MongoStore) -> list[str]:
    return [
        v.split(".")[1]
        async for batch in store.profiles_in_id_order(None, 10)
        for p in batch
        for v in sealed_values(p)
    ]


async def test_progress_is_printed_by_batch_then_the_totals(
    store: MongoStore, mongodb_url: str, mongo_database: str
) -> None:
    env = server.server_env(
        mongodb_url, CALLBACKD_DATABASE=mongo_database, CALLBACKD_SECRET_KEY=f"{KEY_B},{KEY_A}"
    )

    done = await asyncio.to_thread(rekey, env, "--batch-size", "2")

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"rekey: sealing with key {key_id(B)}, 2 profiles a batch",
        "rekey: batch of 2 profiles, 2 re-sealed (10 values), up to id IN_002",
        "rekey: batch of 1 profiles, 1 re-sealed (5 values), up to id IN_003",
        f"rekey: done: 3 profiles read, 3 re-sealed (15 values); every secret is sealed with "
        f"key {key_id(B)}",
    ]
    assert set(await seals(store)) == {key_id(B)}


async def test_without_the_old_key_nothing_is_written(
    store: MongoStore, mongodb_url: str, mongo_database: str
) -> None:
    env = server.server_env(
        mongodb_url, CALLBACKD_DATABASE=mongo_database, CALLBACKD_SECRET_KEY=KEY_B
    )

    done = await asyncio.to_thread(rekey, env)

    assert done.returncode == 1
    assert done.stderr.strip() == (
        f"callbackd: rekey stopped: profile IN_001: sealed with key {key_id(A)}, which is not "
        "configured; add that key to CALLBACKD_SECRET_KEY after the first and run again"
    )
    assert set(await seals(store)) == {key_id(A)}


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (f"{KEY_B},,{KEY_A}", "CALLBACKD_SECRET_KEY: secret key 2 of 3 is empty"),
        (f"{KEY_B},c2hvcnQ=", "CALLBACKD_SECRET_KEY: secret key 2 of 2 must be 32 bytes, got 5"),
    ],
    ids=["empty-entry", "wrong-length"],
)
async def test_a_malformed_key_list_is_refused_before_anything_is_read(
    store: MongoStore, mongodb_url: str, mongo_database: str, keys: str, message: str
) -> None:
    env = server.server_env(
        mongodb_url, CALLBACKD_DATABASE=mongo_database, CALLBACKD_SECRET_KEY=keys
    )

    done = await asyncio.to_thread(rekey, env)

    assert done.returncode == 2
    assert done.stderr.strip() == f"callbackd: {message}"
    assert done.stdout == ""
    assert set(await seals(store)) == {key_id(A)}
