"""The contract both stores keep for endpoint health: profile status, failure counts, pauses,
rate-limit slots, deliveries given back unsent, replays and profile events."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from domain.ids import sortable_id
from domain.models import (
    DeliveryStatus,
    ProfileEvent,
    ProfileEventKind,
    ProfileStatus,
)
from domain.store import Outcome, ProfileFilter, Slot, Span, StatusChange, Store
from tests.support.factories import at, attempt, delivery, profile

ACC = "acc_one"
OTHER = "acc_two"
FROM_ACTIVE = frozenset({ProfileStatus.ACTIVE})
FROM_ANY = frozenset(ProfileStatus)


def disabling(seconds: float, allowed_from: frozenset[ProfileStatus] = FROM_ACTIVE) -> StatusChange:
    return StatusChange(
        ProfileStatus.DISABLED, "Disabled by the account.", at(seconds), allowed_from
    )


# Status


async def test_a_status_change_is_stored_with_its_reason_and_time(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)

    changed = await store.change_profile_status(ACC, given.id, disabling(5))

    expected = replace(
        given,
        status=ProfileStatus.DISABLED,
        status_reason="Disabled by the account.",
        status_changed_at=at(5),
        updated_at=at(5),
    )
    assert changed == expected
    assert await store.get_profile(ACC, given.id) == expected


async def test_a_status_change_applies_only_from_the_statuses_it_allows(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)
    await store.change_profile_status(ACC, given.id, disabling(5))

    again = await store.change_profile_status(ACC, given.id, disabling(9))
    auto = await store.change_profile_status(
        ACC, given.id, StatusChange(ProfileStatus.AUTO_DISABLED, "gone", at(9), FROM_ACTIVE)
    )

    assert again is None
    assert auto is None
    stored = await store.get_profile(ACC, given.id)
    assert stored is not None
    assert (stored.status, stored.status_changed_at) == (ProfileStatus.DISABLED, at(5))


async def test_becoming_active_forgets_failures_and_pauses(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)
    await store.count_failure(ACC, given.id, at(1))
    await store.pause_profile(ACC, given.id, at(60))
    await store.change_profile_status(ACC, given.id, disabling(5))

    enabled = await store.change_profile_status(
        ACC, given.id, StatusChange(ProfileStatus.ACTIVE, None, at(7), FROM_ANY)
    )

    assert enabled is not None
    assert (enabled.status, enabled.status_reason, enabled.status_changed_at) == (
        ProfileStatus.ACTIVE,
        None,
        at(7),
    )
    assert (enabled.failures, enabled.failing_since, enabled.paused_until) == (0, None, None)


async def test_another_account_cannot_change_a_profile_status(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)

    assert await store.change_profile_status(OTHER, given.id, disabling(5)) is None
    assert await store.count_failure(OTHER, given.id, at(5)) is None
    assert await store.pause_profile(OTHER, given.id, at(5)) is None
    assert await store.set_rate_limit(OTHER, given.id, 5.0, at(5)) is None
    assert await store.get_profile(ACC, given.id) == given


async def test_profiles_are_filtered_by_status(store: Store) -> None:
    kept = profile(ACC, created_at=at(1))
    off = profile(ACC, created_at=at(2))
    for p in (kept, off):
        await store.insert_profile(p)
    await store.change_profile_status(ACC, off.id, disabling(5))

    active = await store.list_profiles(ACC, ProfileFilter(status=ProfileStatus.ACTIVE), None, 10)
    disabled = await store.list_profiles(
        ACC, ProfileFilter(status=ProfileStatus.DISABLED), None, 10
    )

    assert [p.id for p in active] == [kept.id]
    assert [p.id for p in disabled] == [off.id]


# Failures, pauses and rate limits


async def test_failures_are_counted_from_the_first_since_a_success(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)

    await store.count_failure(ACC, given.id, at(1))
    counted = await store.count_failure(ACC, given.id, at(2))
    assert counted is not None
    assert (counted.failures, counted.failing_since) == (2, at(1))

    await store.forget_failures(ACC, given.id)
    restarted = await store.count_failure(ACC, given.id, at(9))
    assert restarted is not None
    assert (restarted.failures, restarted.failing_since) == (1, at(9))


async def test_the_later_pause_wins(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)

    await store.pause_profile(ACC, given.id, at(60))
    shorter = await store.pause_profile(ACC, given.id, at(30))
    longer = await store.pause_profile(ACC, given.id, at(90))

    assert shorter is not None and shorter.paused_until == at(60)
    assert longer is not None and longer.paused_until == at(90)


async def test_a_rate_limit_is_set_and_removed(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)

    limited = await store.set_rate_limit(ACC, given.id, 2.5, at(3))
    unlimited = await store.set_rate_limit(ACC, given.id, None, at(4))

    assert limited == replace(given, max_per_second=2.5, updated_at=at(3))
    assert unlimited == replace(given, max_per_second=None, updated_at=at(4))


def slot(number: int) -> Slot:
    return Slot(f"prf_1/100/{number}", at(number / 10), f"prf_1/100/{number - 1000}")


async def test_send_slots_are_taken_once_and_dropped_later(store: Store) -> None:
    first = await store.take_send_slots([slot(7), slot(8)])
    overlapping = await store.take_send_slots([slot(8), slot(9)])
    # Taking slot 1007 drops slot 7, long past.
    later = await store.take_send_slots([slot(1007)])
    again = await store.take_send_slots([slot(7), slot(8)])

    assert (first, overlapping, later, again) == (
        [True, True],
        [False, True],
        [True],
        [True, False],
    )
    assert await store.take_send_slots([]) == []


async def test_rival_takers_of_one_slot_have_one_winner(store: Store) -> None:
    won = await asyncio.gather(*(store.take_send_slots([slot(42)]) for _ in range(8)))

    assert sorted(won) == [[False]] * 7 + [[True]]


# Deliveries given back unsent


async def test_a_delivery_given_back_until_a_time_keeps_its_attempt_number(store: Store) -> None:
    given = delivery(ACC, "prf_1", next_attempt_at=at(0))
    await store.insert_deliveries([given])
    (claimed,) = await store.claim_due("worker-1", at(1), at(61), 10)

    assert await store.defer(given.id, "worker-1", at(30), at(2)) is True

    assert await store.claim_due("worker-2", at(20), at(80), 10) == []
    (again,) = await store.claim_due("worker-2", at(31), at(91), 10)
    assert (claimed.attempt_count, again.attempt_count) == (0, 0)
    assert await store.list_attempts(ACC, [given.id]) == []
    stored = await store.get_delivery(ACC, given.id)
    assert stored is not None and stored.status is DeliveryStatus.DELIVERING


async def test_a_held_delivery_waits_until_resumed(store: Store) -> None:
    given = delivery(ACC, "prf_1", next_attempt_at=at(0))
    other = delivery(ACC, "prf_2", next_attempt_at=at(0.5))
    await store.insert_deliveries([given, other])
    await store.claim_due("worker-1", at(1), at(61), 1)

    assert await store.defer(given.id, "worker-1", None, at(2)) is True

    held = await store.get_delivery(ACC, given.id)
    assert held is not None
    assert (held.status, held.next_attempt_at, held.attempt_count) == (
        DeliveryStatus.PENDING,
        None,
        0,
    )
    assert [d.id for d in await store.claim_due("worker-2", at(100), at(900), 10)] == [other.id]
    assert await store.resume_held(OTHER, "prf_1", at(200)) == 0
    assert await store.resume_held(ACC, "prf_1", at(200)) == 1
    (resumed,) = await store.claim_due("worker-2", at(300), at(360), 10)
    assert (resumed.id, resumed.attempt_count) == (given.id, 0)


async def test_only_the_lease_holder_gives_a_delivery_back(store: Store) -> None:
    given = delivery(ACC, "prf_1", next_attempt_at=at(0))
    await store.insert_deliveries([given])
    await store.claim_due("worker-1", at(1), at(61), 10)

    assert await store.defer(given.id, "worker-2", None, at(2)) is False
    assert await store.release(
        given.id, "worker-1", Outcome(DeliveryStatus.SUCCEEDED, 1, None), at(3)
    )


async def test_a_held_delivery_is_cancelled_with_its_profile(store: Store) -> None:
    given = delivery(ACC, "prf_1", next_attempt_at=at(0))
    await store.insert_deliveries([given])
    await store.claim_due("worker-1", at(1), at(61), 10)
    await store.defer(given.id, "worker-1", None, at(2))

    assert await store.cancel_pending(ACC, "prf_1", at(3)) == 1

    stored = await store.get_delivery(ACC, given.id)
    assert stored is not None and stored.status is DeliveryStatus.CANCELLED


# Replays


async def finished(store: Store, *rows: tuple[float, DeliveryStatus, str]) -> list[str]:
    """Stores deliveries created at the given seconds and finishes them; answers their ids."""
    # Ids as published ones are: sorting in the order they were made.
    made = [
        delivery(
            ACC,
            profile_id,
            id=sortable_id("dlv"),
            created_at=at(seconds),
            next_attempt_at=at(seconds),
        )
        for seconds, _, profile_id in rows
    ]
    await store.insert_deliveries(made)
    await store.claim_due("worker-1", at(1000), at(1060), len(made))
    for given, (_, status, _) in zip(made, rows, strict=True):
        await store.release(given.id, "worker-1", Outcome(status, 1, None), at(1001))
    return [d.id for d in made]


async def test_finished_deliveries_of_a_span_are_found_oldest_first(store: Store) -> None:
    failed, FAILED, SUCCEEDED = "prf_1", DeliveryStatus.FAILED, DeliveryStatus.SUCCEEDED
    ids = await finished(
        store,
        (30, FAILED, failed),
        (10, FAILED, failed),
        (20, SUCCEEDED, failed),
        (40, FAILED, "prf_2"),
        (50, FAILED, failed),
        (5, FAILED, failed),
    )

    found = await store.finished_deliveries(ACC, Span(failed, FAILED, at(10), at(50)), 100)
    open_ended = await store.finished_deliveries(ACC, Span(failed, FAILED, at(10), None), 100)
    limited = await store.finished_deliveries(ACC, Span(failed, FAILED, at(0), None), 2)
    theirs = await store.finished_deliveries(OTHER, Span(failed, FAILED, at(0), None), 100)

    assert [d.id for d in found] == [ids[1], ids[0]]
    assert [d.id for d in open_ended] == [ids[1], ids[0], ids[4]]
    assert [d.id for d in limited] == [ids[5], ids[1]]
    assert theirs == []


async def test_requeued_deliveries_are_claimed_in_the_order_given_as_manual(store: Store) -> None:
    ids = await finished(
        store,
        (1, DeliveryStatus.FAILED, "prf_1"),
        (2, DeliveryStatus.FAILED, "prf_1"),
        (3, DeliveryStatus.FAILED, "prf_1"),
    )
    rows = await store.finished_deliveries(
        ACC, Span("prf_1", DeliveryStatus.FAILED, at(0), None), 100
    )

    assert await store.requeue_all(ACC, rows, at(2000)) == 3
    assert await store.requeue_all(ACC, rows, at(2000)) == 0

    claimed = await store.claim_due("worker-2", at(2001), at(2061), 10)
    assert [(d.id, d.manual_retry, d.attempt_count) for d in claimed] == [(i, True, 1) for i in ids]


async def test_a_replay_key_answers_what_it_was_first_recorded_with(store: Store) -> None:
    assert await store.take_replay_key(ACC, "k-1", 7, at(1)) is None
    assert await store.take_replay_key(ACC, "k-1", 9, at(2)) == 7
    assert await store.take_replay_key(OTHER, "k-1", 3, at(2)) is None


# Profile events


async def test_announced_profile_events_reach_followers(store: Store) -> None:
    events = store.follow_profile_events()
    given = ProfileEvent(
        id="pev_1",
        account_id=ACC,
        profile_id="prf_1",
        kind=ProfileEventKind.PAUSED,
        status=ProfileStatus.ACTIVE,
        reason="The endpoint answered 429 with Retry-After: 30 s.",
        at=at(1),
        paused_until=at(31),
    )

    await store.announce_profile_event(given)
    # Attempts travel beside events and are not handed to event followers.
    await store.insert_attempt(attempt(ACC, None))

    async with asyncio.timeout(10):
        assert await anext(events) == given
