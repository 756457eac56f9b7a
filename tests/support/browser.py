"""Debian's Chromium, headless, driven by Playwright against a server process on loopback.

Playwright never downloads a browser here: it is pointed at the system's Chromium, which
scripts/test installs from the distribution's packages when absent. Every page a test looks
at is saved as a screenshot under the test run's output folder."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, Route, WebSocket, async_playwright

from tests.support.server import ROOT

CHROMIUM_NAMES = ("chromium", "chromium-browser")
HOW_TO_GET_IT = (
    "install Debian's chromium package (`apt-get install -y chromium`; scripts/test does)"
)
LOOPBACK = re.compile(r"^(?:https?|wss?)://127\.0\.0\.1(?::\d+)?/")


def output_folder() -> Path:
    """Where screenshots go: $CALLBACKD_TEST_OUTPUT, else test-output/ in the repository."""
    folder = Path(os.environ.get("CALLBACKD_TEST_OUTPUT") or ROOT / "test-output") / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def chromium() -> str:
    for name in CHROMIUM_NAMES:
        if found := shutil.which(name):
            return found
    pytest.fail(f"No Chromium for the browser tests: {HOW_TO_GET_IT}.", pytrace=False)


@contextlib.asynccontextmanager
async def launched() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=chromium(),
            headless=True,
            # Root in a container has no user namespaces for Chromium's sandbox.
            args=["--no-sandbox"] if os.geteuid() == 0 else [],
        )
        try:
            yield browser
        finally:
            await browser.close()


@dataclass
class Tab:
    """One browser page, which records every request that would leave loopback (and stops
    it), every script error, and the WebSockets it opens with the frames it sends on them."""

    page: Page
    outside: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)
    frames_sent: list[str] = field(default_factory=list)

    def socket_opened(self, socket: WebSocket) -> None:
        self.sockets.append(socket.url)

        def sent(payload: str | bytes) -> None:
            self.frames_sent.append(payload if isinstance(payload, str) else payload.decode())

        socket.on("framesent", sent)

    async def screenshot(self, name: str) -> Path:
        path = output_folder() / f"{name}.png"
        await self.page.screenshot(path=str(path), full_page=True)
        return path


@contextlib.asynccontextmanager
async def opened(browser: Browser) -> AsyncIterator[Tab]:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = Tab(await context.new_page())

    async def only_loopback(route: Route) -> None:
        if LOOPBACK.match(route.request.url):
            await route.continue_()
        else:
            tab.outside.append(route.request.url)
            await route.abort()

    await context.route("**/*", only_loopback)
    tab.page.on("pageerror", lambda error: tab.errors.append(str(error)))
    tab.page.on("websocket", tab.socket_opened)
    try:
        yield tab
    finally:
        await context.close()
