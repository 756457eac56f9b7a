"""The hub offers each attempt to its account's subscribers only, and cuts off a subscriber
that falls too far behind instead of buffering without end."""

from __future__ import annotations

import asyncio

import pytest

from catalog import ChannelKind
from delivery.hub import QUEUE_LIMIT, Hub, SubscriberTooSlow
from storage import MemoryStore
from tests.support.factories import attempt


async def test_subscribers_get_their_accounts_attempts_filtered() -> None:
    store = MemoryStore()
    hub = Hub(store)
    hub.start()
    await asyncio.sleep(0)
    mine = hub.subscribe("acc-1")
    email_only = hub.subscribe("acc-1", channel=ChannelKind.EMAIL)
    first = asyncio.ensure_future(anext(mine))
    first_email = asyncio.ensure_future(anext(email_only))
    await asyncio.sleep(0)

    await store.insert_attempt(attempt("acc-2", None, channel=ChannelKind.SMS))
    await store.insert_attempt(attempt("acc-1", None, channel=ChannelKind.SMS))
    await store.insert_attempt(attempt("acc-1", None, channel=ChannelKind.EMAIL))

    assert (await asyncio.wait_for(first, 1)).channel is ChannelKind.SMS
    assert (await asyncio.wait_for(first_email, 1)).channel is ChannelKind.EMAIL
    await mine.aclose()
    await email_only.aclose()
    await hub.stop()


async def test_a_subscriber_that_falls_behind_is_cut_off() -> None:
    store = MemoryStore()
    hub = Hub(store)
    hub.start()
    await asyncio.sleep(0)
    slow = hub.subscribe("acc-1")
    first = asyncio.ensure_future(anext(slow))
    await asyncio.sleep(0)

    for _ in range(QUEUE_LIMIT + 2):
        await store.insert_attempt(attempt("acc-1", None))
    await asyncio.sleep(0.05)

    await first
    received = 1
    with pytest.raises(SubscriberTooSlow):
        async for _ in slow:
            received += 1
    # What was queued before the cut-off arrives (one may already have been handed over).
    assert QUEUE_LIMIT <= received <= QUEUE_LIMIT + 1
    await hub.stop()
