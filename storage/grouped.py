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
    def __init__(self, write: Callable[[list[T]], Awaitable[Refused]], writers: int = 1) -> None:
        """`writers`: how many groups may be written at once. More than one lets a server
        that runs each command's writes one after another (FerretDB) work on several."""
        self._write = write
        self._waiting: list[tuple[T, asyncio.Future[None]]] = []
        self._writers: set[asyncio.Task[None]] = set()
        self._most_writers = writers

    async def __call__(self, item: T) -> None:
        """Writes `item` with whatever else is waiting; raises what writing its group raised,
        or what the write refused `item` with."""
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        self._waiting.append((item, done))
        if len(self._writers) < self._most_writers:
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
        # No wait for a group to fill: a lone write goes at once, and writes that arrive
        # while one is in flight go together next.
        while self._waiting:
            group, self._waiting = self._waiting, []
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
