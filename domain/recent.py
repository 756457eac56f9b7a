"""Records read from the store and kept for a moment, for the reads a busy account repeats
many times a second: its API key on every request, the profiles its reports name.

A record is kept for `kept_for` seconds after it was read, so a change another process
writes is seen here at most that long after. A change this process writes is seen at once:
whoever writes it forgets the record, and a read that was under way when it did is not kept.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Generic, NamedTuple, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Reading(NamedTuple):
    """When a read from the store began, and how many records had been forgotten then."""

    forgotten: int
    began: float


class Recent(Generic[K, V]):
    def __init__(
        self,
        kept_for: float,
        most: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._kept_for = kept_for
        self._most = most
        self._monotonic = monotonic
        self._kept: dict[K, tuple[V, float]] = {}
        # Counts the records forgotten, so a read can tell whether one was while it ran.
        self._forgotten = 0

    def get(self, key: K) -> V | None:
        """The record kept under `key`, unless it is older than `kept_for`."""
        kept = self._kept.get(key)
        if kept is None:
            return None
        value, began = kept
        if self._monotonic() - began >= self._kept_for:
            del self._kept[key]
            return None
        return value

    def reading(self) -> Reading:
        """Called before reading a record from the store; `keep` takes what it answers. A
        record's age counts from here: the store may have answered it as it was then."""
        return Reading(self._forgotten, self._monotonic())

    def keep(self, key: K, value: V, reading: Reading) -> None:
        """Keeps a record just read, unless a record was forgotten since `reading()`: the
        read may have seen the record as it was before the change that made it forgotten."""
        if reading.forgotten != self._forgotten or self._kept_for <= 0:
            return
        if len(self._kept) >= self._most and key not in self._kept:
            self._kept.clear()
        self._kept[key] = (value, reading.began)

    def forget(self, key: K) -> None:
        """Drops the record under `key`: this process has just changed it."""
        self._forgotten += 1
        self._kept.pop(key, None)


__all__ = ["Reading", "Recent"]
