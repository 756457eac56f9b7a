"""The MongoDB store writes the lease of a claimed attempt onto its queue entry only once the
attempt has been in flight for a moment (`lease_written_after`): most attempts are over by
then, and their leases are never written. Until then the claim alone keeps every other
process from sending the attempt, and they see the delivery waiting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from domain.models import DeliveryStatus
from domain.store import Outcome
from storage.mongo import MongoStore
from tests.support.commands import Commands
from tests.support.factories import at
from tests.support.stores import claimed_by_worker_1, started

pytestmark = pytest.mark.mongo

ACC = "acc_one"
# Far longer than any test here takes: no lease is written unless a test waits for it.
NEVER = 3600.0
MOMENT = 0.05


@pytest.fixture
async def other_process(mongodb_url: str, mongo_database: str) -> AsyncIterator[MongoStore]:
    async with started(MongoStore(mongodb_url, mongo_database)) as store:
        yield store


async def test_an_attempt_over_within_the_moment_writes_no_lease(
    mongodb_url: str, mongo_database: str
) -> None:
    commands = Commands()
    store = MongoStore(mongodb_url, mongo_database, on_command=commands, lease_written_after=NEVER)
    async with started(store):
        given = await claimed_by_worker_1(store)
        commands.sent.clear()

        released = await store.release(
            given.id, "worker-1", Outcome(DeliveryStatus.SUCCEEDED, 1, None), at(11)
        )

        assert released is True
        # The feed's reader, started by the first claim, reads on its own meanwhile.
        assert [c for c in commands.sent if c[1] != "attempt_feed"] == [
            ("insert", "deliveries", False),
            ("delete", "delivery_queue", False),
        ]


async def test_until_the_lease_is_written_another_process_sees_the_delivery_waiting(
    mongodb_url: str, mongo_database: str, other_process: MongoStore
) -> None:
    async with started(MongoStore(mongodb_url, mongo_database, lease_written_after=NEVER)) as store:
        given = await claimed_by_worker_1(store)

        seen_elsewhere = await other_process.get_delivery(ACC, given.id)
        taken_elsewhere = await other_process.claim_due("worker-2", at(11), at(71), 10)
        seen_here = await store.get_delivery(ACC, given.id)

    assert seen_elsewhere is not None and seen_elsewhere.status is DeliveryStatus.PENDING
    assert taken_elsewhere == []
    assert seen_here is not None and seen_here.status is DeliveryStatus.DELIVERING


async def test_an_attempt_in_flight_past_the_moment_has_its_lease_written(
    mongodb_url: str, mongo_database: str, other_process: MongoStore
) -> None:
    async with started(
        MongoStore(mongodb_url, mongo_database, lease_written_after=MOMENT)
    ) as store:
        given = await claimed_by_worker_1(store)

        async with asyncio.timeout(10):
            while (seen := await other_process.get_delivery(ACC, given.id)) is not None and (
                seen.status is DeliveryStatus.PENDING
            ):
                await asyncio.sleep(MOMENT)

    assert seen is not None
    assert (seen.status, seen.lease_owner, seen.lease_expires_at) == (
        DeliveryStatus.DELIVERING,
        "worker-1",
        at(70),
    )


async def test_a_retry_scheduled_before_the_lease_was_written_is_the_next_attempt(
    mongodb_url: str, mongo_database: str, other_process: MongoStore
) -> None:
    async with started(MongoStore(mongodb_url, mongo_database, lease_written_after=NEVER)) as store:
        given = await claimed_by_worker_1(store)
        await store.release(
            given.id, "worker-1", Outcome(DeliveryStatus.PENDING, 1, at(20)), at(11)
        )

        [retried] = await other_process.claim_due("worker-2", at(20), at(80), 10)

    assert (retried.id, retried.attempt_count, retried.lease_owner) == (given.id, 1, "worker-2")
