"""A database that goes away, or stops answering, under a running `callbackd serve`: each
request is answered SERVICE_UNAVAILABLE (HTTP 503) in seconds, not after the driver's 30 s,
and the same server answers normally again by itself once the database is back."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from graph.errors import UNAVAILABLE_MESSAGE
from tests.support import server
from tests.support.ferretdb import FerretDB, find_binary

pytestmark = pytest.mark.mongo
log = logging.getLogger(__name__)

PROFILES = "query { callbackProfiles(first: 5) { edges { node { id } } } }"

# Generous: the answer is due within a few seconds; a client waiting this long means the
# request stalled as it did before (30 s, then a bare 500).
CLIENT_TIMEOUT_SECONDS = 15
RECOVERY_SECONDS = 30

UNAVAILABLE = (503, [(UNAVAILABLE_MESSAGE, "SERVICE_UNAVAILABLE")])
NORMAL: dict[str, Any] = {"data": {"callbackProfiles": {"edges": []}}}


@pytest.fixture
def database() -> Iterator[FerretDB]:
    """A FerretDB of this test's own, to kill and restart."""
    binary = find_binary()
    assert binary is not None, "FerretDB is needed: run scripts/build-ferretdb"
    ferretdb = FerretDB(binary)
    ferretdb.start()
    try:
        yield ferretdb
    finally:
        ferretdb.resume()
        ferretdb.stop()


@pytest.fixture
def served(database: FerretDB) -> Iterator[tuple[server.ServerProcess, str]]:
    """`callbackd serve` on that database, and an account's key."""
    env = server.server_env(database.url)
    key = server.create_account(env, "outage")
    with server.running(env) as process:
        yield process, key


def ask(process: server.ServerProcess, key: str) -> tuple[int, Any]:
    response = httpx.post(
        process.url,
        json={"query": PROFILES},
        headers={"authorization": f"Bearer {key}"},
        timeout=CLIENT_TIMEOUT_SECONDS,
    )
    return response.status_code, response.json()


def errors_of(answered: tuple[int, Any]) -> tuple[int, list[tuple[str, str]]]:
    """The status and each error's message and code. The key read within the last
    `KEYS_KEPT_FOR` is not read again, so the outage meets either the key's read (an error
    of the whole request) or the field's (an error at its path): the same answer to a client."""
    status, answer = answered
    return status, [(e["message"], e["extensions"]["code"]) for e in answer["errors"]]


def recovered(process: server.ServerProcess, key: str) -> tuple[int, Any]:
    """The first answer that is not SERVICE_UNAVAILABLE, asking again until it comes."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    while True:
        status, answer = ask(process, key)
        if status != 503 or time.monotonic() > deadline:
            return status, answer
        time.sleep(0.5)


def test_a_killed_database_is_answered_unavailable_then_recovered(
    database: FerretDB, served: tuple[server.ServerProcess, str]
) -> None:
    # Given a server answering normally
    process, key = served
    assert ask(process, key) == (200, NORMAL)

    # When its database is killed
    database.kill()
    started = time.monotonic()
    answered = ask(process, key)
    log.info("answered %s after %.2f s", answered[0], time.monotonic() - started)

    # Then a request is answered SERVICE_UNAVAILABLE with 503, before the client gives up
    assert errors_of(answered) == UNAVAILABLE

    # And when the database is back on the same port with the same data, the same server
    # answers normally again, with no restart of its own
    database.restart()
    assert recovered(process, key) == (200, NORMAL)
    assert process.process.poll() is None


def test_a_hung_database_is_answered_unavailable_then_recovered(
    database: FerretDB, served: tuple[server.ServerProcess, str]
) -> None:
    # Given a server answering normally
    process, key = served
    assert ask(process, key) == (200, NORMAL)

    # When its database stops answering, connections still open
    database.pause()
    started = time.monotonic()
    answered = ask(process, key)
    log.info("answered %s after %.2f s", answered[0], time.monotonic() - started)

    # Then a request is answered SERVICE_UNAVAILABLE with 503, before the client gives up
    assert errors_of(answered) == UNAVAILABLE

    # And once the database answers again, so does the same server
    database.resume()
    assert recovered(process, key) == (200, NORMAL)
    assert process.process.poll() is None
