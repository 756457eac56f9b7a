"""A profile's status in the console, in Chromium: the badge with the reason and the time it
changed, the status filter of the list, and Disable / Enable redrawing the row."""

from __future__ import annotations

import asyncio

from playwright.async_api import expect
from starlette.responses import Response

from tests.support.browser import Tab
from tests.support.console import call, create_profile, publish, sign_in, until
from tests.support.receiver import Received, Receiver
from tests.web.conftest import Running

PROFILE = "query ($id: ID!) { callbackProfile(id: $id) { status statusReason statusChangedAt } }"
DISABLE = "mutation ($id: ID!) { disableCallbackProfile(id: $id) { userErrors { code } } }"
DELETE = "mutation ($id: ID!) { deleteCallbackProfile(id: $id) { userErrors { code } } }"
PUBLISH = """
mutation ($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: "Delivered"}}]) {
    userErrors { message code }
  }
}
"""


async def gone(_: Received) -> Response:
    return Response("gone", status_code=410)


async def test_a_profile_auto_disabled_by_410_shows_the_reason_and_since_when(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    receiver.answer = gone
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Gone away"
    )
    await asyncio.to_thread(publish, running.base, running.key, profile_id)
    data = await until(
        running.base,
        running.key,
        PROFILE,
        lambda d: d["callbackProfile"]["status"] == "AUTO_DISABLED",
        id=profile_id,
    )

    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    status = row.locator("td.status")
    await expect(status.locator(".badge")).to_have_text("AUTO_DISABLED")
    await tab.screenshot("console-profile-auto-disabled")

    assert await status.locator(".status-reason").inner_text() == "The endpoint answered 410 Gone."
    changed_at = status.locator(".status-changed time")
    assert await changed_at.get_attribute("datetime") == data["callbackProfile"]["statusChangedAt"]
    assert await row.locator("button[name=enable]").inner_text() == "Enable"
    assert await row.locator("button[name=disable]").count() == 0


async def test_disable_and_enable_redraw_the_row_and_decide_what_is_published(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Switched off and on"
    )
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    badge = row.locator("td.status .badge")
    await expect(badge).to_have_text("ACTIVE")

    await row.locator("button[name=disable]").click()
    await expect(badge).to_have_text("DISABLED")
    await tab.screenshot("console-profile-disabled")
    reason = await row.locator("td.status .status-reason").inner_text()
    disabled = await asyncio.to_thread(call, running.base, running.key, PROFILE, id=profile_id)
    refused = await asyncio.to_thread(call, running.base, running.key, PUBLISH, id=profile_id)
    await row.locator("button[name=enable]").click()
    await expect(badge).to_have_text("ACTIVE")
    enabled = await asyncio.to_thread(call, running.base, running.key, PROFILE, id=profile_id)
    accepted = await asyncio.to_thread(call, running.base, running.key, PUBLISH, id=profile_id)

    assert reason == "Disabled by the account."
    assert disabled["callbackProfile"]["status"] == "DISABLED"
    assert refused["publishStatusEvents"]["userErrors"] == [
        {
            "message": f"Callback profile {profile_id} was disabled by its account. Enable it "
            "with enableCallbackProfile to publish reports for it again.",
            "code": "PROFILE_NOT_ACTIVE",
        }
    ]
    assert enabled["callbackProfile"]["status"] == "ACTIVE"
    assert await row.locator("td.status .status-reason").count() == 0
    assert (
        await row.locator("td.status .status-changed time").get_attribute("datetime")
        == (enabled["callbackProfile"]["statusChangedAt"])
    )
    assert await row.locator("button[name=disable]").inner_text() == "Disable"
    assert accepted["publishStatusEvents"]["userErrors"] == []


async def test_the_status_filter_lists_only_profiles_in_that_status(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    active = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Filtered active"
    )
    disabled = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Filtered disabled"
    )
    await asyncio.to_thread(call, running.base, running.key, DISABLE, id=disabled)
    await sign_in(tab, running.base, running.key)
    active_row = tab.page.locator(f"#profile-rows tr[data-profile-id='{active}']")
    disabled_row = tab.page.locator(f"#profile-rows tr[data-profile-id='{disabled}']")
    await expect(active_row).to_have_count(1)

    await tab.page.select_option("#profile-status", "DISABLED")
    await expect(active_row).to_have_count(0)
    shown_disabled = await tab.page.locator("#profile-rows td.status .badge").all_inner_texts()
    with_disabled_row = await disabled_row.count()
    await tab.page.select_option("#profile-status", "ACTIVE")
    await expect(disabled_row).to_have_count(0)
    shown_active = await tab.page.locator("#profile-rows td.status .badge").all_inner_texts()
    with_active_row = await active_row.count()

    assert await tab.page.locator("#profile-status option").all_inner_texts() == [
        "All statuses",
        "ACTIVE",
        "DISABLED",
        "AUTO_DISABLED",
    ]
    assert (with_disabled_row, set(shown_disabled)) == (1, {"DISABLED"})
    assert (with_active_row, set(shown_active)) == (1, {"ACTIVE"})


async def test_a_refused_disable_shows_the_message_in_the_row(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Deleted elsewhere"
    )
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    await expect(row).to_have_count(1)
    await asyncio.to_thread(call, running.base, running.key, DELETE, id=profile_id)

    await row.locator("button[name=disable]").click()
    error = row.locator(".row-error")
    await expect(error).to_have_text("No callback profile with this id.")

    assert await error.get_attribute("data-code") == "NOT_FOUND"
    assert await row.locator("td.status .badge").inner_text() == "ACTIVE"
