"""Writes many tasks make at about the same time, made as one command: while groups are
being written, the next gathers, and each caller returns once its own group is written."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Mapping
from typing import Generic, TypeVar

T = TypeVar("T")

# What writing a group refused, by position in the group; the rest were written.
Refused = Mapping[int, Exception]


class Grouped(Generic[T]):
    def __init__(
        self,
        write: Callable[[list[T]], Awaitable[Refused]],
        writers: int = 1,
        gather: float = 0.0,
        full: int = 0,
    ) -> None:
        """`writers`: how many groups may be written at once. More than one lets a server
        that runs each command's writes one after another (FerretDB) work on several.
        `gather`: how long, in seconds, the first write of a group waits for others to join
        it while no group is being written; a write that waited that long already, for a
        free writer, goes at once, and so does a group that reached `full` writes."""
        self._write = write
        self._waiting: list[tuple[T, asyncio.Future[None]]] = []
        # When the first of the waiting writes was handed in, on the loop's clock.
        self._waiting_since = 0.0
        self._writers: set[asyncio.Task[None]] = set()
        self._most_writers = writers
        self._gather = gather
        self._full = full
        self._filled = asyncio.Event()
        self._gathering = 0
        self._writing = 0

    async def __call__(self, item: T) -> None:
        """Writes `item` with whatever else is waiting; raises what writing its group raised,
        or what the write refused `item` with."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        if not self._waiting:
            self._waiting_since = loop.time()
        self._waiting.append((item, done))
        if self._full and len(self._waiting) >= self._full:
            self._filled.set()
        if not self._gathering and len(self._writers) < self._most_writers:
            writer = loop.create_task(self._write_groups(), name="grouped-writes")
            self._writers.add(writer)
            writer.add_done_callback(self._writers.discard)
        await done

    async def drain(self) -> None:
        """Waits until everything handed in so far is written (or failed)."""
        for writer in list(self._writers):
            with contextlib.suppress(Exception):
                await writer

    async def _write_groups(self) -> None:
        # Writes that arrive while a group is in flight go together next, or in a group of
        # their own with writers to spare; only a group started while nothing is being
        # written waits to `gather` company. Waiting there is what groups writes at a steady
        # rate, where each would go alone; while the database is busy with a group, writes
        # group without it, and a wait would only hold up the writers' callers.
        loop = asyncio.get_running_loop()
        while self._waiting:
            if self._gather and not self._writing:
                self._gathering += 1
                try:
                    gathering = self._waiting_since + self._gather - loop.time()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._filled.wait(), gathering)
                finally:
                    self._gathering -= 1
                if not self._waiting:
                    break
            group, self._waiting = self._waiting, []
            self._filled.clear()
            self._writing += 1
            try:
                refused = await self._write([item for item, _ in group])
            except Exception as e:
                for _, done in group:
                    if not done.done():
                        done.set_exception(e)
            else:
                for i, (_, done) in enumerate(group):
                    if done.done():
                        continue
                    if i in refused:
                        done.set_exception(refused[i])
                    else:
                        done.set_result(None)
            finally:
                self._writing -= 1
