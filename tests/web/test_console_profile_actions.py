"""A saved profile's actions in the console, in Chromium: Test shows the attempt, Edit
variables changes the template, Delete removes it; search narrows the list."""

from __future__ import annotations

import asyncio
import json

from playwright.async_api import expect

from tests.support.browser import Tab
from tests.support.console import create_profile, sign_in
from tests.support.receiver import Receiver
from tests.web.conftest import Running


async def test_test_sends_one_callback_and_shows_the_attempt(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Tested from the list"
    )
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")

    await row.locator("button[name=test]").click()
    attempt = tab.page.locator("#profile-test .attempt")
    await expect(attempt.locator(".outcome")).to_have_text("SUCCEEDED")
    await tab.screenshot("console-profile-tested")

    assert (await attempt.inner_text()).startswith("SUCCEEDED HTTP 200 in ")
    assert await attempt.locator("pre.excerpt").inner_text() == "ok"
    assert [json.loads(r.body) for r in receiver.received] == [{"status": "Delivered"}]


async def test_edit_variables_changes_what_callbacks_carry(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Edited"
    )
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")

    await row.locator("button[name=edit]").click()
    await tab.page.check("#edit-form input[type=checkbox][value=sender]")
    await tab.page.click("#edit-form >> text=Put in template")
    await tab.screenshot("console-edit-variables")
    await tab.page.click("#edit-form button[type=submit]")
    await expect(tab.page.locator("#edit-form")).to_have_count(0)
    await row.locator("button[name=test]").click()
    await expect(tab.page.locator("#profile-test .outcome")).to_have_text("SUCCEEDED")

    assert json.loads(receiver.received[-1].body) == {"sender": "abc", "status": "Delivered"}


async def test_delete_removes_the_profile_from_the_list(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Deleted soon"
    )
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    tab.page.once("dialog", lambda dialog: asyncio.ensure_future(dialog.accept()))

    await row.locator("button[name=delete]").click()

    await expect(row).to_have_count(0)


async def test_search_keeps_only_matching_titles(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    wanted = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Needle in haystack"
    )
    await sign_in(tab, running.base, running.key)

    await tab.page.fill("#profile-search", "NEEDLE")
    rows = tab.page.locator("#profile-rows tr")
    await expect(rows).to_have_count(1)

    assert await rows.first.get_attribute("data-profile-id") == wanted
