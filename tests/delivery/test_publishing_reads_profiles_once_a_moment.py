"""Publishing keeps the active profiles it reads for `PROFILES_KEPT_FOR` seconds: disabling
or deleting a profile holds at once in the process that did it, and at most that long
after in every other one."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from domain.deliveries import PROFILES_KEPT_FOR, ActiveProfiles, Deliveries, StatusEvent
from domain.errors import ErrorCode
from domain.models import Account, Profile
from domain.profiles import Profiles
from domain.secretbox import SecretBox, generate_server_key, parse_server_keys
from domain.statuses import Statuses
from domain.store import Store
from storage.memory import MemoryStore
from tests.support.factories import account, profile
from tests.support.stores import started
from tests.support.ticks import Ticks

BOX = SecretBox(parse_server_keys(generate_server_key()))
REPORT = {"message_id": "m-1", "status": "Delivered"}


async def stored_profile(store: Store) -> tuple[Account, Profile]:
    owner = account()
    await store.insert_account(owner)
    saved = profile(owner.id)
    await store.insert_profile(saved)
    return owner, saved


async def error_codes(deliveries: Deliveries, owner: Account, profile_id: str) -> list[str]:
    _, errors = await deliveries.publish(owner, [StatusEvent(profile_id, REPORT)])
    return [e.code.value for e in errors]


async def test_a_profile_disabled_in_this_process_is_refused_at_once(store: Store) -> None:
    owner, saved = await stored_profile(store)
    active = ActiveProfiles(PROFILES_KEPT_FOR)
    deliveries, statuses = Deliveries(store, active_profiles=active), Statuses(store, active)
    assert await error_codes(deliveries, owner, saved.id) == []

    await statuses.disable(owner.id, saved.id)

    assert await error_codes(deliveries, owner, saved.id) == [ErrorCode.PROFILE_NOT_ACTIVE.value]


async def test_a_profile_deleted_in_this_process_is_not_found_at_once(store: Store) -> None:
    owner, saved = await stored_profile(store)
    active = ActiveProfiles(PROFILES_KEPT_FOR)
    deliveries, profiles = Deliveries(store, active_profiles=active), Profiles(store, BOX, active)
    assert await error_codes(deliveries, owner, saved.id) == []

    assert await profiles.delete(owner, saved.id) == []

    assert await error_codes(deliveries, owner, saved.id) == [ErrorCode.NOT_FOUND.value]


async def test_another_process_refuses_it_once_it_has_kept_it_for_profiles_kept_for(
    store: Store,
) -> None:
    owner, saved = await stored_profile(store)
    ticks = Ticks()
    other = Deliveries(store, active_profiles=ActiveProfiles(PROFILES_KEPT_FOR, monotonic=ticks))
    assert await error_codes(other, owner, saved.id) == []

    await Statuses(store, ActiveProfiles(PROFILES_KEPT_FOR)).disable(owner.id, saved.id)
    ticks.now += PROFILES_KEPT_FOR - 0.001
    within = await error_codes(other, owner, saved.id)
    ticks.now += 0.001
    after = await error_codes(other, owner, saved.id)

    assert within == []
    assert after == [ErrorCode.PROFILE_NOT_ACTIVE.value]


async def test_a_profile_not_active_is_read_again_so_enabling_it_holds_at_once(
    store: Store,
) -> None:
    owner, saved = await stored_profile(store)
    elsewhere = Statuses(store, ActiveProfiles(PROFILES_KEPT_FOR))
    await elsewhere.disable(owner.id, saved.id)
    deliveries = Deliveries(store, active_profiles=ActiveProfiles(PROFILES_KEPT_FOR))
    refused = await error_codes(deliveries, owner, saved.id)

    await elsewhere.enable(owner.id, saved.id)

    assert refused == [ErrorCode.PROFILE_NOT_ACTIVE.value]
    assert await error_codes(deliveries, owner, saved.id) == []


class ProfileReadsHeld(MemoryStore):
    """Answers a profile read only once let go, as the profiles were when the read began."""

    def __init__(self) -> None:
        super().__init__()
        self.reading = asyncio.Event()
        self.go_on = asyncio.Event()

    async def get_profiles(self, account_id: str, profile_ids: Sequence[str]) -> list[Profile]:
        found = await super().get_profiles(account_id, profile_ids)
        self.reading.set()
        await self.go_on.wait()
        return found


async def test_a_profile_read_as_active_while_this_process_disabled_it_is_not_kept() -> None:
    async with started(ProfileReadsHeld()) as store:
        owner, saved = await stored_profile(store)
        active = ActiveProfiles(PROFILES_KEPT_FOR)
        deliveries, statuses = Deliveries(store, active_profiles=active), Statuses(store, active)
        read_before = asyncio.create_task(error_codes(deliveries, owner, saved.id))
        await store.reading.wait()
        await statuses.disable(owner.id, saved.id)

        store.go_on.set()
        accepted_before = await read_before
        after = await error_codes(deliveries, owner, saved.id)

    assert accepted_before == []
    assert after == [ErrorCode.PROFILE_NOT_ACTIVE.value]
