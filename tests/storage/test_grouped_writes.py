"""Writes handed in while another is being written go together in the next one; every caller
returns once its own group is written, and learns when it failed."""

from __future__ import annotations

import asyncio

from storage.grouped import Grouped, Refused


class Written:
    def __init__(self, fail_with: Exception | None = None, refuse_odd: bool = False) -> None:
        self.groups: list[list[int]] = []
        self.fail_with = fail_with
        self.refuse_odd = refuse_odd
        self.release = asyncio.Event()

    async def write(self, items: list[int]) -> Refused:
        self.groups.append(items)
        await self.release.wait()
        if self.fail_with is not None:
            raise self.fail_with
        if not self.refuse_odd:
            return {}
        return {i: ValueError(f"{n} is odd") for i, n in enumerate(items) if n % 2}


async def test_a_lone_write_goes_at_once() -> None:
    written = Written()
    written.release.set()
    grouped = Grouped(written.write)

    await grouped(1)

    assert written.groups == [[1]]


async def test_writes_arriving_during_a_write_go_together_next() -> None:
    written = Written()
    grouped = Grouped(written.write)
    first = asyncio.create_task(grouped(1))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(grouped(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)

    written.release.set()
    await asyncio.gather(first, *rest)

    assert written.groups == [[1], [2, 3, 4]]


async def test_with_two_writers_a_write_arriving_during_a_write_goes_at_once() -> None:
    written = Written()
    grouped = Grouped(written.write, writers=2)
    first = asyncio.create_task(grouped(1))
    await asyncio.sleep(0)
    second = asyncio.create_task(grouped(2))
    await asyncio.sleep(0)
    third = asyncio.create_task(grouped(3))
    await asyncio.sleep(0)

    assert written.groups == [[1], [2]]
    written.release.set()
    await asyncio.gather(first, second, third)

    assert written.groups == [[1], [2], [3]]


async def test_a_failed_write_fails_every_caller_of_its_group() -> None:
    written = Written(fail_with=RuntimeError("database unavailable"))
    grouped = Grouped(written.write)
    callers = [asyncio.create_task(grouped(n)) for n in (1, 2)]
    await asyncio.sleep(0)

    written.release.set()
    results = await asyncio.gather(*callers, return_exceptions=True)

    assert [str(r) for r in results] == ["database unavailable", "database unavailable"]
    await grouped.drain()


async def test_an_item_the_write_refused_fails_its_caller_alone() -> None:
    written = Written(refuse_odd=True)
    grouped = Grouped(written.write)
    callers = [asyncio.create_task(grouped(n)) for n in (1, 2, 3, 4)]
    await asyncio.sleep(0)

    written.release.set()
    results = await asyncio.gather(*callers, return_exceptions=True)

    assert [str(r) for r in results] == ["1 is odd", "None", "3 is odd", "None"]
    assert written.groups == [[1, 2, 3, 4]]


async def test_drain_waits_for_what_was_handed_in() -> None:
    written = Written()
    grouped = Grouped(written.write)
    caller = asyncio.create_task(grouped(1))
    await asyncio.sleep(0)
    drained = asyncio.create_task(grouped.drain())
    await asyncio.sleep(0.01)
    assert not drained.done()

    written.release.set()
    await drained

    assert written.groups == [[1]]
    await caller
