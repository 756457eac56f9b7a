"""Accounts stored when an account had one key, its hash on the account document, keep
working: the MongoDB store moves that key into `api_keys` when it starts."""

from __future__ import annotations

from typing import Any

import pymongo
import pytest

from domain.accounts import Accounts, hash_key
from storage.mongo import MongoStore
from tests.support.factories import T0
from tests.support.stores import started

pytestmark = pytest.mark.mongo

OLD_KEY = "cbk_from-an-earlier-version-of-callbackd-0000000000"


@pytest.fixture
def old_database(_mongo_admin: pymongo.MongoClient[dict[str, Any]], mongo_database: str) -> str:
    accounts = _mongo_admin[mongo_database]["accounts"]
    accounts.create_index("key_hash", unique=True)
    accounts.insert_one(
        {
            "_id": "acc_old",
            "name": "Acme",
            "region": "IN",
            "key_hash": hash_key(OLD_KEY),
            "created_at": T0,
        }
    )
    return mongo_database


async def test_the_old_key_authenticates_and_is_listed(mongodb_url: str, old_database: str) -> None:
    async with started(MongoStore(mongodb_url, old_database)) as store:
        accounts = Accounts(store)

        found = await accounts.authenticate(f"Bearer {OLD_KEY}")
        [listed] = await store.list_api_keys("acc_old")

    assert found is not None and found.id == "acc_old"
    assert listed.prefix == "legacy_" + hash_key(OLD_KEY)[:8]
    assert listed.label == "created with the account"
    assert listed.created_at == T0
    assert listed.revoked_at is None
    assert listed.last_used_at is not None


async def test_new_accounts_can_be_created_beside_adopted_ones(
    mongodb_url: str, old_database: str
) -> None:
    async with started(MongoStore(mongodb_url, old_database)) as store:
        accounts = Accounts(store)
        first, first_key = await accounts.create("Globex")
        second, second_key = await accounts.create("Initech")

        assert (await accounts.authenticate(f"Bearer {first_key}")) == first
        assert (await accounts.authenticate(f"Bearer {second_key}")) == second


async def test_starting_again_changes_nothing_more(
    mongodb_url: str, old_database: str, _mongo_admin: pymongo.MongoClient[dict[str, Any]]
) -> None:
    for _ in range(2):
        store = MongoStore(mongodb_url, old_database)
        await store.start()
        await store.close()

    database = _mongo_admin[old_database]
    assert list(database["accounts"].find({}, {"_id": 1, "key_hash": 1})) == [{"_id": "acc_old"}]
    assert [k["_id"] for k in database["api_keys"].find()] == [hash_key(OLD_KEY)]
