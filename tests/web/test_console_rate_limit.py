"""A profile's rate limit in the console, in Chromium: maxPerSecond on the Add new form,
shown in the list, changed or removed with Rate limit, and values refused beside the field."""

from __future__ import annotations

import asyncio

from playwright.async_api import expect

from tests.support.browser import Tab
from tests.support.console import call, create_profile, fill_create_form, sign_in
from tests.support.receiver import Receiver
from tests.web.conftest import Running

LIMIT = "query ($id: ID!) { callbackProfile(id: $id) { maxPerSecond } }"
OUT_OF_RANGE = "maxPerSecond takes 0.0167 (one a minute) to 10000, or null for no limit."
NOT_A_NUMBER = "Enter a number of callbacks per second, e.g. 50 or 0.5."


async def fill_limited_profile(tab: Tab, title: str, endpoint: str, rate: str) -> None:
    await fill_create_form(tab, title, endpoint)
    await tab.page.click("#create-form >> text=View")
    await tab.page.check("#create-form input[type=checkbox][value=status]")
    await tab.page.click("#create-form >> text=Put in template")
    await tab.page.fill("#create-form input[name=maxPerSecond]", rate)


async def test_a_profile_created_with_a_rate_limit_keeps_it(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    await sign_in(tab, running.base, running.key)
    await fill_limited_profile(tab, "Limited from the form", receiver.url, "2.5")
    await tab.screenshot("console-create-rate-limit")

    await tab.page.click("#create-form button[name=save]")
    await expect(tab.page.locator("#saved-profile-id")).to_be_visible()
    profile_id = await tab.page.inner_text("#saved-profile-id")
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    await expect(row.locator("td.rate")).to_have_text("2.5/s")
    saved = await asyncio.to_thread(call, running.base, running.key, LIMIT, id=profile_id)

    assert saved["callbackProfile"]["maxPerSecond"] == 2.5


async def test_rates_out_of_range_or_not_numbers_are_refused_beside_the_field(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    await sign_in(tab, running.base, running.key)
    await fill_limited_profile(tab, "Too fast to keep", receiver.url, "0")
    field = tab.page.locator("#create-form .field", has=tab.page.locator("[name=maxPerSecond]"))
    error = field.locator(".field-error")

    await tab.page.click("#create-form button[name=save]")
    await expect(error).to_have_text(OUT_OF_RANGE)
    await tab.screenshot("console-create-rate-limit-refused")
    server_code = await error.get_attribute("data-code")
    invalid = await tab.page.get_attribute("#create-form [name=maxPerSecond]", "aria-invalid")
    await tab.page.fill("#create-form input[name=maxPerSecond]", "fast")
    await tab.page.click("#create-form button[name=save]")
    await expect(error).to_have_text(NOT_A_NUMBER)

    assert (server_code, invalid) == ("INVALID_VALUE", "true")
    assert await error.get_attribute("data-code") == "INVALID_VALUE"
    assert await tab.page.locator("#saved-profile-id").count() == 0


async def test_rate_limit_changes_and_removes_a_profiles_limit(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Limited later"
    )
    await sign_in(tab, running.base, running.key)
    row = tab.page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    form = tab.page.locator("#rate-limit-form")
    await expect(row.locator("td.rate")).to_have_text("none")

    await row.locator("button[name=rate-limit]").click()
    await form.locator("input[name=maxPerSecond]").fill("20000")
    await form.locator("button[name=save]").click()
    await expect(form.locator(".field-error")).to_have_text(OUT_OF_RANGE)
    await tab.screenshot("console-rate-limit-refused")
    refused = await asyncio.to_thread(call, running.base, running.key, LIMIT, id=profile_id)
    await form.locator("input[name=maxPerSecond]").fill("10")
    await form.locator("button[name=save]").click()
    await expect(row.locator("td.rate")).to_have_text("10/s")
    limited = await asyncio.to_thread(call, running.base, running.key, LIMIT, id=profile_id)
    await row.locator("button[name=rate-limit]").click()
    shown = await form.locator("input[name=maxPerSecond]").input_value()
    await form.locator("button[name=remove]").click()
    await expect(row.locator("td.rate")).to_have_text("none")
    removed = await asyncio.to_thread(call, running.base, running.key, LIMIT, id=profile_id)

    assert refused["callbackProfile"]["maxPerSecond"] is None
    assert limited["callbackProfile"]["maxPerSecond"] == 10
    assert shown == "10"
    assert removed["callbackProfile"]["maxPerSecond"] is None
    assert await form.count() == 0
