"""`storage.commands.CommandWatch`: every command a client sends is told to its observer when
it ends, with the collection it names, its time and whether it failed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from motor.motor_asyncio import AsyncIOMotorClient, AsyncIOMotorDatabase
from pymongo.errors import OperationFailure

from domain.ids import sortable_id
from storage.commands import CommandWatch
from storage.mongo import MongoStore
from tests.support.commands import Commands
from tests.support.stores import started

pytestmark = pytest.mark.mongo


@pytest.fixture
async def watched(
    mongodb_url: str, mongo_database: str
) -> AsyncIterator[tuple[AsyncIOMotorDatabase[dict[str, Any]], Commands]]:
    told = Commands()
    client: AsyncIOMotorClient[dict[str, Any]] = AsyncIOMotorClient(
        mongodb_url, event_listeners=[CommandWatch(told)]
    )
    try:
        yield client[mongo_database], told
    finally:
        client.close()


async def test_each_command_is_told_with_its_collection_once_it_ends(
    watched: tuple[AsyncIOMotorDatabase[dict[str, Any]], Commands],
) -> None:
    db, told = watched
    await db["things"].insert_many([{"_id": i} for i in range(3)])

    found = [d async for d in db["things"].find({}).batch_size(1)]

    assert [d["_id"] for d in found] == [0, 1, 2]
    # The first batch holds one document; each further one is a `getMore`, whose first field
    # is the cursor, not the collection.
    assert told.sent[:4] == [
        ("insert", "things", False),
        ("find", "things", False),
        ("getMore", "things", False),
        ("getMore", "things", False),
    ]
    assert all(0 <= s < 10 for s in told.seconds)


async def test_a_refused_command_is_told_as_failed(
    watched: tuple[AsyncIOMotorDatabase[dict[str, Any]], Commands],
) -> None:
    db, told = watched
    await db["things"].insert_one({"_id": 1, "field": 1})
    told.sent.clear()

    with pytest.raises(OperationFailure):
        await db["things"].find_one({"field": {"$noSuchOperator": 1}})
    with pytest.raises(OperationFailure):
        await db.command("noSuchCommand")

    assert told.sent == [("find", "things", True), ("noSuchCommand", "", True)]


async def test_the_store_tells_of_the_commands_it_sends(
    mongodb_url: str, mongo_database: str
) -> None:
    told = Commands()
    async with started(MongoStore(mongodb_url, mongo_database, on_command=told)) as store:
        told.sent.clear()

        await store.get_profile(sortable_id("acc"), sortable_id("prf"))

        assert told.sent == [("find", "profiles", False)]
