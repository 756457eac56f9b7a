"""The console's deliveries table, in Chromium: status, attempt history, and Retry for a
delivery that failed."""

from __future__ import annotations

import asyncio

from playwright.async_api import expect
from starlette.responses import Response

from tests.support.browser import Tab
from tests.support.console import call, create_profile, publish, sign_in
from tests.support.receiver import Received, Receiver, ok
from tests.web.conftest import Running

STATUS = "query ($id: ID!) { delivery(id: $id) { status attemptCount } }"


async def finished(running: Running, delivery_id: str) -> dict[str, object]:
    async with asyncio.timeout(10):
        while True:
            data = await asyncio.to_thread(call, running.base, running.key, STATUS, id=delivery_id)
            if data["delivery"]["status"] in ("SUCCEEDED", "FAILED"):
                delivery: dict[str, object] = data["delivery"]
                return delivery
            await asyncio.sleep(0.05)


async def test_a_failed_delivery_shows_its_attempts_and_is_retried(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    # 400 fails at once, as 410 would, without auto-disabling the profile as 410 does.
    async def refused(_: Received) -> Response:
        return Response("refused for now", status_code=400)

    receiver.answer = refused
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Retried"
    )
    delivery_id = await asyncio.to_thread(publish, running.base, running.key, profile_id)
    assert await finished(running, delivery_id) == {"status": "FAILED", "attemptCount": 1}
    await sign_in(tab, running.base, running.key, view="deliveries")
    await tab.page.fill("#delivery-profile", profile_id)
    await tab.page.click("#delivery-filters button[type=submit]")
    row = tab.page.locator(f"#delivery-rows tr[data-delivery-id='{delivery_id}']")
    await expect(row.locator("td.status")).to_have_text("FAILED")

    await row.locator("button[name=history]").click()
    history = tab.page.locator("#delivery-rows tr.history:visible .attempt")
    await expect(history).to_have_count(1)
    await tab.screenshot("console-deliveries")
    first_attempt = await history.inner_text()
    receiver.answer = ok
    await row.locator("button[name=retry]").click()
    retried = await finished(running, delivery_id)
    await tab.page.click("#delivery-filters button[type=submit]")
    await expect(row.locator("td.status")).to_have_text("SUCCEEDED")

    assert first_attempt.startswith("HTTP_ERROR HTTP 400 in ")
    assert "refused for now" in first_attempt
    assert retried == {"status": "SUCCEEDED", "attemptCount": 2}
    assert await row.locator("button[name=retry]").count() == 0
