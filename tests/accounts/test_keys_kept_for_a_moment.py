"""A process keeps an active key it has read for `KEYS_KEPT_FOR` seconds: a revocation holds
at once in the process that wrote it and at most that long after in every other one."""

from __future__ import annotations

import asyncio

from domain.accounts import KEYS_KEPT_FOR, Accounts, hash_key
from domain.models import Account, ApiKey
from domain.recent import Recent
from domain.store import Store
from storage.memory import MemoryStore
from tests.support.factories import account, api_key
from tests.support.stores import started
from tests.support.ticks import Ticks

LEAKED = "cbk_leaked-key-000000000000000000000000000000000000"
SPARE = "cbk_spare-key-0000000000000000000000000000000000000"


async def owner_of_two_keys(store: Store) -> Account:
    owner = account()
    await store.insert_account(owner)
    for key in (LEAKED, SPARE):
        await store.insert_api_key(api_key(owner.id, key_hash=hash_key(key), prefix=key[:12]))
    return owner


async def test_the_process_that_revokes_a_key_refuses_it_at_once(store: Store) -> None:
    owner = await owner_of_two_keys(store)
    accounts = Accounts(store)
    assert await accounts.authenticate(f"Bearer {LEAKED}") == owner

    _, errors = await accounts.revoke_key(owner, LEAKED[:12])

    assert errors == []
    assert await accounts.authenticate(f"Bearer {LEAKED}") is None


async def test_another_process_refuses_it_once_it_has_kept_it_for_keys_kept_for(
    store: Store,
) -> None:
    owner = await owner_of_two_keys(store)
    ticks = Ticks()
    revoking = Accounts(store)
    other = Accounts(store, Recent[str, ApiKey](KEYS_KEPT_FOR, monotonic=ticks))
    assert await other.authenticate(f"Bearer {LEAKED}") == owner

    await revoking.revoke_key(owner, LEAKED[:12])
    ticks.now += KEYS_KEPT_FOR - 0.001
    within = await other.authenticate(f"Bearer {LEAKED}")
    ticks.now += 0.001
    after = await other.authenticate(f"Bearer {LEAKED}")

    assert within == owner
    assert after is None


async def test_a_key_created_in_another_process_works_at_once_after_a_refusal(
    store: Store,
) -> None:
    owner = account()
    await store.insert_account(owner)
    accounts = Accounts(store)
    refused = await accounts.authenticate(f"Bearer {LEAKED}")

    await store.insert_api_key(api_key(owner.id, key_hash=hash_key(LEAKED)))

    assert refused is None
    assert await accounts.authenticate(f"Bearer {LEAKED}") == owner


class KeyReadsHeld(MemoryStore):
    """Answers a key read only once let go, as the key was when the read began."""

    def __init__(self) -> None:
        super().__init__()
        self.reading = asyncio.Event()
        self.go_on = asyncio.Event()

    async def find_api_key(self, key_hash: str) -> ApiKey | None:
        found = await super().find_api_key(key_hash)
        self.reading.set()
        await self.go_on.wait()
        return found


async def test_a_key_read_as_active_while_this_process_revoked_it_is_not_kept() -> None:
    async with started(KeyReadsHeld()) as store:
        owner = await owner_of_two_keys(store)
        accounts = Accounts(store)
        read_before = asyncio.create_task(accounts.authenticate(f"Bearer {LEAKED}"))
        await store.reading.wait()
        _, errors = await accounts.revoke_key(owner, LEAKED[:12])

        store.go_on.set()
        accepted_before = await read_before
        after = await accounts.authenticate(f"Bearer {LEAKED}")

    assert errors == []
    assert accepted_before == owner
    assert after is None
