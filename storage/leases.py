"""The leases a process holds on the queue entries it claimed, and when they are written.

The claims alone decide who sends an attempt; a lease on the entry is for everyone else:
readers see the delivery in flight, and other processes' sweeps leave it alone while it
runs. Most callbacks are answered within milliseconds, and their deliveries are finished
(the entry deleted) or rescheduled moments later, so a lease written at once is a command
that nobody reads. A lease is therefore written only once its attempt has been in flight
for `after` seconds, or at once when this process reads the entry or the queue (it must see
its own claims). Until then other processes see the entry as it was before the claim; any
of them that tries to claim it finds the claim taken.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from storage.codec import Doc

log = logging.getLogger("callbackd.storage")

W = TypeVar("W")


@dataclass(slots=True)
class _Held(Generic[W]):
    entry: Doc
    # The write that puts the lease on the stored entry.
    write: W
    # That write, once it started; None while it waits.
    writing: asyncio.Future[None] | None = field(default=None)


class Leases(Generic[W]):
    """Entries this process holds the lease of, as its claim left them, oldest lease first;
    `write_all` puts the leases of a group of them on the stored entries."""

    def __init__(self, write_all: Callable[[list[W]], Awaitable[None]], after: float) -> None:
        self._write_all = write_all
        self._after = after
        self._held: dict[str, _Held[W]] = {}
        self._closed = False

    def __contains__(self, delivery_id: str) -> bool:
        return delivery_id in self._held

    def __len__(self) -> int:
        return len(self._held)

    def hold(self, taken: list[tuple[Doc, W]], lease_seconds: float) -> None:
        """Holds entries just claimed, each with the write of its lease, written after
        `after` seconds unless they are let go first; a short lease sooner, so that every
        lease is written long before it runs out."""
        for entry, write in taken:
            self._held[entry["_id"]] = _Held(entry, write)
        if taken:
            ids = [entry["_id"] for entry, _ in taken]
            after = min(self._after, lease_seconds / 4)
            asyncio.get_running_loop().call_later(after, self._write_late, ids)

    def entry(self, delivery_id: str) -> Doc | None:
        """The entry of `delivery_id` as the claim left it, while it is held."""
        held = self._held.get(delivery_id)
        return None if held is None else held.entry

    def _write_late(self, delivery_ids: list[str]) -> None:
        if not self._closed:
            self._start([h for i in delivery_ids if (h := self._held.get(i)) is not None])

    def _start(self, held: list[_Held[W]]) -> None:
        waiting = [h for h in held if h.writing is None]
        if not waiting:
            return
        writing = asyncio.ensure_future(self._write_all([h.write for h in waiting]))
        writing.add_done_callback(_note_failure)
        for h in waiting:
            h.writing = writing

    async def run_out(self, now: datetime) -> None:
        """Writes the leases that ran out unreleased (a send that failed inside, or is still
        going) and forgets them: the stored entries show the claims, to be recovered like any
        other process's. Leases are all as long, so those come first."""
        over = []
        for held in self._held.values():
            if held.entry["lease"]["until"] > now:
                break
            over.append(held)
        if not over:
            return
        await self.written(h.entry["_id"] for h in over)
        for h in over:
            self._held.pop(h.entry["_id"], None)

    async def written(self, delivery_ids: Iterable[str] | None = None) -> None:
        """Writes now the leases of `delivery_ids` (or of all) that wait, and waits for every
        write of theirs, so that what this process reads of the queue shows its claims."""
        if delivery_ids is None:
            held = list(self._held.values())
        else:
            held = [h for i in delivery_ids if (h := self._held.get(i)) is not None]
        self._start(held)
        writes = {h.writing for h in held if h.writing is not None}
        if writes:
            await asyncio.gather(*writes, return_exceptions=True)

    async def let_go(self, delivery_id: str) -> Doc | None:
        """The entry of `delivery_id` as the claim left it, no longer held; None when not
        held. Waits for its lease's write if one started; one that had not never starts."""
        held = self._held.pop(delivery_id, None)
        if held is None:
            return None
        if held.writing is not None:
            await held.writing
        return held.entry

    async def close(self) -> None:
        """Writes the leases still held, and writes none late after this."""
        await self.written()
        self._closed = True


def _note_failure(writing: asyncio.Future[None]) -> None:
    if not writing.cancelled() and (error := writing.exception()) is not None:
        # Releasing those deliveries fails too; their claims keep them from being sent
        # again before their leases run out.
        log.warning("leases of claimed deliveries were not written: %s", error)


__all__ = ["Leases"]
