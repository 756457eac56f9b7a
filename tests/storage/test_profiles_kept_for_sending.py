"""A worker reads the profile of each delivery it sends through `profiles_for_sending`, which
may answer from a copy read a moment ago: a change the same store writes is in the answer
at once, a change another process writes once its notice on the feed is heard (and the
notice comes before the notice of any delivery queued after the change), and at most
`PROFILES_FOR_SENDING_KEPT_FOR` seconds after it was written if no notice ever comes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from domain.authentication import Authentication, CallbackAuthType
from domain.models import Header, Profile, ProfileStatus, SigningSecret
from domain.store import PROFILES_FOR_SENDING_KEPT_FOR, StatusChange, Store
from storage.mongo import MongoStore, SendingProfiles
from tests.support.commands import Commands
from tests.support.factories import at, delivery, profile
from tests.support.stores import started
from tests.support.ticks import Ticks

ACC = "acc_one"
# Long enough that, within a test, only a notice can explain a copy read again.
AN_HOUR = 3600.0
# How long a test waits for a notice another store wrote, at most; the feed is read every
# 0.1 s.
NOTICE_WAIT_SECONDS = 10.0

Change = Callable[[Store, Profile], Awaitable[None]]


async def new_template(store: Store, given: Profile) -> None:
    await store.update_profile_template(ACC, given.id, ("status",), {"state": "<status>"}, at(5))


async def new_signing_secret(store: Store, given: Profile) -> None:
    await store.update_signing_secrets(
        ACC, given.id, (SigningSecret("sealed:whsec-2", at(5)),), at(5)
    )


async def new_authentication(store: Store, given: Profile) -> None:
    basic = Authentication(CallbackAuthType.BASIC, username="ops", sealed_password="sealed:pw")
    await store.update_profile_authentication(ACC, given.id, basic, at(5))


async def new_rate_limit(store: Store, given: Profile) -> None:
    await store.set_rate_limit(ACC, given.id, 5.0, at(5))


async def disabled(store: Store, given: Profile) -> None:
    change = StatusChange(
        ProfileStatus.DISABLED, "Disabled by the account.", at(5), frozenset(ProfileStatus)
    )
    await store.change_profile_status(ACC, given.id, change)


async def paused(store: Store, given: Profile) -> None:
    await store.pause_profile(ACC, given.id, at(60))


async def failed(store: Store, given: Profile) -> None:
    await store.count_failure(ACC, given.id, at(5))


async def recovered(store: Store, given: Profile) -> None:
    await store.count_failure(ACC, given.id, at(5))
    await store.profiles_for_sending(ACC, [given.id])
    await store.forget_failures(ACC, given.id)


async def rekeyed(store: Store, given: Profile) -> None:
    new = replace(given, headers=(Header("Authorization", "sealed:rekeyed", secret=True),))
    await store.replace_sealed([(given, new)])


async def deleted(store: Store, given: Profile) -> None:
    await store.delete_profile(ACC, given.id)


CHANGES: list[Change] = [
    new_template,
    new_signing_secret,
    new_authentication,
    new_rate_limit,
    disabled,
    paused,
    failed,
    recovered,
    rekeyed,
    deleted,
]
# A recovery elsewhere ends where the copy began; see its own test.
CHANGES_ELSEWHERE = [c for c in CHANGES if c is not recovered]


async def kept_copy_of(store: Store) -> Profile:
    """A profile stored and read for sending once, so a copy may be kept."""
    given = profile(ACC)
    await store.insert_profile(given)
    assert await store.profiles_for_sending(ACC, [given.id]) == [given]
    return given


def profile_finds(commands: Commands) -> int:
    return commands.sent.count(("find", "profiles", False))


async def heard(sender: Store, profile_id: str, expected: list[Profile]) -> list[Profile]:
    """What `sender` answers for sending once it answers `expected`, or after the wait."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + NOTICE_WAIT_SECONDS
    answer = await sender.profiles_for_sending(ACC, [profile_id])
    while answer != expected and loop.time() < deadline:
        await asyncio.sleep(0.05)
        answer = await sender.profiles_for_sending(ACC, [profile_id])
    return answer


# Both stores


@pytest.mark.parametrize("change", CHANGES, ids=lambda c: c.__name__)
async def test_a_change_the_store_writes_is_sent_at_once(store: Store, change: Change) -> None:
    given = await kept_copy_of(store)

    await change(store, given)

    assert await store.profiles_for_sending(ACC, [given.id]) == await store.get_profiles(
        ACC, [given.id]
    )


async def test_only_the_profiles_that_exist_are_answered_once_each(store: Store) -> None:
    given = await kept_copy_of(store)

    answer = await store.profiles_for_sending(ACC, [given.id, "prf_missing", given.id])

    assert answer == [given]


# The MongoDB store, several processes on one database


@pytest.fixture
def sender_commands() -> Commands:
    return Commands()


@pytest.fixture
async def writer(mongodb_url: str, mongo_database: str) -> AsyncIterator[MongoStore]:
    """Another process on the same database, an API server without workers."""
    async with started(MongoStore(mongodb_url, mongo_database, claims=False)) as store:
        yield store


@pytest.fixture
async def sender(
    mongodb_url: str, mongo_database: str, sender_commands: Commands
) -> AsyncIterator[MongoStore]:
    """A process with workers that keeps its copies for an hour unless told otherwise."""
    kept = SendingProfiles(AN_HOUR)
    store = MongoStore(
        mongodb_url,
        mongo_database,
        on_command=sender_commands,
        sending_profiles=kept,
        sweep_seconds=AN_HOUR,
    )
    async with started(store):
        yield store


@pytest.mark.mongo
async def test_a_busy_profile_is_read_once_for_its_sends(
    sender: MongoStore, sender_commands: Commands
) -> None:
    given = await kept_copy_of(sender)

    again = [await sender.profiles_for_sending(ACC, [given.id]) for _ in range(20)]

    assert again == [[given]] * 20
    assert profile_finds(sender_commands) == 1


@pytest.mark.mongo
async def test_a_copy_is_read_again_once_kept_for_its_time(
    mongodb_url: str, mongo_database: str
) -> None:
    commands, ticks = Commands(), Ticks()
    kept = SendingProfiles(PROFILES_FOR_SENDING_KEPT_FOR, monotonic=ticks)
    store = MongoStore(mongodb_url, mongo_database, on_command=commands, sending_profiles=kept)
    async with started(store):
        given = await kept_copy_of(store)
        ticks.now += PROFILES_FOR_SENDING_KEPT_FOR - 0.001
        await store.profiles_for_sending(ACC, [given.id])
        within = profile_finds(commands)
        ticks.now += 0.001
        await store.profiles_for_sending(ACC, [given.id])
        after = profile_finds(commands)

    assert (within, after) == (1, 2)


@pytest.mark.mongo
@pytest.mark.parametrize("change", CHANGES_ELSEWHERE, ids=lambda c: c.__name__)
async def test_a_change_another_process_writes_reaches_the_sends_through_its_notice(
    sender: MongoStore, writer: MongoStore, change: Change
) -> None:
    given = await kept_copy_of(sender)

    await change(writer, given)
    now = await writer.get_profiles(ACC, [given.id])

    assert now != [given]
    assert await heard(sender, given.id, now) == now


@pytest.mark.mongo
async def test_a_recovery_another_process_writes_reaches_the_sends(
    sender: MongoStore, writer: MongoStore
) -> None:
    given = await kept_copy_of(sender)
    await writer.count_failure(ACC, given.id, at(5))
    failing = await writer.get_profiles(ACC, [given.id])
    assert await heard(sender, given.id, failing) == failing

    await writer.forget_failures(ACC, given.id)

    assert await heard(sender, given.id, [given]) == [given]


@pytest.mark.mongo
async def test_failures_are_told_to_other_processes_only_when_they_begin(
    writer: MongoStore, raw: AsyncDatabase[dict[str, Any]]
) -> None:
    given = profile(ACC)
    await writer.insert_profile(given)

    for seconds in (5, 6, 7):
        await writer.count_failure(ACC, given.id, at(seconds))

    notices = await raw["attempt_feed"].find({"notice.profiles.id": given.id}).to_list(None)
    assert [n["notice"] for n in notices] == [
        {"due": [], "profiles": [{"account_id": ACC, "id": given.id}]}
    ]


@pytest.mark.mongo
async def test_a_delivery_queued_after_a_change_elsewhere_is_sent_with_the_change(
    sender: MongoStore, writer: MongoStore
) -> None:
    # Given a worker that swept once and keeps a copy of the profile for an hour
    given = await kept_copy_of(sender)
    assert await sender.claim_due("worker-1", at(10), at(70), 10) == []

    # When an API server disables the profile, then queues a delivery of it
    await disabled(writer, given)
    queued = delivery(ACC, given.id, next_attempt_at=at(0))
    await writer.insert_deliveries([queued])

    # Then the worker claims it through its notice, having heard of the change before
    loop = asyncio.get_running_loop()
    deadline = loop.time() + NOTICE_WAIT_SECONDS
    claimed = await sender.claim_due("worker-1", at(10), at(70), 10)
    while not claimed and loop.time() < deadline:
        await asyncio.sleep(0.05)
        claimed = await sender.claim_due("worker-1", at(10), at(70), 10)
    sent_with = await sender.profiles_for_sending(ACC, [given.id])

    assert [d.id for d in claimed] == [queued.id]
    assert [p.status for p in sent_with] == [ProfileStatus.DISABLED]
