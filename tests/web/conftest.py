"""Browser tests: one Chromium and one server process per module, a fresh tab per test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest
from playwright.async_api import Browser

from tests.support import server
from tests.support.browser import Tab, launched, opened


@dataclass(frozen=True)
class Running:
    srv: server.ServerProcess
    key: str

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.srv.port}"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    async with launched() as started:
        yield started


@pytest.fixture(scope="module")
def running() -> Iterator[Running]:
    with server.running(server.server_env(None)) as srv:
        key = next(line for line in srv.lines if line.startswith("cbk_")).strip()
        yield Running(srv, key)


@pytest.fixture
async def tab(browser: Browser) -> AsyncIterator[Tab]:
    async with opened(browser) as page:
        yield page
        assert page.outside == [], "the page asked for something beyond loopback"
        assert page.errors == [], "the page's scripts failed"
