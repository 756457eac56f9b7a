"""Fans attempts out to this process's live subscribers.

One reader follows the store's attempt feed (which carries attempts of every process sharing
the store) while anyone subscribes, and stops with the last subscriber: following the feed
costs the database work (on FerretDB it rereads the feed several times a second), which a
process nobody watches should not spend. Each subscriber gets a bounded queue, so a slow one
cannot grow memory without end: it is cut off instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, AsyncIterator

from catalog import ChannelKind
from domain.models import Attempt
from domain.store import Store

log = logging.getLogger("callbackd.hub")
QUEUE_LIMIT = 1000


TOO_SLOW = "subscriber fell too far behind; subscribe again"


class SubscriberTooSlow(Exception):
    pass


class _Subscriber:
    __slots__ = ("channel", "overflowed", "profile_id", "queue")

    def __init__(self, profile_id: str | None, channel: ChannelKind | None) -> None:
        self.queue: asyncio.Queue[Attempt] = asyncio.Queue(QUEUE_LIMIT)
        self.overflowed = False
        self.profile_id = profile_id
        self.channel = channel

    def wants(self, attempt: Attempt) -> bool:
        return (self.profile_id is None or attempt.profile_id == self.profile_id) and (
            self.channel is None or attempt.channel is self.channel
        )


class Hub:
    def __init__(self, store: Store) -> None:
        self._store = store
        # By account: an attempt is offered only to subscribers of its own account.
        self._subscribers: dict[str, set[_Subscriber]] = {}
        self._reader: asyncio.Task[None] | None = None

    @property
    def following(self) -> bool:
        """False only when subscribers wait on a feed reader that has ended."""
        return self._reader is None or not self._reader.done()

    async def stop(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    def _read(self) -> None:
        if self._reader is None:
            # Followed here rather than in the task, so that the first subscriber gets every
            # attempt from its subscribing on, also those recorded before the task first runs.
            attempts = self._store.follow_attempts()
            self._reader = asyncio.create_task(self._follow(attempts), name="attempt-hub")

    def _stop_reading(self) -> None:
        if self._reader is not None and not self._subscribers:
            self._reader.cancel()
            self._reader = None

    async def _follow(self, attempts: AsyncIterator[Attempt]) -> None:
        while True:
            try:
                async for attempt in attempts:
                    self._broadcast(attempt)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("following attempts failed; following again in 1 s")
                await asyncio.sleep(1)
            attempts = self._store.follow_attempts()

    def _broadcast(self, attempt: Attempt) -> None:
        subscribers = self._subscribers.get(attempt.account_id, set())
        for sub in list(subscribers):
            if not sub.wants(attempt):
                continue
            try:
                sub.queue.put_nowait(attempt)
            except asyncio.QueueFull:
                sub.overflowed = True
                subscribers.discard(sub)

    async def subscribe(
        self, account_id: str, profile_id: str | None = None, channel: ChannelKind | None = None
    ) -> AsyncGenerator[Attempt, None]:
        """Attempts of one account from now on, optionally of one profile or channel."""
        sub = _Subscriber(profile_id, channel)
        subscribers = self._subscribers.setdefault(account_id, set())
        subscribers.add(sub)
        self._read()
        try:
            while True:
                if sub.overflowed and sub.queue.empty():
                    raise SubscriberTooSlow(TOO_SLOW)
                yield await sub.queue.get()
        finally:
            subscribers.discard(sub)
            if not subscribers:
                self._subscribers.pop(account_id, None)
                self._stop_reading()
