"""Fixtures for API-level tests: the server in process on the embedded store, an account,
and a real HTTP receiver on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.api import Api, running_api, settings
from tests.support.receiver import Receiver, running_receiver


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async with running_api(settings()) as running:
        yield running


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
