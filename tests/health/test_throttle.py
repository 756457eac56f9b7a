"""The rate limit's slots: a process (a Throttle of its own) takes as many free slots of the
horizon as it has sends waiting, in one command, and hands them out in order; a rival
process on the same store never gets the same slot; no slot starts before it is asked for or
beyond the horizon; deliveries given back are spread one slot apart."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from delivery.throttle import EPOCH, HORIZON, Throttle
from domain.store import Store
from tests.support.factories import profile

# A slot boundary for 10 per second: the slots within the horizon (250 ms) start at +0,
# +100 and +200 ms.
NOW = EPOCH + timedelta(days=20_000)
TEN_PER_SECOND = replace(profile("acc_one"), max_per_second=10.0)
MS = timedelta(milliseconds=1)


async def test_a_process_uses_the_slots_of_the_horizon_in_order_then_has_none(
    store: Store,
) -> None:
    throttle = Throttle(store)

    starts = [await throttle.slot(TEN_PER_SECOND, NOW) for _ in range(4)]

    assert starts == [NOW, NOW + 100 * MS, NOW + 200 * MS, None]


async def test_a_rival_process_never_gets_a_slot_taken_by_another(store: Store) -> None:
    here, there = Throttle(store), Throttle(store)

    starts = [await t.slot(TEN_PER_SECOND, NOW) for t in (here, there, here, there)]

    assert starts == [NOW, NOW + 100 * MS, NOW + 200 * MS, None]


async def test_sends_waiting_at_once_share_the_slots_of_one_command(store: Store) -> None:
    throttle = Throttle(store)

    starts = await asyncio.gather(*(throttle.slot(TEN_PER_SECOND, NOW) for _ in range(4)))

    assert sorted(s for s in starts if s is not None) == [NOW, NOW + 100 * MS, NOW + 200 * MS]
    assert starts.count(None) == 1


async def test_slots_come_free_as_time_goes_on(store: Store) -> None:
    throttle = Throttle(store)
    while await throttle.slot(TEN_PER_SECOND, NOW) is not None:
        pass

    later = [await throttle.slot(TEN_PER_SECOND, NOW + 150 * MS) for _ in range(3)]

    assert later == [NOW + 300 * MS, NOW + 400 * MS, None]


async def test_held_back_deliveries_are_spread_one_slot_apart(store: Store) -> None:
    throttle = Throttle(store)

    due = [throttle.later(TEN_PER_SECOND, NOW) for _ in range(3)]

    step = 100 * MS
    assert due == [NOW + HORIZON + step, NOW + HORIZON + 2 * step, NOW + HORIZON + 3 * step]


async def test_each_profile_has_slots_of_its_own(store: Store) -> None:
    throttle = Throttle(store)
    other = replace(TEN_PER_SECOND, id="prf_other")

    assert await throttle.slot(TEN_PER_SECOND, NOW) == NOW
    assert await throttle.slot(other, NOW) == NOW
