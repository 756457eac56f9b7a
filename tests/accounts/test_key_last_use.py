"""A key's last use is recorded at most once a minute, however many processes use it."""

from __future__ import annotations

from datetime import timedelta

from domain import clock
from domain.accounts import Accounts, hash_key
from domain.store import Store
from tests.support.factories import account, api_key

KEY = "cbk_a-key-used-by-many-requests-000000000000000000"


async def stored_last_use(store: Store) -> object:
    stored = await store.find_api_key(hash_key(KEY))
    assert stored is not None
    return stored.last_used_at


async def test_uses_within_a_minute_write_once_across_processes(store: Store) -> None:
    owner = account()
    await store.insert_account(owner)
    await store.insert_api_key(api_key(owner.id, key_hash=hash_key(KEY)))
    one_process, another_process = Accounts(store), Accounts(store)

    await one_process.authenticate(f"Bearer {KEY}")
    first = await stored_last_use(store)
    for accounts in (one_process, another_process, one_process):
        assert await accounts.authenticate(f"Bearer {KEY}") == owner

    assert first is not None
    assert await stored_last_use(store) == first


async def test_a_use_a_minute_after_the_last_is_recorded(store: Store) -> None:
    owner = account()
    await store.insert_account(owner)
    long_ago = clock.now() - timedelta(minutes=1, seconds=1)
    await store.insert_api_key(api_key(owner.id, key_hash=hash_key(KEY), last_used_at=long_ago))

    await Accounts(store).authenticate(f"Bearer {KEY}")

    last = await stored_last_use(store)
    assert isinstance(last, type(long_ago))
    assert last > long_ago


async def test_a_revoked_key_authenticates_nothing_and_records_no_use(store: Store) -> None:
    owner = account()
    await store.insert_account(owner)
    await store.insert_api_key(api_key(owner.id, key_hash=hash_key(KEY), revoked_at=clock.now()))

    assert await Accounts(store).authenticate(f"Bearer {KEY}") is None
    assert await stored_last_use(store) is None
