"""GraphiQL in Chromium with nothing beyond loopback: it loads, runs a query with the key
typed in its key bar, and streams a subscription over graphql-transport-ws."""

from __future__ import annotations

import asyncio

from playwright.async_api import expect

from tests.support.browser import Tab
from tests.support.console import create_profile, publish
from tests.support.receiver import Receiver
from tests.web.conftest import Running

SUBSCRIPTION = "subscription { deliveryAttempts { outcome trigger delivery { id } } }"


async def open_graphiql(tab: Tab, running: Running) -> None:
    await tab.page.goto(f"{running.base}/graphql")
    await tab.page.fill("#api-key", running.key)


async def test_graphiql_runs_a_query_with_the_key_from_its_bar(running: Running, tab: Tab) -> None:
    await open_graphiql(tab, running)

    await tab.page.click(".graphiql-execute-button")
    result = tab.page.locator(".graphiql-response")
    await expect(result).to_contain_text("email - Email Gateway APIs")
    await tab.screenshot("graphiql")

    assert '"kind": "SMS"' in await result.inner_text()


async def test_graphiql_streams_a_subscription(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Seen in GraphiQL"
    )
    await open_graphiql(tab, running)
    await tab.page.click(".graphiql-query-editor .CodeMirror")
    await tab.page.keyboard.press("Control+A")
    # Inserted rather than typed, so the editor does not close brackets a second time.
    await tab.page.keyboard.insert_text(SUBSCRIPTION)

    await tab.page.click(".graphiql-execute-button")
    await expect(tab.page.locator(".graphiql-execute-button")).to_have_attribute(
        "aria-label", "Stop query (Ctrl-Enter)"
    )
    delivery_id = await asyncio.to_thread(publish, running.base, running.key, profile_id)
    result = tab.page.locator(".graphiql-response")
    await expect(result).to_contain_text(delivery_id)
    await tab.screenshot("graphiql-subscription")

    assert '"outcome": "SUCCEEDED"' in await result.inner_text()
