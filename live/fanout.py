"""The feed contract: how a store hands what it announces (attempts, profile events) to every
reader in this process. Stores publish into a `FanOut`; each reader holds a `Subscription`."""

from __future__ import annotations

import asyncio
import weakref
from typing import Generic, TypeVar

T = TypeVar("T")


class Subscription(Generic[T]):
    """One reader's items, in the order they were handed over.

    Unbounded: the reader (the hub) drains it at once and bounds its own subscribers. A reader
    that drops its subscription unsubscribes by that alone (the fan-out holds it weakly).
    """

    __slots__ = ("__weakref__", "_queue")

    def __init__(self) -> None:
        self._queue: asyncio.Queue[T | Exception | None] = asyncio.Queue()

    def put(self, item: T) -> None:
        self._queue.put_nowait(item)

    def fail(self, error: Exception) -> None:
        """Makes the reader's next read raise `error`."""
        self._queue.put_nowait(error)

    def end(self) -> None:
        self._queue.put_nowait(None)

    def __aiter__(self) -> Subscription[T]:
        return self

    async def __anext__(self) -> T:
        item = await self._queue.get()
        if item is None:
            self._queue.put_nowait(None)
            raise StopAsyncIteration
        if isinstance(item, Exception):
            raise item
        return item


class FanOut(Generic[T]):
    def __init__(self) -> None:
        self._subscriptions: weakref.WeakSet[Subscription[T]] = weakref.WeakSet()

    def subscribe(self) -> Subscription[T]:
        subscription: Subscription[T] = Subscription()
        self._subscriptions.add(subscription)
        return subscription

    def publish(self, item: T) -> None:
        for subscription in list(self._subscriptions):
            subscription.put(item)

    def end_all(self) -> None:
        for subscription in list(self._subscriptions):
            subscription.end()
        self._subscriptions.clear()
