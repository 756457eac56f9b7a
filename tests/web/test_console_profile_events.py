"""Profile events on the console's live view, in Chromium: auto-disable with its reason,
disable and enable, a 429 pause with its end, and replays, for the watched profile only,
over the one WebSocket that also carries the attempts."""

from __future__ import annotations

import asyncio

from playwright.async_api import expect
from starlette.responses import Response

from tests.support.browser import Tab
from tests.support.console import call, create_profile, publish, sign_in, until, watch
from tests.support.receiver import Received, Receiver, ok
from tests.web.conftest import Running

DISABLE = "mutation ($id: ID!) { disableCallbackProfile(id: $id) { userErrors { code } } }"
ENABLE = "mutation ($id: ID!) { enableCallbackProfile(id: $id) { userErrors { code } } }"
REPLAY = """
mutation ($id: ID!) {
  replayDeliveries(profileId: $id, since: "2020-01-01T00:00:00Z") { replayed }
}
"""
PAUSED_UNTIL = "query ($id: ID!) { callbackProfile(id: $id) { pausedUntil } }"
STATUS = "query ($id: ID!) { delivery(id: $id) { status } }"


async def event_cells(tab: Tab, profile_id: str, kind: str) -> list[str]:
    """The Event, Status, Profile and Detail cells of the watched profile's `kind` event."""
    row = tab.page.locator(f"#event-rows tr.event-{kind}[data-profile-id='{profile_id}']")
    await expect(row).to_have_count(1)
    return (await row.locator("td").all_inner_texts())[1:]


async def test_an_auto_disable_shows_its_reason_then_enable_and_disable_follow(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    async def gone(_: Received) -> Response:
        return Response("gone", status_code=410)

    receiver.answer = gone
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Watched endpoint"
    )
    await sign_in(tab, running.base, running.key, view="live")
    await watch(tab, profile_id)

    await asyncio.to_thread(publish, running.base, running.key, profile_id)
    auto_disabled = await event_cells(tab, profile_id, "AUTO_DISABLED")
    await asyncio.to_thread(call, running.base, running.key, ENABLE, id=profile_id)
    enabled = await event_cells(tab, profile_id, "ENABLED")
    await asyncio.to_thread(call, running.base, running.key, DISABLE, id=profile_id)
    disabled = await event_cells(tab, profile_id, "DISABLED")
    await tab.screenshot("console-profile-events")

    assert auto_disabled == [
        "AUTO_DISABLED",
        "AUTO_DISABLED",
        "Watched endpoint",
        "The endpoint answered 410 Gone.",
    ]
    assert enabled == ["ENABLED", "ACTIVE", "Watched endpoint", "Held deliveries go on."]
    assert disabled == ["DISABLED", "DISABLED", "Watched endpoint", "Disabled by the account."]
    assert await tab.page.locator("#event-rows td.kind").all_inner_texts() == [
        "DISABLED",
        "ENABLED",
        "AUTO_DISABLED",
    ]


async def test_a_429_pause_shows_until_when(running: Running, tab: Tab, receiver: Receiver) -> None:
    async def slow_down(_: Received) -> Response:
        receiver.answer = ok
        return Response("slow down", status_code=429, headers={"retry-after": "1"})

    receiver.answer = slow_down
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Throttled endpoint"
    )
    await sign_in(tab, running.base, running.key, view="live")
    await watch(tab, profile_id)

    delivery_id = await asyncio.to_thread(publish, running.base, running.key, profile_id)
    paused = await event_cells(tab, profile_id, "PAUSED")
    row = tab.page.locator(f"#event-rows tr.event-PAUSED[data-profile-id='{profile_id}']")
    until_time = await row.locator("td.detail time").get_attribute("datetime")
    profile = await asyncio.to_thread(call, running.base, running.key, PAUSED_UNTIL, id=profile_id)
    await until(
        running.base,
        running.key,
        STATUS,
        lambda d: d["delivery"]["status"] == "SUCCEEDED",
        id=delivery_id,
    )

    assert paused[:3] == ["PAUSED", "ACTIVE", "Throttled endpoint"]
    assert paused[3].startswith(
        "The endpoint answered 429 with Retry-After: 1 s. Nothing is sent before "
    )
    assert until_time == profile["callbackProfile"]["pausedUntil"]
    assert len(receiver.received) == 2


async def test_a_replay_shows_how_many_were_queued(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    async def refused(_: Received) -> Response:
        return Response("refused", status_code=400)

    receiver.answer = refused
    profile_id = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Replayed endpoint"
    )
    delivery_id = await asyncio.to_thread(publish, running.base, running.key, profile_id)
    await until(
        running.base,
        running.key,
        STATUS,
        lambda d: d["delivery"]["status"] == "FAILED",
        id=delivery_id,
    )
    await sign_in(tab, running.base, running.key, view="live")
    await watch(tab, profile_id)

    await asyncio.to_thread(call, running.base, running.key, REPLAY, id=profile_id)
    replayed = await event_cells(tab, profile_id, "REPLAYED")
    manual = tab.page.locator("#live-rows tr", has_text=delivery_id)
    await expect(manual).to_have_count(1)

    assert replayed == ["REPLAYED", "ACTIVE", "Replayed endpoint", "1 delivery queued again."]
    assert (await manual.locator("td").all_inner_texts())[4] == "MANUAL"


async def test_only_the_watched_profiles_events_arrive_on_the_one_socket(
    running: Running, tab: Tab, receiver: Receiver
) -> None:
    watched = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Watched alone"
    )
    other = await asyncio.to_thread(
        create_profile, running.base, running.key, receiver.url, "Not watched"
    )
    await sign_in(tab, running.base, running.key, view="live")
    await watch(tab, watched)

    await asyncio.to_thread(call, running.base, running.key, DISABLE, id=other)
    await asyncio.to_thread(call, running.base, running.key, DISABLE, id=watched)
    await event_cells(tab, watched, "DISABLED")

    assert await tab.page.locator(f"#event-rows tr[data-profile-id='{other}']").count() == 0
    assert await tab.page.locator("#event-rows tr").count() == 1
    assert tab.sockets == [running.base.replace("http", "ws") + "/graphql"]
