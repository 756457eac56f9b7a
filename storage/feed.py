"""Hands attempts to every `follow_attempts` reader of a store in this process."""

from __future__ import annotations

import asyncio
import weakref

from domain.models import Attempt


class Subscription:
    """One reader's attempts, in the order they were handed over.

    Unbounded: the reader (the hub) drains it at once and bounds its own subscribers. A reader
    that drops its subscription unsubscribes by that alone (the fan-out holds it weakly).
    """

    __slots__ = ("__weakref__", "_queue")

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Attempt | Exception | None] = asyncio.Queue()

    def put(self, attempt: Attempt) -> None:
        self._queue.put_nowait(attempt)

    def fail(self, error: Exception) -> None:
        """Makes the reader's next read raise `error`."""
        self._queue.put_nowait(error)

    def end(self) -> None:
        self._queue.put_nowait(None)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> Attempt:
        item = await self._queue.get()
        if item is None:
            self._queue.put_nowait(None)
            raise StopAsyncIteration
        if isinstance(item, Exception):
            raise item
        return item


class FanOut:
    def __init__(self) -> None:
        self._subscriptions: weakref.WeakSet[Subscription] = weakref.WeakSet()

    def subscribe(self) -> Subscription:
        subscription = Subscription()
        self._subscriptions.add(subscription)
        return subscription

    def publish(self, attempt: Attempt) -> None:
        for subscription in list(self._subscriptions):
            subscription.put(attempt)

    def end_all(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.end()
        self._subscriptions.clear()
