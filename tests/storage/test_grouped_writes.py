"""Writes handed in while another is being written go together in the next one; with a gather,
a group started while none is being written waits for company until it is full; every caller
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


GATHER = 0.05


async def test_with_a_gather_a_lone_write_waits_for_company() -> None:
    # Given writes that gather for a while
    written = Written()
    written.release.set()
    grouped = Grouped(written.write, gather=GATHER)

    # When one write is handed in
    caller = asyncio.create_task(grouped(1))
    for _ in range(10):
        await asyncio.sleep(0)

    # Then nothing is written yet, and it goes alone once the gather is over
    assert written.groups == []
    await caller
    assert written.groups == [[1]]


async def test_writes_handed_in_while_a_group_gathers_join_it() -> None:
    # Given writes that gather, with writers to spare
    written = Written()
    written.release.set()
    grouped = Grouped(written.write, writers=2, gather=GATHER)

    # When a second write follows the first within the gather, and a third at once
    first = asyncio.create_task(grouped(1))
    await asyncio.sleep(GATHER / 5)
    rest = [asyncio.create_task(grouped(n)) for n in (2, 3)]
    await asyncio.gather(first, *rest)

    # Then all three go as one group rather than each starting a writer
    assert written.groups == [[1, 2, 3]]


async def test_writes_that_waited_for_a_busy_writer_go_without_gathering_again() -> None:
    # Given one writer that gathers, busy with a first group
    written = Written()
    grouped = Grouped(written.write, gather=GATHER)
    first = asyncio.create_task(grouped(1))
    while not written.groups:
        await asyncio.sleep(GATHER / 5)

    # When a second write waits longer than the gather for the writer to be free
    second = asyncio.create_task(grouped(2))
    await asyncio.sleep(GATHER * 1.5)
    written.release.set()
    for _ in range(10):
        await asyncio.sleep(0)

    # Then it is written as soon as the writer is free
    assert written.groups == [[1], [2]]
    await asyncio.gather(first, second)


async def test_while_a_group_is_written_a_new_group_goes_without_gathering() -> None:
    # Given writes that gather, with two writers, one busy writing a first group
    written = Written()
    grouped = Grouped(written.write, writers=2, gather=GATHER)
    first = asyncio.create_task(grouped(1))
    while not written.groups:
        await asyncio.sleep(GATHER / 5)

    # When a second write is handed in meanwhile
    second = asyncio.create_task(grouped(2))
    for _ in range(10):
        await asyncio.sleep(0)

    # Then it goes at once, with the free writer: the busy database groups what comes
    assert written.groups == [[1], [2]]
    written.release.set()
    await asyncio.gather(first, second)


async def test_a_gathering_group_goes_once_full() -> None:
    # Given writes that gather for far longer than the test, in groups of at most three
    written = Written()
    written.release.set()
    grouped = Grouped(written.write, gather=3600, full=3)

    # When three writes are handed in
    callers = [asyncio.create_task(grouped(n)) for n in (1, 2, 3)]
    for _ in range(10):
        await asyncio.sleep(0)

    # Then they go together at once
    assert written.groups == [[1, 2, 3]]
    await asyncio.gather(*callers)
