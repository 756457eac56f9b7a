"""The API in process on each store in turn: the key tests hold on both."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.api import Api, running_api, settings
from tests.support.server import TEST_SECRET_KEY


@pytest.fixture(
    params=[pytest.param("memory", id="memory"), pytest.param("mongo", marks=pytest.mark.mongo)]
)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    if request.param == "memory":
        config = settings()
    else:
        config = settings(
            MONGODB_URL=request.getfixturevalue("mongodb_url"),
            CALLBACKD_DATABASE=request.getfixturevalue("mongo_database"),
            CALLBACKD_SECRET_KEY=TEST_SECRET_KEY,
        )
    async with running_api(config) as running:
        yield running
