"""Fans attempts out to this process's live subscribers.

One reader follows the store's attempt feed (which carries attempts of every process sharing
the store); each subscriber gets a bounded queue, so a slow one cannot grow memory without
end: it is cut off instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator

from catalog import ChannelKind
from domain.models import Attempt
from storage import Store

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

    def start(self) -> None:
        self._reader = asyncio.create_task(self._follow(), name="attempt-hub")

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader

    async def _follow(self) -> None:
        while True:
            try:
                async for attempt in self._store.follow_attempts():
                    self._broadcast(attempt)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("following attempts failed; following again in 1 s")
                await asyncio.sleep(1)

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
        try:
            while True:
                if sub.overflowed and sub.queue.empty():
                    raise SubscriberTooSlow(TOO_SLOW)
                yield await sub.queue.get()
        finally:
            subscribers.discard(sub)
            if not subscribers:
                self._subscribers.pop(account_id, None)
