"""`callbackd account list | keys | key create | key revoke` as an operator runs them."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest

from domain.accounts import Accounts
from storage.mongo import MongoStore
from tests.support import server
from tests.support.stores import started

pytestmark = pytest.mark.mongo


def callbackd(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callbackd.cli", *args],
        cwd=server.ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


async def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(callbackd, env, *args)


@pytest.fixture
def env(mongodb_url: str, mongo_database: str) -> dict[str, str]:
    return server.server_env(mongodb_url, CALLBACKD_DATABASE=mongo_database)


@pytest.fixture
async def accounts(mongodb_url: str, mongo_database: str) -> AsyncIterator[Accounts]:
    """The accounts as a server sharing the database sees them."""
    async with started(MongoStore(mongodb_url, mongo_database)) as store:
        yield Accounts(store)


def rows(output: str) -> list[list[str]]:
    """The table printed, cut into cells where the header's columns start."""
    header, *lines = output.strip("\n").splitlines()
    # Columns are two spaces or more apart; a header holds single spaces at most.
    starts = [i for i, c in enumerate(header) if c != " " and (i == 0 or header[i - 2 : i] == "  ")]
    bounds = [*zip(starts, [*starts[1:], None], strict=True)]
    return [[line[a:b].strip() for a, b in bounds] for line in (header, *lines)]


async def test_list_shows_accounts_regions_and_key_counts(
    env: dict[str, str], accounts: Accounts
) -> None:
    acme, acme_key = await accounts.create("acme", "IN")
    globex, _ = await accounts.create("globex", "EU")
    second = await run(env, "account", "key", "create", "acme")
    assert second.returncode == 0, second.stderr
    await accounts.revoke_key(acme, acme_key[:12])

    done = await run(env, "account", "list")

    assert done.returncode == 0, done.stderr
    table = rows(done.stdout)
    assert table[0] == ["NAME", "ID", "REGION", "ACTIVE KEYS", "REVOKED KEYS", "CREATED"]
    assert [row[:5] for row in table[1:]] == [
        ["acme", acme.id, "IN", "1", "1"],
        ["globex", globex.id, "EU", "1", "0"],
    ]


async def test_keys_shows_prefixes_labels_use_and_revocation(
    env: dict[str, str], accounts: Accounts
) -> None:
    acme, first = await accounts.create("acme")
    created = await run(env, "account", "key", "create", "acme", "--label", "deploy bot")
    second = created.stdout.strip().splitlines()[-1]
    await accounts.authenticate(f"Bearer {second}")
    await accounts.revoke_key(acme, first[:12])

    done = await run(env, "account", "keys", "acme")

    assert done.returncode == 0, done.stderr
    table = rows(done.stdout)
    assert table[0] == ["PREFIX", "LABEL", "CREATED", "LAST USED", "REVOKED"]
    assert [row[0] for row in table[1:]] == [first[:12], second[:12]]
    assert table[1][3] == "never"
    assert table[1][4] != "-"
    assert table[2][1] == "deploy bot"
    assert table[2][3] != "never"
    assert table[2][4] == "-"
    assert first not in done.stdout and second not in done.stdout


async def test_key_create_prints_a_working_key_last(
    env: dict[str, str], accounts: Accounts
) -> None:
    acme, _ = await accounts.create("acme")

    done = await run(env, "account", "key", "create", "acme", "--label", "ci")

    assert done.returncode == 0, done.stderr
    key = done.stdout.strip().splitlines()[-1]
    assert key.startswith("cbk_")
    assert f"API key {key[:12]} created for account acme" in done.stdout
    assert await accounts.authenticate(f"Bearer {key}") == acme


async def test_key_revoke_refuses_the_key_at_once(env: dict[str, str], accounts: Accounts) -> None:
    acme, first = await accounts.create("acme")
    created, _ = await accounts.create_key(acme, None)
    assert created is not None

    done = await run(env, "account", "key", "revoke", "acme", first[:12])

    assert done.returncode == 0, done.stderr
    assert f"API key {first[:12]} of account acme revoked at" in done.stdout
    assert await accounts.authenticate(f"Bearer {first}") is None
    assert await accounts.authenticate(f"Bearer {created.key}") == acme


async def test_the_last_key_is_not_revoked(env: dict[str, str], accounts: Accounts) -> None:
    acme, only = await accounts.create("acme")

    done = await run(env, "account", "key", "revoke", "acme", only[:12])

    assert done.returncode == 1
    assert done.stderr.strip() == (
        "callbackd: account acme: This is the account's last active key; create another "
        "before revoking it."
    )
    assert await accounts.authenticate(f"Bearer {only}") == acme


async def test_an_unknown_prefix_is_refused(env: dict[str, str], accounts: Accounts) -> None:
    acme, _ = await accounts.create("acme")

    done = await run(env, "account", "key", "revoke", "acme", "cbk_nothere")

    assert done.returncode == 1
    assert done.stderr.strip() == "callbackd: account acme: No API key with prefix 'cbk_nothere'."
    assert [k.active for k in await accounts.keys(acme)] == [True]


@pytest.mark.parametrize(
    "command",
    [["keys", "nobody"], ["key", "create", "nobody"], ["key", "revoke", "nobody", "cbk_x"]],
    ids=["keys", "create", "revoke"],
)
async def test_an_unknown_account_is_refused(
    env: dict[str, str], accounts: Accounts, command: list[str]
) -> None:
    await accounts.create("acme")

    done = await run(env, "account", *command)

    assert done.returncode == 1
    assert done.stderr.strip() == (
        "callbackd: no account is named 'nobody'; `callbackd account list` shows them"
    )
    assert done.stdout == ""


async def test_a_name_two_accounts_share_needs_an_id(
    env: dict[str, str], accounts: Accounts
) -> None:
    first, _ = await accounts.create("acme")
    second, _ = await accounts.create("acme")

    ambiguous = await run(env, "account", "key", "create", "acme")
    by_id = await run(env, "account", "key", "create", second.id)

    assert ambiguous.returncode == 1
    assert ambiguous.stderr.strip() == (
        f"callbackd: 2 accounts are named 'acme'; give one of their ids: {first.id}, {second.id}"
    )
    assert by_id.returncode == 0, by_id.stderr
    assert len(await accounts.keys(first)) == 1
    assert len(await accounts.keys(second)) == 2


def test_the_commands_need_the_shared_database() -> None:
    done = callbackd(server.server_env(None), "account", "list")

    assert done.returncode == 2
    assert "this command needs MONGODB_URL" in done.stderr
