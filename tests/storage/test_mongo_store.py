"""What only the MongoDB store has to show: durability and the feed between processes."""

from __future__ import annotations

import asyncio

import pytest

from storage import MemoryStore, open_store
from storage.codec import delivery_to_doc
from storage.mongo import FEED, MongoStore
from tests.storage.test_store_contract import next_attempt, nothing_more
from tests.support.factories import attempt, delivery, profile

pytestmark = pytest.mark.mongo


async def test_profiles_survive_reopening_the_store(mongodb_url: str, mongo_database: str) -> None:
    given = profile("acc_one")
    first = MongoStore(mongodb_url, mongo_database)
    await first.start()
    await first.insert_profile(given)
    await first.close()

    reopened = MongoStore(mongodb_url, mongo_database)
    await reopened.start()
    try:
        assert await reopened.get_profile("acc_one", given.id) == given
    finally:
        await reopened.close()


async def test_a_key_whose_first_writer_stopped_halfway_answers_that_delivery(
    mongo_store: MongoStore,
) -> None:
    # The first writer took the key and stopped before writing its delivery.
    first = delivery("acc_one", "prf_1", idempotency_key="order-7")
    await mongo_store._db["idempotency_keys"].insert_one(
        {"_id": '["acc_one", "order-7"]', "delivery": delivery_to_doc(first)}
    )
    again = delivery("acc_one", "prf_1", idempotency_key="order-7")

    answered = await mongo_store.insert_deliveries([again])

    assert answered == [first]
    assert await mongo_store.get_delivery("acc_one", first.id) == first
    assert await mongo_store.get_delivery("acc_one", again.id) is None


async def test_attempts_of_another_process_reach_followers_once(
    mongo_store: MongoStore, mongodb_url: str, mongo_database: str
) -> None:
    elsewhere = MongoStore(mongodb_url, mongo_database)
    await elsewhere.start()
    try:
        feed = mongo_store.follow_attempts()
        remote = attempt("acc_one", "dlv_1")
        local = attempt("acc_two", "dlv_2")

        await elsewhere.insert_attempt(remote)
        await mongo_store.insert_attempt(local)

        got = [await next_attempt(feed), await next_attempt(feed)]
        assert sorted(got, key=lambda a: a.id) == sorted([remote, local], key=lambda a: a.id)
        assert await nothing_more(feed)
    finally:
        await elsewhere.close()


async def test_a_follower_keeps_following_when_its_cursor_dies(
    mongo_store: MongoStore, mongodb_url: str, mongo_database: str
) -> None:
    elsewhere = MongoStore(mongodb_url, mongo_database)
    await elsewhere.start()
    try:
        feed = mongo_store.follow_attempts()
        before = attempt("acc_one", "dlv_1")
        await elsewhere.insert_attempt(before)
        assert await next_attempt(feed) == before

        # Dropping the feed kills every cursor on it; starting re-creates it.
        await elsewhere._db.drop_collection(FEED)
        await elsewhere.start()
        after = attempt("acc_one", "dlv_2")
        await elsewhere.insert_attempt(after)

        assert await next_attempt(feed) == after
    finally:
        await elsewhere.close()


async def test_a_dropped_follower_stops_reading_the_feed(mongo_store: MongoStore) -> None:
    feed = mongo_store.follow_attempts()
    await asyncio.sleep(0.2)
    assert len(mongo_store._tails) == 1

    del feed

    async with asyncio.timeout(10):
        while mongo_store._tails:
            await asyncio.sleep(0.1)


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
