"""The hub offers each attempt to its account's subscribers only, cuts off a subscriber that
falls too far behind instead of buffering without end, and follows the store's attempts only
while someone subscribes."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest

from catalog import ChannelKind
from domain.models import Attempt
from live.hub import QUEUE_LIMIT, Hub, SubscriberTooSlow
from storage import MemoryStore
from tests.support.factories import attempt


class FollowCountingStore(MemoryStore):
    """The embedded store, counting the readers following its attempts right now."""

    def __init__(self) -> None:
        super().__init__()
        self.following = 0

    def follow_attempts(self) -> AsyncIterator[Attempt]:
        attempts = super().follow_attempts()
        self.following += 1

        async def counted() -> AsyncIterator[Attempt]:
            try:
                async for a in attempts:
                    yield a
            finally:
                self.following -= 1

        return counted()


async def test_subscribers_get_their_accounts_attempts_filtered() -> None:
    store = MemoryStore()
    hub = Hub(store)
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


async def test_the_store_is_followed_only_while_someone_subscribes() -> None:
    store = FollowCountingStore()
    hub = Hub(store)
    await asyncio.sleep(0.01)
    assert store.following == 0

    first = hub.subscribe("acc-1")
    second = hub.subscribe("acc-2")
    got_first = asyncio.ensure_future(anext(first))
    got_second = asyncio.ensure_future(anext(second))
    await asyncio.sleep(0.01)
    assert store.following == 1

    await store.insert_attempt(attempt("acc-1", None))
    await asyncio.wait_for(got_first, 1)
    await first.aclose()
    await asyncio.sleep(0.01)
    assert store.following == 1

    # A subscriber goes away as a server's subscription task does: cancelled while waiting.
    got_second.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await got_second
    await asyncio.sleep(0.01)
    assert store.following == 0

    again = hub.subscribe("acc-1")
    got_again = asyncio.ensure_future(anext(again))
    await asyncio.sleep(0.01)
    await store.insert_attempt(attempt("acc-1", None))
    assert (await asyncio.wait_for(got_again, 1)).account_id == "acc-1"
    assert store.following == 1
    await again.aclose()
    await hub.stop()
