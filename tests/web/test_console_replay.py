"""Replay in the console, in Chromium: a profile's failed deliveries queued again and sent,
how many were queued, one idempotency key per replay the form describes (a double click or a
second press sends nothing twice, a changed form is a new replay), and a refused span shown
beside its field."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from playwright.async_api import Request, expect
from starlette.responses import Response

from tests.support.browser import Tab
from tests.support.console import call, create_profile, publish, sign_in, until
from tests.support.receiver import Received, Receiver, ok
from tests.web.conftest import Running

DELIVERIES = """
query ($id: ID!) {
  deliveries(profileId: $id) {
    edges { node { id status attemptCount attempts { trigger statusCode } } }
  }
}
"""


async def refused(_: Received) -> Response:
    # 400 fails a delivery at once and, unlike 410, leaves its profile active.
    return Response("refused", status_code=400)


def rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["node"] for e in data["deliveries"]["edges"]]


def all_in(status: str, attempts: int) -> Any:
    return lambda d: all((r["status"], r["attemptCount"]) == (status, attempts) for r in rows(d))


async def failed_deliveries(running: Running, receiver: Receiver, title: str, n: int) -> str:
    receiver.answer = refused
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, title
    )
    for _ in range(n):
        await asyncio.to_thread(publish, running.base, running.key, profile_id)
    await until(running.base, running.key, DELIVERIES, all_in("FAILED", 1), id=profile_id)
    return profile_id


def replay_keys(tab: Tab) -> list[str]:
    """The idempotency key of every replayDeliveries request the page sends from now on."""
    keys: list[str] = []

    def sent(request: Request) -> None:
        if request.url.endswith("/graphql") and "replayDeliveries" in (request.post_data or ""):
            keys.append(json.loads(request.post_data or "{}")["variables"]["idempotencyKey"])

    tab.page.on("request", sent)
    return keys


async def test_replay_sends_the_failed_deliveries_again_and_says_how_many(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await failed_deliveries(running, receiver, "Replayed twice over", 2)
    receiver.answer = ok
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    await row.locator("button[name=replay]").click()
    status = await tab.page.locator("#replay-form select[name=status]").input_value()
    await tab.screenshot("console-replay-form")

    await tab.page.click("#replay-form button[name=replay]")
    await expect(tab.page.locator("#replay-result")).to_have_text("Queued 2 deliveries again.")
    await tab.screenshot("console-replayed")
    data = await until(running.base, running.key, DELIVERIES, all_in("SUCCEEDED", 2), id=profile_id)

    assert status == "FAILED"
    assert [r["attempts"] for r in rows(data)] == [
        [{"trigger": "EVENT", "statusCode": 400}, {"trigger": "MANUAL", "statusCode": 200}]
    ] * 2
    assert len(receiver.received) == 4


async def test_a_double_click_and_a_second_press_replay_once(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await failed_deliveries(running, receiver, "Replayed once only", 1)
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    await row.locator("button[name=replay]").click()
    keys = replay_keys(tab)
    result = tab.page.locator("#replay-result")

    await tab.page.dblclick("#replay-form button[name=replay]")
    await expect(result).to_have_text("Queued 1 delivery again.")
    # The replayed attempt fails again: a second replay under a new key would queue it anew.
    await until(running.base, running.key, DELIVERIES, all_in("FAILED", 2), id=profile_id)
    await tab.page.click("#replay-form button[name=replay]")
    await expect(result).to_have_text(
        "Already replayed: 1 delivery queued by the first press; nothing queued again."
    )
    after = await asyncio.to_thread(call, running.base, running.key, DELIVERIES, id=profile_id)

    assert len(keys) >= 2
    assert len(set(keys)) == 1
    assert [(r["status"], r["attemptCount"]) for r in rows(after)] == [("FAILED", 2)]
    assert len(receiver.received) == 2


async def test_a_changed_form_is_a_new_replay_with_a_new_key(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await failed_deliveries(running, receiver, "Replayed on purpose", 1)
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    await row.locator("button[name=replay]").click()
    keys = replay_keys(tab)
    result = tab.page.locator("#replay-result")
    status = tab.page.locator("#replay-form select[name=status]")
    await tab.page.click("#replay-form button[name=replay]")
    await expect(result).to_have_text("Queued 1 delivery again.")
    await until(running.base, running.key, DELIVERIES, all_in("FAILED", 2), id=profile_id)

    await status.select_option("SUCCEEDED")
    await tab.page.click("#replay-form button[name=replay]")
    await expect(result).to_have_text("No finished delivery matched: nothing queued.")
    await status.select_option("FAILED")
    await tab.page.click("#replay-form button[name=replay]")
    await expect(result).to_have_text("Queued 1 delivery again.")
    data = await until(running.base, running.key, DELIVERIES, all_in("FAILED", 3), id=profile_id)

    assert len(keys) == len(set(keys)) == 3
    assert [a["trigger"] for a in rows(data)[0]["attempts"]] == ["EVENT", "MANUAL", "MANUAL"]
    assert len(receiver.received) == 3


async def test_a_span_ending_before_it_starts_is_refused_beside_until(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Backwards span"
    )
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    await row.locator("button[name=replay]").click()
    form = tab.page.locator("#replay-form")

    await form.locator("input[name=since]").fill("2026-01-02T00:00:00")
    await form.locator("input[name=until]").fill("2026-01-01T00:00:00")
    await form.locator("button[name=replay]").click()
    until_field = form.locator(".field", has=tab.page.locator("input[name=until]"))
    error = until_field.locator(".field-error")
    await expect(error).to_have_text("until must be after since.")
    await tab.screenshot("console-replay-refused")

    assert await error.get_attribute("data-code") == "INVALID_VALUE"
    assert await form.locator("input[name=until]").get_attribute("aria-invalid") == "true"
    assert await tab.page.inner_text("#replay-result") == ""
