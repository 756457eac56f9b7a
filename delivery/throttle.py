"""A profile's `maxPerSecond`, kept across every process sharing the store.

Time is cut into slots of 1/maxPerSecond seconds; a callback to the profile goes out only in
a slot whose document its process inserted, and the unique `_id` lets one insert per slot
win on every backend (MongoDB and FerretDB alike), so no two sends share a slot, whichever
process makes them. A process takes, in one command, as many untried slots of the next
`HORIZON` as it has sends waiting for one, and hands those it won to its sends in order,
each waiting for its slot to start. A send that finds none free tries the next horizon, for
up to `PATIENCE`; then, or when `PATIENCE` seconds' worth of sends of the profile already
wait in this process (waiting costs no database work but holds a worker), its delivery is
given back to wait; those given back one after another are spread one slot apart.

Slots are numbered from the Unix epoch, so processes must agree on the time (NTP): a process
whose clock is off sends its slots that much early or late.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from domain.models import Profile
from domain.store import Slot, Store

# How far ahead a process takes slots, and so how long a send may wait for one.
HORIZON = timedelta(milliseconds=250)
# How long a send may wait for a slot while holding its lease (well within any lease).
PATIENCE = timedelta(seconds=2)
# How long a slot document is kept before the winner of a later slot drops it: longer than
# processes' clocks may disagree, so a slot is never taken twice.
KEPT = timedelta(seconds=10)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

_Key = tuple[str, timedelta]
_S = timedelta(seconds=1)


class Throttle:
    def __init__(self, store: Store) -> None:
        self._store = store
        # By (profile, interval): slots won and not yet used, the first slot not yet tried,
        # the lock of whoever is taking slots, and when the next delivery given back is due.
        self._won: dict[_Key, deque[int]] = {}
        self._untried: dict[_Key, int] = {}
        self._taking: dict[_Key, asyncio.Lock] = {}
        self._waiting: dict[_Key, int] = {}
        self._patient: dict[_Key, int] = {}
        self._next_due: dict[_Key, datetime] = {}

    async def wait_for_slot(self, profile: Profile, clock: Callable[[], datetime]) -> bool:
        """Waits until this process may send to `profile`, for up to `PATIENCE`; false when
        it may not (the delivery should then wait until `later`)."""
        assert profile.max_per_second is not None
        key = (profile.id, timedelta(seconds=1 / profile.max_per_second))
        if self._patient.get(key, 0) >= max(1, math.ceil(profile.max_per_second * PATIENCE / _S)):
            return False
        self._patient[key] = self._patient.get(key, 0) + 1
        try:
            deadline = clock() + PATIENCE
            while (start := await self.slot(profile, clock())) is None:
                if clock() + HORIZON > deadline:
                    return False
                await asyncio.sleep(HORIZON / _S)
            await asyncio.sleep(max(0.0, (start - clock()) / _S))
            return True
        finally:
            self._patient[key] -= 1

    async def slot(self, profile: Profile, now: datetime) -> datetime | None:
        """When this process may send to `profile`: the start of a slot it took, within
        `HORIZON`; None when no slot that close was free (then `later` says when to try
        again)."""
        assert profile.max_per_second is not None
        interval = timedelta(seconds=1 / profile.max_per_second)
        key = (profile.id, interval)
        current = math.ceil((now - EPOCH) / interval)
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with self._taking.setdefault(key, asyncio.Lock()):
                won = self._won.setdefault(key, deque())
                while won and won[0] < current:
                    won.popleft()
                if not won:
                    won.extend(await self._take(profile.id, interval, current, now))
                if not won:
                    return None
                return EPOCH + interval * won.popleft()
        finally:
            self._waiting[key] -= 1

    async def _take(
        self, profile_id: str, interval: timedelta, current: int, now: datetime
    ) -> list[int]:
        """Slots won for the sends waiting, from untried ones of the horizon, in rounds of
        as many as are still needed."""
        key = (profile_id, interval)
        last = math.floor((now + HORIZON - EPOCH) / interval)
        taken: list[int] = []
        while len(taken) < self._waiting[key]:
            first = max(current, self._untried.get(key, current))
            numbers = range(first, min(last, first + self._waiting[key] - len(taken) - 1) + 1)
            if not numbers:
                break
            self._untried[key] = numbers[-1] + 1
            taken += await self._try(profile_id, interval, numbers)
        return taken

    async def _try(self, profile_id: str, interval: timedelta, numbers: range) -> list[int]:
        kept = max(1, math.ceil(KEPT / interval))
        won = await self._store.take_send_slots(
            [
                Slot(
                    slot_id(profile_id, interval, n),
                    EPOCH + interval * n,
                    slot_id(profile_id, interval, n - kept),
                )
                for n in numbers
            ]
        )
        return [n for n, w in zip(numbers, won, strict=True) if w]

    def later(self, profile: Profile, now: datetime) -> datetime:
        """When a delivery held back by the limit is due again: those given back one after
        another are spread one slot apart, beyond the horizon."""
        assert profile.max_per_second is not None
        interval = timedelta(seconds=1 / profile.max_per_second)
        key = (profile.id, interval)
        due = max(now + HORIZON, self._next_due.get(key, now)) + interval
        self._next_due[key] = due
        return due


def slot_id(profile_id: str, interval: timedelta, number: int) -> str:
    """Slot `number` of a profile sending one callback per `interval`; the interval is part
    of the id, so slots of an old limit never block those of a new one."""
    return f"{profile_id}/{interval // timedelta(microseconds=1)}/{number}"
