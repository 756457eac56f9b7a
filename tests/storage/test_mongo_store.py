"""What only the MongoDB store has to show: durability and the feed between processes."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from domain.models import AttemptOutcome, Delivery, DeliveryStatus
from domain.store import DuplicateRecord, Outcome
from storage import MemoryStore, open_store
from storage.codec import delivery_from_doc, delivery_to_doc
from storage.mongo import MongoStore
from storage.mongo_feed import FEED
from tests.storage.test_store_contract import next_attempt, nothing_more
from tests.support.factories import at, attempt, delivery, profile
from tests.support.stores import started

pytestmark = pytest.mark.mongo

Doc = dict[str, Any]
STREAMED = 150


@pytest.fixture
async def elsewhere(mongodb_url: str, mongo_database: str) -> AsyncIterator[MongoStore]:
    """Another process's store on the same database."""
    async with started(MongoStore(mongodb_url, mongo_database)) as store:
        yield store


def succeeded_once(given: Delivery, when: datetime) -> Delivery:
    """`given` as its first attempt's success at `when` leaves it."""
    return replace(
        given,
        status=DeliveryStatus.SUCCEEDED,
        attempt_count=1,
        next_attempt_at=None,
        updated_at=when,
    )


def first_claim(delivery_id: str, owner: str, since: datetime, until: datetime) -> Doc:
    """The claim of attempt 1 as another process's store writes it."""
    return {
        "_id": f"{delivery_id}/1",
        "delivery_id": delivery_id,
        "number": 1,
        "owner": owner,
        "since": since,
        "until": until,
    }


async def test_profiles_survive_reopening_the_store(mongodb_url: str, mongo_database: str) -> None:
    given = profile("acc_one")
    first = MongoStore(mongodb_url, mongo_database)
    await first.start()
    await first.insert_profile(given)
    await first.close()

    async with started(MongoStore(mongodb_url, mongo_database)) as reopened:
        assert await reopened.get_profile("acc_one", given.id) == given


async def test_a_key_whose_first_writer_stopped_halfway_answers_that_delivery(
    mongo_store: MongoStore, raw: AsyncDatabase[Doc]
) -> None:
    # The first writer took the key and stopped before writing its delivery.
    first = delivery("acc_one", "prf_1", idempotency_key="order-7")
    await raw["idempotency_keys"].insert_one(
        {"_id": '["acc_one", "order-7"]', "delivery": delivery_to_doc(first)}
    )
    again = delivery("acc_one", "prf_1", idempotency_key="order-7")

    answered = await mongo_store.insert_deliveries([again])

    assert answered == [first]
    assert await mongo_store.get_delivery("acc_one", first.id) == first
    assert await mongo_store.get_delivery("acc_one", again.id) is None


async def test_attempts_of_another_process_reach_followers_once(
    mongo_store: MongoStore, elsewhere: MongoStore
) -> None:
    feed = mongo_store.follow_attempts()
    remote = attempt("acc_one", "dlv_1")
    local = attempt("acc_two", "dlv_2")

    await elsewhere.insert_attempt(remote)
    await mongo_store.insert_attempt(local)

    got = [await next_attempt(feed), await next_attempt(feed)]
    assert sorted(got, key=lambda a: a.id) == sorted([remote, local], key=lambda a: a.id)
    assert await nothing_more(feed)


async def test_a_stream_of_another_processs_attempts_reaches_a_follower_each_once_in_order(
    mongo_store: MongoStore, elsewhere: MongoStore
) -> None:
    # Given a follower, and another process recording attempts at uneven intervals, so that
    # they land at every point of the follower's reads and of its waits between them
    feed = mongo_store.follow_attempts()
    recorded = [attempt("acc_one", f"dlv_{n}") for n in range(STREAMED)]
    pauses = random.Random(7)

    # When they are recorded
    for each in recorded:
        await elsewhere.insert_attempt(each)
        await asyncio.sleep(pauses.uniform(0, 0.03))

    # Then the follower gets each of them, in order, and none again later
    got = [await next_attempt(feed) for _ in recorded]
    assert [a.id for a in got] == [a.id for a in recorded]
    assert await nothing_more(feed, seconds=3)


async def test_a_follower_keeps_following_when_its_cursor_dies(
    mongo_store: MongoStore, elsewhere: MongoStore, raw: AsyncDatabase[Doc]
) -> None:
    feed = mongo_store.follow_attempts()
    before = attempt("acc_one", "dlv_1")
    await elsewhere.insert_attempt(before)
    assert await next_attempt(feed) == before

    # Dropping the feed kills every cursor on it; starting re-creates it.
    await raw.drop_collection(FEED)
    await elsewhere.start()
    after = attempt("acc_one", "dlv_2")
    await elsewhere.insert_attempt(after)

    assert await next_attempt(feed) == after


async def test_a_dropped_follower_stops_reading_the_feed(mongo_store: MongoStore) -> None:
    feed = mongo_store.follow_attempts()
    await asyncio.sleep(0.2)
    assert mongo_store.feed_readers == 1

    del feed

    async with asyncio.timeout(10):
        while mongo_store.feed_readers:
            await asyncio.sleep(0.1)


async def test_only_unfinished_deliveries_are_in_the_queue(
    mongo_store: MongoStore, raw: AsyncDatabase[Doc]
) -> None:
    finished = delivery("acc_one", "prf_1", next_attempt_at=at(0))
    waiting = delivery("acc_one", "prf_1", next_attempt_at=at(50))
    await mongo_store.insert_deliveries([finished, waiting])
    await mongo_store.claim_due("worker-1", at(10), at(70), 10)

    await mongo_store.release(
        finished.id, "worker-1", Outcome(DeliveryStatus.SUCCEEDED, 1, None), at(20)
    )

    queued = await raw["delivery_queue"].find({}, {"_id": 1}).to_list(None)
    assert [q["_id"] for q in queued] == [waiting.id]
    stored = await raw["deliveries"].find_one({"_id": finished.id})
    assert stored is not None
    assert delivery_from_doc(stored) == succeeded_once(finished, at(20))


async def test_a_publisher_whose_delivery_another_process_finished_first_answers_it(
    mongo_store: MongoStore, raw: AsyncDatabase[Doc]
) -> None:
    given = delivery("acc_one", "prf_1", next_attempt_at=at(0), idempotency_key="order-1")
    finished = succeeded_once(given, at(5))
    # What another process leaves when it claims the delivery from the queue, sends it and
    # stores it finished in between the publisher's writes of its entry and of the delivery
    # the key names.
    await raw["deliveries"].insert_one(delivery_to_doc(finished))
    await raw["delivery_claims"].insert_one(first_claim(given.id, "worker-2", at(1), at(61)))

    answered = await mongo_store.insert_deliveries([given])

    assert answered == [given]
    assert await mongo_store.claim_due("worker-1", at(10), at(70), 10) == []
    stored = await raw["deliveries"].find_one({"_id": given.id})
    assert stored is not None
    assert delivery_from_doc(stored) == finished


async def test_a_delivery_with_nothing_to_queue_is_refused_an_id_stored_for_another(
    mongo_store: MongoStore, raw: AsyncDatabase[Doc]
) -> None:
    given = delivery("acc_one", "prf_1", status=DeliveryStatus.FAILED, next_attempt_at=None)
    other = replace(given, profile_id="prf_2", status=DeliveryStatus.SUCCEEDED)
    await raw["deliveries"].insert_one(delivery_to_doc(other))

    with pytest.raises(DuplicateRecord) as refused:
        await mongo_store.insert_deliveries([given])

    assert str(refused.value) == "a delivery id is already stored"


async def test_a_claim_whose_claimer_stopped_before_moving_the_queue_on_is_passed(
    mongo_store: MongoStore, raw: AsyncDatabase[Doc]
) -> None:
    given = delivery("acc_one", "prf_1", next_attempt_at=at(0))
    await mongo_store.insert_deliveries([given])
    # Another process took attempt 1 and stopped before writing its lease into the queue.
    await raw["delivery_claims"].insert_one(first_claim(given.id, "worker-1", at(10), at(70)))

    while_leased = await mongo_store.claim_due("worker-2", at(30), at(90), 10)
    [resent] = await mongo_store.claim_due("worker-2", at(80), at(140), 10)

    assert while_leased == []
    assert resent.attempt_count == 1
    assert resent.lease_owner == "worker-2"
    assert [
        (a.number, a.outcome) for a in await mongo_store.list_attempts("acc_one", [given.id])
    ] == [(1, AttemptOutcome.LOST)]


@pytest.fixture
async def split(
    mongodb_url: str, mongo_database: str
) -> AsyncIterator[tuple[MongoStore, MongoStore]]:
    """A process without workers, and one with workers that sweeps its queue hourly, its
    first sweep behind it."""
    async with (
        started(MongoStore(mongodb_url, mongo_database, claims=False)) as server,
        started(MongoStore(mongodb_url, mongo_database, sweep_seconds=3600)) as worker,
    ):
        assert await worker.claim_due("worker-1", at(10), at(70), 10) == []
        yield server, worker


async def test_what_a_process_without_workers_queues_is_claimed_from_its_notice(
    split: tuple[MongoStore, MongoStore],
) -> None:
    # Given a process without workers and one with workers that sweeps its queue hourly
    server, worker = split

    # When the process without workers stores a due delivery
    given = delivery("acc_one", "prf_1", next_attempt_at=at(0))
    await server.insert_deliveries([given])

    # Then the worker claims it by id, once the notice reached it, with no sweep
    async with asyncio.timeout(30):
        while not (claimed := await worker.claim_due("worker-1", at(11), at(71), 10)):
            await asyncio.sleep(0.05)
    assert [(d.id, d.lease_owner) for d in claimed] == [(given.id, "worker-1")]


async def test_a_notice_of_another_process_wakes_the_claimer_of_this_one(
    split: tuple[MongoStore, MongoStore],
) -> None:
    # Given a process without workers and one with workers that asked to be woken
    server, worker = split
    woken = asyncio.Event()
    worker.wake_on_work(woken.set)

    # When the process without workers stores a due delivery
    given = delivery("acc_one", "prf_1", next_attempt_at=at(0))
    await server.insert_deliveries([given])

    # Then the worker is woken, and its next claim takes the delivery
    await asyncio.wait_for(woken.wait(), 30)
    claimed = await worker.claim_due("worker-1", at(11), at(71), 10)
    assert [(d.id, d.lease_owner) for d in claimed] == [(given.id, "worker-1")]


async def test_open_store_picks_the_store_by_url(mongodb_url: str) -> None:
    embedded = open_store(None, "callbackd")
    remote = open_store(mongodb_url, "callbackd")
    try:
        assert isinstance(embedded, MemoryStore)
        assert isinstance(remote, MongoStore)
        assert embedded.description == (
            "embedded in-memory store (data lives as long as the process)"
        )
    finally:
        await remote.close()
