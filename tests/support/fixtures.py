"""Fixtures for API-level tests: the server in process on the embedded store, an account,
and a real HTTP receiver on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.api import Api, running_api, settings
from tests.support.receiver import Receiver, running_receiver
from tests.support.server import TEST_SECRET_KEY


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async with running_api(settings()) as running:
        yield running


@pytest.fixture(
    params=[
        pytest.param("memory", id="memory"),
        pytest.param("mongo", id="mongo", marks=pytest.mark.mongo),
    ]
)
async def api_on_each_store(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    """The server in process on the embedded store, then on MongoDB."""
    overrides = on_mongodb(request) if request.param == "mongo" else {}
    async with running_api(settings(**overrides)) as running:
        yield running


@pytest.fixture
async def api_on_mongodb(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    """The server in process on MongoDB, with a database of the test's own."""
    async with running_api(settings(**on_mongodb(request))) as running:
        yield running


def on_mongodb(request: pytest.FixtureRequest) -> dict[str, str]:
    """The settings of a server on the test's MongoDB database."""
    return {
        "MONGODB_URL": request.getfixturevalue("mongodb_url"),
        "CALLBACKD_DATABASE": request.getfixturevalue("mongo_database"),
        "CALLBACKD_SECRET_KEY": TEST_SECRET_KEY,
    }


@pytest.fixture
async def key(api: Api) -> str:
    return await api.account("acme")


@pytest.fixture
async def other_key(api: Api) -> str:
    return await api.account("globex")


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    async with running_receiver() as running:
        yield running
