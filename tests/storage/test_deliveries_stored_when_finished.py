"""The MongoDB store writes a delivery without an idempotency key into `deliveries` only when
it finishes, as an insert: publishing it is one write (its queue entry), and finishing it
never updates a document by `_id`, which FerretDB does by reading the whole collection. A
delivery a key names is stored at once, since the stored document is what tells a later
writer with the same key that it was queued."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from domain.models import Delivery, DeliveryStatus
from domain.store import DeliveryFilter, Outcome
from storage.codec import delivery_from_doc, delivery_to_doc
from storage.mongo import MongoStore
from tests.support.commands import Commands
from tests.support.factories import at, delivery
from tests.support.stores import claimed_by_worker_1, started

pytestmark = pytest.mark.mongo

Doc = dict[str, Any]
ACC = "acc_one"
SUCCEEDED = Outcome(DeliveryStatus.SUCCEEDED, 1, None)


@pytest.fixture
def commands() -> Commands:
    return Commands()


@pytest.fixture
async def store(
    mongodb_url: str, mongo_database: str, commands: Commands
) -> AsyncIterator[MongoStore]:
    async with started(MongoStore(mongodb_url, mongo_database, on_command=commands)) as store:
        yield store


def succeeded_once(given: Delivery) -> Delivery:
    return replace(
        given,
        status=DeliveryStatus.SUCCEEDED,
        attempt_count=1,
        next_attempt_at=None,
        updated_at=at(20),
    )


def written(commands: Commands) -> list[tuple[str, str, bool]]:
    """The commands sent but the feed's, which its readers send on their own."""
    return [c for c in commands.sent if c[1] != "attempt_feed"]


async def stored(raw: AsyncDatabase[Doc], delivery_id: str) -> Delivery | None:
    doc = await raw["deliveries"].find_one({"_id": delivery_id})
    return None if doc is None else delivery_from_doc(doc)


async def test_a_report_without_a_key_is_published_in_one_insert_and_read_from_the_queue(
    store: MongoStore, raw: AsyncDatabase[Doc], commands: Commands
) -> None:
    given = delivery(ACC, "prf_1", next_attempt_at=at(0))
    commands.sent.clear()

    await store.insert_deliveries([given])

    assert written(commands) == [("insert", "delivery_queue", False)]
    assert await stored(raw, given.id) is None
    assert await store.get_delivery(ACC, given.id) == given
    assert await store.get_deliveries(ACC, [given.id, "dlv_missing"]) == [given]
    assert await store.list_deliveries(ACC, DeliveryFilter(), None, 10) == [given]


async def test_its_finish_inserts_the_delivery_and_drops_the_entry(
    store: MongoStore, raw: AsyncDatabase[Doc], commands: Commands
) -> None:
    given = await claimed_by_worker_1(store)
    commands.sent.clear()

    await store.release(given.id, "worker-1", SUCCEEDED, at(20))

    assert written(commands) == [
        ("insert", "deliveries", False),
        ("delete", "delivery_queue", False),
    ]
    assert await stored(raw, given.id) == succeeded_once(given)
    assert await raw["delivery_queue"].count_documents({}) == 0
    assert await store.get_delivery(ACC, given.id) == succeeded_once(given)


async def test_a_report_with_a_key_is_stored_at_once_and_updated_when_it_finishes(
    store: MongoStore, raw: AsyncDatabase[Doc], commands: Commands
) -> None:
    keyed = delivery(ACC, "prf_1", next_attempt_at=at(0), idempotency_key="order-1")
    given = await claimed_by_worker_1(store, keyed)
    # Stored as published; the claim wrote nothing to `deliveries`.
    assert await stored(raw, given.id) == given
    commands.sent.clear()

    await store.release(given.id, "worker-1", SUCCEEDED, at(20))

    assert written(commands) == [
        ("update", "deliveries", False),
        ("delete", "delivery_queue", False),
    ]
    assert await stored(raw, given.id) == succeeded_once(given)


async def test_a_finish_repeated_after_its_process_stopped_updates_what_the_first_stored(
    store: MongoStore, raw: AsyncDatabase[Doc]
) -> None:
    given = await claimed_by_worker_1(store)
    # What a finish that stopped before dropping the entry left: the delivery stored as it
    # stood then.
    await raw["deliveries"].insert_one(delivery_to_doc(replace(given, updated_at=at(15))))

    await store.release(given.id, "worker-1", SUCCEEDED, at(20))

    assert await stored(raw, given.id) == succeeded_once(given)
    assert await raw["deliveries"].count_documents({}) == 1


async def test_a_delivery_queued_again_by_hand_is_updated_when_it_finishes_again(
    store: MongoStore, raw: AsyncDatabase[Doc], commands: Commands
) -> None:
    given = await claimed_by_worker_1(store)
    await store.release(given.id, "worker-1", Outcome(DeliveryStatus.FAILED, 1, None), at(20))
    assert await store.requeue(ACC, given.id, at(30)) is not None
    await store.claim_due("worker-1", at(31), at(91), 10)
    commands.sent.clear()

    await store.release(given.id, "worker-1", Outcome(DeliveryStatus.SUCCEEDED, 2, None), at(40))

    assert written(commands) == [
        ("update", "deliveries", False),
        ("delete", "delivery_queue", False),
    ]
    found = await stored(raw, given.id)
    assert found is not None
    assert (found.status, found.attempt_count, found.manual_retry) == (
        DeliveryStatus.SUCCEEDED,
        2,
        True,
    )
