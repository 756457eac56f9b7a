from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pymongo
import pytest

from domain.store import Store
from storage import MemoryStore
from storage.mongo import MongoStore
from tests.support.ferretdb import HOW_TO_GET_ONE, FerretDB, FerretDBUnavailable, find_binary
from tests.support.stores import started

pytest_plugins = ["tests.support.fixtures"]


@pytest.fixture(scope="session")
def mongodb_url() -> Iterator[str]:
    """$MONGODB_URL, else a FerretDB started for this test session. Never a skip: a run
    without a server fails, saying how to get one."""
    if configured := os.environ.get("MONGODB_URL"):
        yield configured
        return
    binary = find_binary()
    if binary is None:
        pytest.fail(
            f"No MongoDB server for the tests needing one: {HOW_TO_GET_ONE}.", pytrace=False
        )
    server = FerretDB(binary)
    try:
        server.start()
    except (FerretDBUnavailable, OSError) as e:
        pytest.fail(f"FerretDB at {binary} could not start ({e}); {HOW_TO_GET_ONE}.", pytrace=False)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def _mongo_admin(mongodb_url: str) -> Iterator[pymongo.MongoClient[dict[str, Any]]]:
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(mongodb_url)
    with client:
        yield client


@pytest.fixture
def mongo_database(_mongo_admin: pymongo.MongoClient[dict[str, Any]]) -> Iterator[str]:
    """A database name of this test's own, dropped afterwards."""
    name = f"callbackd_test_{uuid.uuid4().hex[:16]}"
    yield name
    _mongo_admin.drop_database(name)


@pytest.fixture
async def memory_store() -> AsyncIterator[MemoryStore]:
    async with started(MemoryStore()) as store:
        yield store


@pytest.fixture
async def mongo_store(mongodb_url: str, mongo_database: str) -> AsyncIterator[MongoStore]:
    async with started(MongoStore(mongodb_url, mongo_database)) as store:
        yield store


@pytest.fixture(
    params=[
        pytest.param("memory", id="memory"),
        pytest.param("mongo", id="mongo", marks=pytest.mark.mongo),
    ]
)
def store(request: pytest.FixtureRequest) -> Store:
    """Each store in turn: the tests that take it are the contract both keep."""
    chosen: Store = request.getfixturevalue(f"{request.param}_store")
    return chosen
