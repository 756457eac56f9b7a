"""/healthz and /readyz: alive, and ready only with the store, workers and feed working."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.api import Api, running_api, settings
from tests.support.ferretdb import FerretDB, find_binary
from tests.support.server import TEST_SECRET_KEY


async def test_a_running_server_is_alive_and_ready(api: Api) -> None:
    alive = await api.http.get("/healthz")
    ready = await api.http.get("/readyz")

    assert alive.status_code == 200
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


async def test_without_claiming_workers_it_is_not_ready(api: Api) -> None:
    await api.runtime.stop_claiming()

    ready = await api.http.get("/readyz")

    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "problems": {"workers": "delivery workers are not running"},
    }
    assert (await api.http.get("/healthz")).status_code == 200


async def test_a_process_with_no_workers_of_its_own_is_ready() -> None:
    async with running_api(settings(CALLBACKD_WORKERS="0")) as api:
        ready = await api.http.get("/readyz")

    assert ready.status_code == 200


@pytest.fixture
async def own_ferretdb() -> AsyncIterator[FerretDB]:
    """A MongoDB-protocol server of this test's own, which the test may stop."""
    binary = find_binary()
    assert binary is not None, "FerretDB is needed: scripts/build-ferretdb"
    server = FerretDB(binary)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.mongo
async def test_with_its_store_gone_it_is_not_ready_but_still_alive(
    own_ferretdb: FerretDB,
) -> None:
    config = settings(
        MONGODB_URL=f"{own_ferretdb.url}?serverSelectionTimeoutMS=500",
        CALLBACKD_SECRET_KEY=TEST_SECRET_KEY,
    )
    async with running_api(config) as api:
        before = await api.http.get("/readyz")
        own_ferretdb.stop()

        after = await api.http.get("/readyz")
        alive = await api.http.get("/healthz")

    assert before.status_code == 200
    assert after.status_code == 503
    assert after.json()["status"] == "unavailable"
    assert list(after.json()["problems"]) == ["store"]
    assert after.json()["problems"]["store"].startswith("store unreachable: ")
    assert alive.status_code == 200
