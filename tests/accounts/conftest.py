"""The API in process on each store in turn: the key tests hold on both."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.api import Api, running_api, settings
from tests.support.fixtures import on_mongodb


@pytest.fixture(
    params=[pytest.param("memory", id="memory"), pytest.param("mongo", marks=pytest.mark.mongo)]
)
async def api(request: pytest.FixtureRequest) -> AsyncIterator[Api]:
    overrides = on_mongodb(request) if request.param == "mongo" else {}
    async with running_api(settings(**overrides)) as running:
        yield running
