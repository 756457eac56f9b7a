"""The console's live view, in Chromium: attempts arrive over the deliveryAttempts
subscription as reports are published over HTTP, coloured by outcome, and wait while paused."""

from __future__ import annotations

import asyncio

from playwright.async_api import expect
from starlette.responses import Response

from tests.support.browser import Tab
from tests.support.console import create_profile, publish, sign_in, watch
from tests.support.receiver import Received, Receiver
from tests.web.conftest import Running


async def test_a_published_report_appears_live_with_its_outcome(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Live SMS"
    )
    await sign_in(tab, running.base, running.key, view="live")
    await expect(tab.page.locator("#live-state")).to_have_text("Watching")

    delivery_id = await asyncio.to_thread(publish, running.base, running.key, profile_id)
    row = tab.page.locator("#live-rows tr", has=tab.page.locator(f"text={delivery_id}"))
    await expect(row).to_have_count(1)
    await tab.screenshot("console-live")

    assert await row.get_attribute("class") == "outcome-SUCCEEDED"
    cells = await row.locator("td").all_inner_texts()
    assert cells[1:3] == ["SUCCEEDED", "200"]
    assert cells[4:8] == ["EVENT", "1", "SMS", "Live SMS"]


async def test_filtered_to_a_profile_it_shows_only_that_profiles_attempts(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    watched = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Watched"
    )
    other = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Other"
    )
    await sign_in(tab, running.base, running.key, view="live")
    await watch(tab, watched)
    await expect(tab.page.locator("#live-state")).to_have_text("Watching")

    skipped = await asyncio.to_thread(publish, running.base, running.key, other)
    shown = await asyncio.to_thread(publish, running.base, running.key, watched)
    await expect(tab.page.locator("#live-rows tr", has_text=shown)).to_have_count(1)

    assert await tab.page.locator("#live-rows tr", has_text=skipped).count() == 0


async def test_paused_it_holds_attempts_and_shows_them_on_resume(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    async def gone(_: Received) -> Response:
        # 410 fails the delivery at once: one attempt, no retry to race with the pause.
        return Response("gone", status_code=410)

    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Paused"
    )
    await sign_in(tab, running.base, running.key, view="live")
    await expect(tab.page.locator("#live-state")).to_have_text("Watching")
    await tab.page.click("#live-pause")

    receiver.answer = gone
    delivery_id = await asyncio.to_thread(publish, running.base, running.key, profile_id)
    await expect(tab.page.locator("#live-state")).to_have_text("Paused: 1 waiting")
    shown_while_paused = await tab.page.locator("#live-rows tr", has_text=delivery_id).count()
    await tab.page.click("#live-pause")
    row = tab.page.locator("#live-rows tr", has_text=delivery_id)
    await expect(row).to_have_count(1)

    assert shown_while_paused == 0
    assert await tab.page.inner_text("#live-pause") == "Pause"
    assert await row.get_attribute("class") == "outcome-HTTP_ERROR"
