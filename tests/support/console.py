"""Steps a person takes in the console, for the browser tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from tests.support import server
from tests.support.browser import Tab

PUBLISH = """
mutation ($id: ID!, $status: String!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: $status}}]) {
    deliveries { id }
  }
}
"""
CREATE = """
mutation ($endpoint: String!, $title: String!) {
  createCallbackProfile(input: {title: $title, channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["status"]}) {
    callbackProfile { id }
  }
}
"""


async def sign_in(tab: Tab, base: str, key: str, view: str = "profiles") -> None:
    await tab.page.goto(f"{base}/console#{view}")
    await tab.page.fill("#api-key", key)
    sent = len(tab.frames_sent)
    await tab.page.click("#key-form button[type=submit]")
    if view == "live":
        await subscribed(tab, sent)


async def watch(tab: Tab, profile_id: str) -> None:
    """Live view: watches one profile's attempts and events."""
    await tab.page.fill("#live-profile", profile_id)
    sent = len(tab.frames_sent)
    await tab.page.click("#live-filters button[type=submit]")
    await subscribed(tab, sent)


async def subscribed(tab: Tab, after: int) -> None:
    """Waits until the page has sent both live subscriptions, after its first `after` frames.
    The server starts a subscription as it reads the frame, so what a test does after this
    reaches the server after the subscription."""
    wanted = {"deliveryAttempts", "profileEvents"}
    async with asyncio.timeout(10):
        while True:
            frames = [json.loads(f) for f in tab.frames_sent[after:]]
            started = {
                name
                for f in frames
                if f.get("type") == "subscribe"
                for name in wanted
                if name in f["payload"]["query"]
            }
            if started == wanted:
                return
            await asyncio.sleep(0.02)


async def fill_create_form(tab: Tab, title: str, endpoint: str) -> None:
    """Add new, up to the variables: an SMS profile posting to the endpoint."""
    page = tab.page
    await page.click("#add-profile")
    await page.fill("#create-form input[name=title]", title)
    await page.select_option("#create-form select[name=channel]", "SMS")
    await page.select_option("#create-form select[name=httpMethod]", "POST")
    await page.fill("#create-form input[name=endpoint]", endpoint)


def call(base: str, key: str, query: str, **variables: Any) -> dict[str, Any]:
    """A GraphQL call over HTTP, as the messaging platform or another client makes it."""
    return server.graphql(f"{base}/graphql", key, query, variables)


def create_profile(base: str, key: str, endpoint: str, title: str) -> str:
    data = call(base, key, CREATE, endpoint=endpoint, title=title)
    profile_id: str = data["createCallbackProfile"]["callbackProfile"]["id"]
    return profile_id


def publish(base: str, key: str, profile_id: str, status: str = "Delivered") -> str:
    data = call(base, key, PUBLISH, id=profile_id, status=status)
    delivery_id: str = data["publishStatusEvents"]["deliveries"][0]["id"]
    return delivery_id


async def until(
    base: str, key: str, query: str, done: Callable[[dict[str, Any]], bool], **variables: Any
) -> dict[str, Any]:
    """Asks again until `done` holds of the answer's data, and answers that data."""
    async with asyncio.timeout(15):
        while True:
            data = await asyncio.to_thread(call, base, key, query, **variables)
            if done(data):
                return data
            await asyncio.sleep(0.05)
