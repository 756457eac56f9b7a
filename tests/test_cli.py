"""The `callbackd` command as a user runs it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from gql import Client, gql
from gql.transport.httpx import HTTPXAsyncTransport

from callbackd.config import OPTIONS
from tests.support import server

CHANNELS = gql("query { channels { kind } }")


def callbackd(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "callbackd.cli", *args],
        cwd=server.ROOT,
        env=env or server.server_env(None),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_lists_every_setting_with_its_variable() -> None:
    for command in ("serve", "worker"):
        shown = callbackd(command, "--help").stdout

        for option in OPTIONS:
            assert option.flag in shown
            assert option.env in shown


async def test_serve_prints_the_graphiql_url_and_a_working_key() -> None:
    with server.running(server.server_env(None)) as srv:
        banner = "".join(srv.lines)
        key = next(line for line in srv.lines if line.startswith("cbk_")).strip()
        transport = HTTPXAsyncTransport(url=srv.url, headers={"authorization": f"Bearer {key}"})
        async with Client(transport=transport) as session:
            data = await session.execute(CHANNELS)

    assert f"GraphiQL: http://127.0.0.1:{srv.port}/graphql" in banner
    assert "embedded in-memory store" in banner
    assert data == {"channels": [{"kind": "SMS"}, {"kind": "EMAIL"}]}


@pytest.mark.mongo
def test_account_create_prints_the_key_last(mongodb_url: str, mongo_database: str) -> None:
    env = server.server_env(mongodb_url, CALLBACKD_DATABASE=mongo_database)

    done = callbackd("account", "create", "acme", "--region", "EU", env=env)

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1].startswith("cbk_")


def test_account_create_refuses_a_bad_region() -> None:
    done = callbackd("account", "create", "acme", "--region", "europe")

    assert done.returncode == 2
    assert "region must be 2 or 3 capital letters" in done.stderr


def test_mongodb_needs_a_secret_key() -> None:
    env = server.server_env(None)
    env["MONGODB_URL"] = "mongodb://127.0.0.1:1/"

    done = callbackd("serve", env=env)

    assert done.returncode == 2
    assert "CALLBACKD_SECRET_KEY is required with MongoDB" in done.stderr


def test_lease_must_outlast_the_request_timeout() -> None:
    done = callbackd("serve", "--request-timeout-seconds", "30", "--lease-seconds", "10")

    assert done.returncode == 2
    assert "CALLBACKD_LEASE_SECONDS must exceed CALLBACKD_REQUEST_TIMEOUT_SECONDS" in done.stderr
