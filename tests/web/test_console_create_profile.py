"""The console's Add callback profile form, in Chromium: the platform's steps, Test before
Save, refused inputs shown beside their fields, and the saved id with a copy button."""

from __future__ import annotations

import json
import re

from playwright.async_api import expect

from tests.support.browser import Tab
from tests.support.console import fill_create_form, sign_in
from tests.support.receiver import Receiver
from tests.web.conftest import Running

ID = re.compile(r"^IN_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$")


async def test_a_profile_made_with_the_form_is_tested_saved_and_its_id_shown(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    page = tab.page
    await sign_in(tab, running.base, running.key)
    await fill_create_form(tab, "Shop SMS", receiver.url)
    await expect(page.locator("#create-form input[name=event]")).to_have_value("SMS Send")

    await page.click("#create-form >> text=View")
    await page.check("#create-form input[type=checkbox][value=status]")
    await page.check("#create-form input[type=checkbox][value=sender]")
    await page.click("#create-form >> text=Put in template")
    await page.fill("#create-form .header-row input[name=header-name]", "api-key")
    await page.fill("#create-form .header-row input[name=header-value]", "k-123")
    await page.check("#create-form .header-row input[name=header-secret]")
    secret_value = page.locator("#create-form .header-row input[name=header-value]")
    await expect(secret_value).to_have_attribute("type", "password")
    await tab.screenshot("console-create-form")
    await page.click("#create-form button[name=test]")
    await expect(page.locator("#create-result .outcome")).to_have_text("SUCCEEDED")
    await tab.screenshot("console-create-tested")
    await page.click("#create-form button[name=save]")
    await expect(page.locator("#saved-profile-id")).to_be_visible()
    await tab.screenshot("console-create-saved")

    template = json.loads(receiver.received[0].body)
    assert template == {"status": "Delivered", "sender": "abc"}
    assert receiver.received[0].headers["api-key"] == "k-123"
    profile_id = await page.inner_text("#saved-profile-id")
    assert ID.match(profile_id)
    assert await page.locator("#saved-profile .id-line button.copy").count() == 2
    row = page.locator(f"#profile-rows tr[data-profile-id='{profile_id}']")
    await expect(row.locator("td").first).to_have_text("Shop SMS")


async def test_a_refused_input_is_shown_beside_its_field(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    page = tab.page
    await sign_in(tab, running.base, running.key)
    await fill_create_form(tab, "no/slashes", receiver.url)
    await page.click("#create-form >> text=View")
    await page.click("#create-form >> text=Select All")

    await page.click("#create-form button[name=save]")
    title_field = page.locator("#create-form .field", has=page.locator("input[name=title]"))
    error = title_field.locator(".field-error")
    await expect(error).to_have_count(1)
    await tab.screenshot("console-create-refused")

    assert await error.get_attribute("data-code") == "INVALID_CHARACTERS"
    assert (
        await page.locator("#create-form input[name=title]").get_attribute("aria-invalid") == "true"
    )
    assert await page.locator("#saved-profile-id").count() == 0


async def test_the_form_follows_the_email_channel_from_the_catalog(
    running: Running, tab: Tab
) -> None:
    page = tab.page
    await sign_in(tab, running.base, running.key)
    await page.click("#add-profile")

    await page.select_option("#create-form select[name=channel]", "EMAIL")
    await expect(page.locator("#create-form input[name=event]")).to_have_value("Email Send")
    await tab.screenshot("console-create-email")

    methods = page.locator("#create-form select[name=httpMethod] option")
    enabled = page.locator("#create-form select[name=httpMethod] option:not([disabled])")
    formats = page.locator("#create-form select[name=bodyFormat] option")
    assert await methods.all_inner_texts() == [
        "GET (not for this channel)",
        "POST",
        "PUT (not for this channel)",
        "DELETE (not for this channel)",
    ]
    assert await enabled.all_inner_texts() == ["POST"]
    assert await formats.all_inner_texts() == ["JSON", "FORM_DATA", "URLENCODED"]
    assert await page.locator("#create-form input[name=required-options]").count() == 0
    assert "null" not in await page.inner_text("#create-form")
    assert (
        await page.locator("#create-form input[type=checkbox][value=delivery_status]").count() == 1
    )


async def test_basic_authentication_chosen_in_the_form_signs_in_to_the_endpoint(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    page = tab.page
    await sign_in(tab, running.base, running.key)
    await fill_create_form(tab, "Shop SMS with Basic", receiver.url)
    await page.click("#create-form >> text=View")
    await page.check("#create-form input[type=checkbox][value=status]")
    await page.click("#create-form >> text=Put in template")
    await expect(page.locator("#create-form .auth-basic")).to_be_hidden()

    await page.select_option("#create-form select[name='authentication.type']", "BASIC")
    await page.fill("#create-form input[name='authentication.username']", "acme")
    await page.fill("#create-form input[name='authentication.password']", "s3cret")
    password = page.locator("#create-form input[name='authentication.password']")
    await expect(password).to_have_attribute("type", "password")
    await page.click("#create-form button[name=test]")
    await expect(page.locator("#create-result .outcome")).to_have_text("SUCCEEDED")

    # base64("acme:s3cret")
    assert receiver.received[0].headers["authorization"] == "Basic YWNtZTpzM2NyZXQ="
