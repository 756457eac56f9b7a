"""The contract every store keeps: each test runs against the in-memory store and MongoDB."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace

import pytest

from catalog import ChannelKind
from domain.ids import attempt_id
from domain.models import (
    Attempt,
    AttemptOutcome,
    AttemptTrigger,
    Delivery,
    DeliveryStatus,
    Encryption,
    EncryptionAlgorithm,
    Header,
    Profile,
    SentRequest,
    SigningSecret,
)
from domain.store import (
    DeliveryFilter,
    DuplicateRecord,
    Expired,
    Keyset,
    Outcome,
    ProfileFilter,
    Store,
)
from storage.mongo import MongoStore
from storage.transitions import LOST_ERROR
from tests.support.factories import account, api_key, at, attempt, delivery, profile
from tests.support.stores import started

ACC = "acc_one"
OTHER = "acc_two"
EVERYTHING = ProfileFilter()
ALL_DELIVERIES = DeliveryFilter()
WAIT = 10.0


def keyset(row: Profile) -> Keyset:
    return Keyset(row.created_at, row.id)


def ids(rows: Sequence[Profile | Delivery]) -> list[str]:
    return [r.id for r in rows]


async def next_attempt(feed: AsyncIterator[Attempt]) -> Attempt:
    async with asyncio.timeout(WAIT):
        return await anext(feed)


async def nothing_more(feed: AsyncIterator[Attempt], seconds: float = 1.5) -> bool:
    try:
        async with asyncio.timeout(seconds):
            await anext(feed)
    except TimeoutError:
        return True
    return False


# Accounts


async def test_an_account_is_found_by_the_hash_of_an_active_key(store: Store) -> None:
    given = account()
    await store.insert_account(given)
    await store.insert_api_key(api_key(given.id, key_hash="hash-1"))
    await store.insert_api_key(api_key(given.id, key_hash="hash-2", revoked_at=at(5)))

    assert await store.find_account_by_key_hash("hash-1") == given
    assert await store.find_account_by_key_hash("hash-2") is None
    assert await store.find_account_by_key_hash("hash-3") is None


async def test_accounts_list_oldest_first_and_read_back_by_id(store: Store) -> None:
    newer = account(name="Globex", created_at=at(10))
    older = account(name="Acme", created_at=at(0))
    await store.insert_account(newer)
    await store.insert_account(older)

    assert await store.list_accounts() == [older, newer]
    assert await store.get_account(newer.id) == newer
    assert await store.get_account("acc_missing") is None


async def test_an_account_id_is_stored_once(store: Store) -> None:
    given = account()
    await store.insert_account(given)

    with pytest.raises(DuplicateRecord):
        await store.insert_account(replace(given, name="Other"))


async def test_api_keys_read_back_equal_and_list_oldest_first_per_account(store: Store) -> None:
    second = api_key(ACC, created_at=at(20), last_used_at=at(30), revoked_at=at(40))
    first = api_key(ACC, created_at=at(10), label=None)
    theirs = api_key(OTHER)
    for key in (second, first, theirs):
        await store.insert_api_key(key)

    assert await store.find_api_key(first.key_hash) == first
    assert await store.list_api_keys(ACC) == [first, second]
    assert sorted(
        await store.find_api_keys([second.key_hash, theirs.key_hash, "missing"]),
        key=lambda k: k.created_at,
    ) == [theirs, second]


async def test_a_second_key_with_a_used_hash_is_refused(store: Store) -> None:
    await store.insert_api_key(api_key(ACC, key_hash="hash-1"))

    with pytest.raises(DuplicateRecord):
        await store.insert_api_key(api_key(OTHER, key_hash="hash-1"))
    assert [k.account_id for k in await store.list_api_keys(OTHER)] == []


async def test_a_key_is_revoked_only_from_the_state_the_caller_saw(store: Store) -> None:
    key = api_key(ACC)
    await store.insert_api_key(key)

    revoked = await store.set_api_key_revoked(key.key_hash, None, at(60))
    again = await store.set_api_key_revoked(key.key_hash, None, at(70))
    missing = await store.set_api_key_revoked("missing", None, at(70))

    assert revoked == replace(key, revoked_at=at(60))
    assert again is None
    assert missing is None
    assert await store.find_api_key(key.key_hash) == revoked


async def test_a_revocation_is_taken_back_only_while_it_stands(store: Store) -> None:
    key = api_key(ACC, revoked_at=at(60))
    await store.insert_api_key(key)

    stale = await store.set_api_key_revoked(key.key_hash, at(50), None)
    restored = await store.set_api_key_revoked(key.key_hash, at(60), None)

    assert stale is None
    assert restored == replace(key, revoked_at=None)


async def test_a_key_use_is_recorded_unless_a_later_one_is(store: Store) -> None:
    key = api_key(ACC)
    await store.insert_api_key(key)

    first = await store.touch_api_key(key.key_hash, at(100), unless_after=at(40))
    too_soon = await store.touch_api_key(key.key_hash, at(130), unless_after=at(70))
    later = await store.touch_api_key(key.key_hash, at(170), unless_after=at(110))

    assert (first, too_soon, later) == (True, False, True)
    stored = await store.find_api_key(key.key_hash)
    assert stored is not None and stored.last_used_at == at(170)


# Profiles


async def test_a_stored_profile_reads_back_equal(store: Store) -> None:
    given = profile(
        ACC,
        # Templates are the customer's JSON: any keys, nested arrays, any text.
        body_template={
            "a.b": "<status>",
            "$type": "sms",
            "matrix": [[1, 2], [3, [4.5, None]]],
            "nested": {"deep": [{"x": True}], "": "empty key"},
            "text": "naïve 🚀 \u0000 end",
        },
        sealed_signing_secrets=(
            SigningSecret("sealed:new", at(10), None),
            SigningSecret("sealed:old", at(0), at(86_400)),
        ),
    )
    await store.insert_profile(given)

    assert await store.get_profile(ACC, given.id) == given


async def test_a_profile_id_is_stored_once(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)

    with pytest.raises(DuplicateRecord):
        await store.insert_profile(replace(given, title="Another"))
    assert await store.get_profile(ACC, given.id) == given


async def test_get_profiles_answers_those_of_the_account_that_exist(store: Store) -> None:
    mine = [profile(ACC) for _ in range(3)]
    theirs = profile(OTHER)
    for p in [*mine, theirs]:
        await store.insert_profile(p)

    found = await store.get_profiles(ACC, [mine[0].id, mine[2].id, theirs.id, "prf_missing"])

    assert sorted(found, key=lambda p: p.id) == sorted([mine[0], mine[2]], key=lambda p: p.id)


async def test_profiles_are_listed_newest_first_then_by_id_descending(store: Store) -> None:
    oldest = profile(ACC, id="prf_c", created_at=at(1))
    tied_low = profile(ACC, id="prf_a", created_at=at(2))
    tied_high = profile(ACC, id="prf_b", created_at=at(2))
    newest = profile(ACC, id="prf_0", created_at=at(3))
    for p in (tied_low, oldest, newest, tied_high):
        await store.insert_profile(p)

    listed = await store.list_profiles(ACC, EVERYTHING, None, 10)

    assert [p.id for p in listed] == ["prf_0", "prf_b", "prf_a", "prf_c"]


async def test_profile_pages_follow_each_other_without_gaps_or_repeats(store: Store) -> None:
    stored = [profile(ACC, id=f"prf_{i:02}", created_at=at(i // 2)) for i in range(7)]
    for p in stored:
        await store.insert_profile(p)

    pages: list[list[str]] = []
    after: Keyset | None = None
    while page := await store.list_profiles(ACC, EVERYTHING, after, 3):
        pages.append([p.id for p in page])
        after = keyset(page[-1])

    assert pages == [
        ["prf_06", "prf_05", "prf_04"],
        ["prf_03", "prf_02", "prf_01"],
        ["prf_00"],
    ]


async def test_a_page_after_a_keyset_is_unchanged_by_profiles_added_since(store: Store) -> None:
    for i in range(4):
        await store.insert_profile(profile(ACC, id=f"prf_{i}", created_at=at(i)))
    first_page = await store.list_profiles(ACC, EVERYTHING, None, 2)

    await store.insert_profile(profile(ACC, id="prf_9", created_at=at(9)))
    await store.insert_profile(profile(ACC, id="prf_8", created_at=first_page[-1].created_at))
    second_page = await store.list_profiles(ACC, EVERYTHING, keyset(first_page[-1]), 2)

    assert [p.id for p in first_page] == ["prf_3", "prf_2"]
    assert [p.id for p in second_page] == ["prf_1", "prf_0"]


async def test_title_search_is_a_case_insensitive_substring_match(store: Store) -> None:
    for title in ("Order Updates", "re-ORDER alerts", "Payments", "Ördered"):
        await store.insert_profile(profile(ACC, title=title))

    found = await store.list_profiles(ACC, ProfileFilter(search="oRdEr"), None, 10)

    assert sorted(p.title for p in found) == ["Order Updates", "re-ORDER alerts"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        (".", ["a.c", "v1.2 (beta)"]),
        ("a.c", ["a.c"]),
        ("(beta)", ["v1.2 (beta)"]),
        ("x+y", ["x+y"]),
        ("$5 [sale]", ["price $5 [sale]"]),
        ("back\\slash", ["back\\slash"]),
        ("^", []),
        ("*", []),
        ("|", []),
    ],
)
async def test_title_search_takes_regex_metacharacters_literally(
    store: Store, search: str, expected: list[str]
) -> None:
    for title in ("a.c", "abc", "v1.2 (beta)", "x+y", "xxy", "price $5 [sale]", "back\\slash"):
        await store.insert_profile(profile(ACC, title=title))

    found = await store.list_profiles(ACC, ProfileFilter(search=search), None, 10)

    assert sorted(p.title for p in found) == sorted(expected)


async def test_channel_filter_and_search_combine(store: Store) -> None:
    sms_orders = profile(ACC, title="Orders", channel=ChannelKind.SMS)
    email_orders = profile(ACC, title="Orders", channel=ChannelKind.EMAIL)
    email_billing = profile(ACC, title="Billing", channel=ChannelKind.EMAIL)
    for p in (sms_orders, email_orders, email_billing):
        await store.insert_profile(p)

    by_channel = await store.list_profiles(ACC, ProfileFilter(channel=ChannelKind.EMAIL), None, 10)
    both = await store.list_profiles(
        ACC, ProfileFilter(search="orders", channel=ChannelKind.EMAIL), None, 10
    )

    assert {p.id for p in by_channel} == {email_orders.id, email_billing.id}
    assert [p.id for p in both] == [email_orders.id]


async def test_another_account_can_neither_read_nor_change_a_profile(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)

    assert await store.get_profile(OTHER, given.id) is None
    assert await store.get_profiles(OTHER, [given.id]) == []
    assert await store.list_profiles(OTHER, EVERYTHING, None, 10) == []
    assert await store.update_profile_template(OTHER, given.id, ("x",), {"x": "<x>"}, at(5)) is None
    assert await store.update_signing_secrets(OTHER, given.id, (), at(5)) is None
    assert await store.delete_profile(OTHER, given.id) is False
    assert await store.get_profile(ACC, given.id) == given


async def test_updating_the_template_changes_only_variables_template_and_time(
    store: Store,
) -> None:
    given = profile(ACC, variables=("status",), body_template={"s": "<status>"})
    await store.insert_profile(given)
    template = {"id": "<message_id>", "list": [["<status>"]], "k.v": 1}

    updated = await store.update_profile_template(
        ACC, given.id, ("message_id", "status"), template, at(60)
    )

    expected = replace(
        given, variables=("message_id", "status"), body_template=template, updated_at=at(60)
    )
    assert updated == expected
    assert await store.get_profile(ACC, given.id) == expected


async def test_updating_signing_secrets_replaces_them(store: Store) -> None:
    given = profile(ACC)
    await store.insert_profile(given)
    secrets = (SigningSecret("sealed:b", at(60), None), SigningSecret("sealed:a", at(0), at(99)))

    updated = await store.update_signing_secrets(ACC, given.id, secrets, at(60))

    expected = replace(given, sealed_signing_secrets=secrets, updated_at=at(60))
    assert updated == expected
    assert await store.get_profile(ACC, given.id) == expected


async def test_updating_a_missing_profile_answers_none(store: Store) -> None:
    assert await store.update_profile_template(ACC, "prf_missing", (), {}, at(1)) is None
    assert await store.update_signing_secrets(ACC, "prf_missing", (), at(1)) is None


async def test_a_deleted_profile_is_gone(store: Store) -> None:
    gone, kept = profile(ACC), profile(ACC)
    await store.insert_profile(gone)
    await store.insert_profile(kept)

    assert await store.delete_profile(ACC, gone.id) is True
    assert await store.delete_profile(ACC, gone.id) is False
    assert await store.get_profile(ACC, gone.id) is None
    assert [p.id for p in await store.list_profiles(ACC, EVERYTHING, None, 10)] == [kept.id]


# Walking every profile, and re-sealing

RESEALED_SECRETS = (SigningSecret("sealed-b:whsec", at(0), None),)


def resealed(p: Profile) -> Profile:
    """`p` with every sealed value sealed anew."""
    return replace(
        p,
        headers=(Header("X-Team", "billing"), Header("Authorization", "sealed-b:abc", secret=True)),
        encryption=Encryption(
            algorithm=EncryptionAlgorithm.AES_256_GCM,
            sealed_key="sealed-b:key",
            sealed_iv="sealed-b:iv",
            parameters=("status",),
            random_iv=False,
        ),
        sealed_signing_secrets=RESEALED_SECRETS,
    )


async def walk(store: Store, after: str | None, batch_size: int) -> list[list[str]]:
    return [ids(batch) async for batch in store.profiles_in_id_order(after, batch_size)]


async def test_profiles_of_every_account_are_walked_in_id_order_in_batches(store: Store) -> None:
    given = [profile(ACC, id=f"IN_{n:02}") for n in (4, 1, 3)] + [profile(OTHER, id="IN_02")]
    for p in given:
        await store.insert_profile(p)

    assert await walk(store, None, 3) == [["IN_01", "IN_02", "IN_03"], ["IN_04"]]
    assert await walk(store, "IN_02", 2) == [["IN_03", "IN_04"]]
    assert await walk(store, "IN_04", 2) == []


async def test_sealed_fields_are_replaced_only_where_unchanged_since_read(store: Store) -> None:
    kept, changed = profile(ACC), profile(ACC, title="Changed meanwhile")
    for p in (kept, changed):
        await store.insert_profile(p)
    rotated = (SigningSecret("sealed:rotated", at(5), None),)
    await store.update_signing_secrets(ACC, changed.id, rotated, at(5))

    written = await store.replace_sealed(
        [
            (kept, resealed(kept)),
            (changed, resealed(changed)),
            (profile(ACC), profile(ACC)),
        ]
    )

    assert written == [True, False, False]
    assert await store.get_profile(ACC, kept.id) == resealed(kept)
    assert await store.get_profile(ACC, changed.id) == replace(
        changed, sealed_signing_secrets=rotated, updated_at=at(5)
    )


async def test_a_profile_without_encryption_has_its_sealed_fields_replaced(store: Store) -> None:
    plain = profile(ACC, encryption=None)
    await store.insert_profile(plain)
    changed = replace(plain, sealed_signing_secrets=RESEALED_SECRETS)

    assert await store.replace_sealed([(plain, changed)]) == [True]
    assert await store.get_profile(ACC, plain.id) == changed


# Deliveries


async def test_stored_deliveries_read_back_equal(store: Store) -> None:
    first = delivery(ACC, "prf_1", values={"n": 1, "x": 2.5, "ok": True, "s": "é", "none": None})
    second = delivery(ACC, "prf_1", idempotency_key="k-1", attempt_count=2, manual_retry=True)

    assert await store.insert_deliveries([first, second]) == [first, second]
    assert await store.get_delivery(ACC, first.id) == first
    assert await store.get_delivery(ACC, second.id) == second


async def test_get_deliveries_answers_those_of_the_account_that_exist(store: Store) -> None:
    mine, theirs = delivery(ACC, "prf_1"), delivery(OTHER, "prf_2")
    await store.insert_deliveries([mine, theirs])

    assert await store.get_deliveries(ACC, [mine.id, theirs.id, "dlv_missing"]) == [mine]
    assert await store.get_delivery(OTHER, mine.id) is None


async def test_deliveries_are_listed_newest_first_by_profile_and_status(store: Store) -> None:
    rows = [
        delivery(ACC, "prf_1", id="dlv_1", created_at=at(1)),
        delivery(ACC, "prf_1", id="dlv_2", created_at=at(2), status=DeliveryStatus.FAILED),
        delivery(ACC, "prf_2", id="dlv_3", created_at=at(3)),
        delivery(ACC, "prf_1", id="dlv_4", created_at=at(4)),
        delivery(OTHER, "prf_1", id="dlv_5", created_at=at(5)),
    ]
    await store.insert_deliveries(rows)

    everything = await store.list_deliveries(ACC, ALL_DELIVERIES, None, 10)
    of_profile = await store.list_deliveries(ACC, DeliveryFilter(profile_id="prf_1"), None, 10)
    pending_of_profile = await store.list_deliveries(
        ACC, DeliveryFilter(profile_id="prf_1", status=DeliveryStatus.PENDING), None, 10
    )
    second_page = await store.list_deliveries(
        ACC, DeliveryFilter(profile_id="prf_1"), Keyset(at(4), "dlv_4"), 1
    )

    assert ids(everything) == ["dlv_4", "dlv_3", "dlv_2", "dlv_1"]
    assert ids(of_profile) == ["dlv_4", "dlv_2", "dlv_1"]
    assert ids(pending_of_profile) == ["dlv_4", "dlv_1"]
    assert ids(second_page) == ["dlv_2"]


async def test_pages_of_all_deliveries_interleave_finished_waiting_and_in_flight(
    store: Store,
) -> None:
    waiting = delivery(ACC, "prf_1", id="dlv_1", created_at=at(1), next_attempt_at=at(50))
    failed = delivery(ACC, "prf_1", id="dlv_2", created_at=at(2), next_attempt_at=at(0))
    keyed = delivery(ACC, "prf_1", id="dlv_3", created_at=at(3), idempotency_key="k")
    succeeded = delivery(ACC, "prf_1", id="dlv_4", created_at=at(4), next_attempt_at=at(0))
    in_flight = delivery(ACC, "prf_1", id="dlv_5", created_at=at(5), next_attempt_at=at(0))
    await store.insert_deliveries([waiting, failed, keyed, succeeded])
    await store.claim_due("worker-1", at(10), at(70), 10)
    await store.release(failed.id, "worker-1", Outcome(DeliveryStatus.FAILED, 1, None), at(11))
    await store.release(
        succeeded.id, "worker-1", Outcome(DeliveryStatus.SUCCEEDED, 1, None), at(11)
    )
    await store.insert_deliveries([in_flight])
    await store.claim_due("worker-1", at(12), at(72), 10)

    pages: list[list[Delivery]] = []
    after = None
    while page := await store.list_deliveries(ACC, ALL_DELIVERIES, after, 2):
        pages.append(page)
        after = Keyset(page[-1].created_at, page[-1].id)

    assert [[(d.id, d.status) for d in page] for page in pages] == [
        [("dlv_5", DeliveryStatus.DELIVERING), ("dlv_4", DeliveryStatus.SUCCEEDED)],
        [("dlv_3", DeliveryStatus.DELIVERING), ("dlv_2", DeliveryStatus.FAILED)],
        [("dlv_1", DeliveryStatus.PENDING)],
    ]


async def test_the_status_filter_follows_every_change_of_status(store: Store) -> None:
    given = delivery(ACC, "prf_1", next_attempt_at=at(0))
    await store.insert_deliveries([given])

    async def listed(status: DeliveryStatus) -> list[str]:
        return ids(await store.list_deliveries(ACC, DeliveryFilter(status=status), None, 10))

    assert await listed(DeliveryStatus.PENDING) == [given.id]
    await store.claim_due("worker-1", at(10), at(70), 10)
    assert await listed(DeliveryStatus.PENDING) == []
    assert await listed(DeliveryStatus.DELIVERING) == [given.id]
    await store.release(given.id, "worker-1", Outcome(DeliveryStatus.FAILED, 1, None), at(15))
    assert await listed(DeliveryStatus.DELIVERING) == []
    assert await listed(DeliveryStatus.FAILED) == [given.id]
    await store.requeue(ACC, given.id, at(20))
    assert await listed(DeliveryStatus.FAILED) == []
    assert await listed(DeliveryStatus.PENDING) == [given.id]
    assert await listed(DeliveryStatus.SUCCEEDED) == []


async def test_a_used_idempotency_key_answers_the_stored_delivery(store: Store) -> None:
    first = delivery(ACC, "prf_1", idempotency_key="order-7")
    await store.insert_deliveries([first])
    await store.claim_due("worker-1", at(10), at(70), 10)
    again = delivery(ACC, "prf_1", idempotency_key="order-7", values={"changed": True})

    answered = await store.insert_deliveries([again])

    assert [d.id for d in answered] == [first.id]
    assert answered[0].status is DeliveryStatus.DELIVERING
    assert answered[0].values == first.values
    assert await store.get_delivery(ACC, again.id) is None
    assert [d.id for d in await store.list_deliveries(ACC, ALL_DELIVERIES, None, 10)] == [first.id]


async def test_a_key_repeated_within_one_batch_is_stored_once(store: Store) -> None:
    first = delivery(ACC, "prf_1", idempotency_key="k")
    other = delivery(ACC, "prf_1", idempotency_key="other")
    repeat = delivery(ACC, "prf_1", idempotency_key="k")

    answered = await store.insert_deliveries([first, other, repeat])

    assert answered == [first, other, first]
    assert await store.get_delivery(ACC, repeat.id) is None


async def test_idempotency_keys_are_per_account(store: Store) -> None:
    mine = delivery(ACC, "prf_1", idempotency_key="k")
    theirs = delivery(OTHER, "prf_2", idempotency_key="k")

    assert await store.insert_deliveries([mine]) == [mine]
    assert await store.insert_deliveries([theirs]) == [theirs]
    assert await store.get_delivery(OTHER, theirs.id) == theirs


async def test_deliveries_without_a_key_never_conflict(store: Store) -> None:
    batch = [delivery(ACC, "prf_1") for _ in range(3)]

    assert await store.insert_deliveries(batch) == batch
    assert await store.insert_deliveries(batch[:0]) == []
    assert len(await store.list_deliveries(ACC, ALL_DELIVERIES, None, 10)) == 3


# Claiming and leases


async def test_claiming_leases_due_deliveries_oldest_first_up_to_the_limit(store: Store) -> None:
    later = delivery(ACC, "prf_1", next_attempt_at=at(3))
    oldest = delivery(ACC, "prf_1", next_attempt_at=at(1))
    middle = delivery(ACC, "prf_1", next_attempt_at=at(2))
    await store.insert_deliveries([later, oldest, middle])

    claimed = await store.claim_due("worker-1", at(10), at(70), 2)

    assert [d.id for d in claimed] == [oldest.id, middle.id]
    assert claimed[0] == replace(
        oldest,
        status=DeliveryStatus.DELIVERING,
        lease_owner="worker-1",
        lease_expires_at=at(70),
        updated_at=at(10),
    )
    assert await store.get_delivery(ACC, oldest.id) == claimed[0]
    assert await store.get_delivery(ACC, later.id) == later


async def test_only_due_pending_deliveries_are_claimed(store: Store) -> None:
    due = delivery(ACC, "prf_1", next_attempt_at=at(10))
    not_yet = delivery(ACC, "prf_1", next_attempt_at=at(11))
    finished = [
        delivery(ACC, "prf_1", status=s, next_attempt_at=None)
        for s in (DeliveryStatus.SUCCEEDED, DeliveryStatus.FAILED, DeliveryStatus.CANCELLED)
    ]
    await store.insert_deliveries([due, not_yet, *finished])

    claimed = await store.claim_due("worker-1", at(10), at(70), 10)

    assert [d.id for d in claimed] == [due.id]


async def leased_to_worker_1(store: Store) -> Delivery:
    """A delivery worker-1 claimed at at(10) with a lease until at(70)."""
    given = delivery(ACC, "prf_1", next_attempt_at=at(0))
    await store.insert_deliveries([given])
    await store.claim_due("worker-1", at(10), at(70), 10)
    return given


async def test_a_leased_delivery_is_not_claimed_again_while_the_lease_lasts(store: Store) -> None:
    await leased_to_worker_1(store)

    assert await store.claim_due("worker-2", at(20), at(80), 10) == []
    assert await store.claim_due("worker-2", at(69.999), at(130), 10) == []


async def test_an_expired_lease_can_be_claimed_by_another_worker(store: Store) -> None:
    given = await leased_to_worker_1(store)

    claimed = await store.claim_due("worker-2", at(70), at(130), 10)

    assert [(d.id, d.lease_owner, d.lease_expires_at) for d in claimed] == [
        (given.id, "worker-2", at(130))
    ]


async def test_concurrent_claims_never_share_a_delivery(store: Store) -> None:
    due = [delivery(ACC, "prf_1", next_attempt_at=at(i)) for i in range(20)]
    await store.insert_deliveries(due)

    batches = await asyncio.gather(
        *(store.claim_due(f"worker-{n}", at(30), at(90), 6) for n in range(4))
    )

    claimed = [d.id for batch in batches for d in batch]
    assert len(claimed) == len(set(claimed)) == 20
    for n, batch in enumerate(batches):
        stored = await store.get_deliveries(ACC, [d.id for d in batch])
        assert {d.lease_owner for d in stored} <= {f"worker-{n}"}


async def test_the_lease_owner_releases_a_delivery_with_its_outcome(store: Store) -> None:
    given = delivery(ACC, "prf_1", next_attempt_at=at(0))
    await store.insert_deliveries([given])
    [claimed] = await store.claim_due("worker-1", at(10), at(70), 10)

    released = await store.release(
        given.id, "worker-1", Outcome(DeliveryStatus.PENDING, 1, at(40)), at(15)
    )

    assert released is True
    assert await store.get_delivery(ACC, given.id) == replace(
        claimed,
        status=DeliveryStatus.PENDING,
        attempt_count=1,
        next_attempt_at=at(40),
        lease_owner=None,
        lease_expires_at=None,
        updated_at=at(15),
    )


async def test_a_worker_that_lost_its_lease_cannot_release(store: Store) -> None:
    given = await leased_to_worker_1(store)
    [reclaimed] = await store.claim_due("worker-2", at(71), at(131), 10)

    released = await store.release(
        given.id, "worker-1", Outcome(DeliveryStatus.SUCCEEDED, 1, None), at(75)
    )

    assert released is False
    assert await store.get_delivery(ACC, given.id) == reclaimed


async def test_a_delivery_not_being_delivered_cannot_be_released(store: Store) -> None:
    given = delivery(ACC, "prf_1", lease_owner="worker-1")
    await store.insert_deliveries([given])

    assert (
        await store.release(given.id, "worker-1", Outcome(DeliveryStatus.FAILED, 1, None), at(1))
        is False
    )
    assert (
        await store.release(
            "dlv_missing", "worker-1", Outcome(DeliveryStatus.FAILED, 1, None), at(1)
        )
        is False
    )
    assert await store.get_delivery(ACC, given.id) == given


# Each attempt once


@pytest.fixture
async def rival(store: Store, request: pytest.FixtureRequest) -> AsyncIterator[Store]:
    """Another client of the same data, as a second process has: a MongoDB store of its own
    on the test's database; the embedded store lives in one process, so it is itself."""
    if not isinstance(store, MongoStore):
        yield store
        return
    other = MongoStore(
        request.getfixturevalue("mongodb_url"), request.getfixturevalue("mongo_database")
    )
    async with started(other) as opened:
        yield opened


async def test_a_delivery_two_clients_race_for_is_claimed_by_one(
    store: Store, rival: Store
) -> None:
    for r in range(10):
        await store.insert_deliveries([delivery(ACC, "prf_1", next_attempt_at=at(0))])

        batches = await asyncio.gather(
            store.claim_due("worker-1", at(10 + r), at(70 + r), 10),
            rival.claim_due("worker-2", at(10 + r), at(70 + r), 10),
        )

        assert sorted(len(b) for b in batches) == [0, 1]


async def taken_over_by_the_rival(store: Store, rival: Store) -> Delivery:
    """A delivery worker-1 claimed with a lease until at(70), and worker-2 claimed through
    `rival` when that lease ran out."""
    given = await leased_to_worker_1(store)
    await rival.claim_due("worker-2", at(70), at(130), 10)
    return given


async def test_a_resend_after_a_lease_ran_out_is_the_next_attempt_and_the_first_is_lost(
    store: Store, rival: Store
) -> None:
    given = await leased_to_worker_1(store)

    [resent] = await rival.claim_due("worker-2", at(70), at(130), 10)

    assert (resent.attempt_count, resent.lease_owner) == (1, "worker-2")
    assert await rival.list_attempts(ACC, [given.id]) == [
        Attempt(
            id=attempt_id(given.id, 1),
            account_id=ACC,
            profile_id="prf_1",
            delivery_id=given.id,
            channel=ChannelKind.SMS,
            number=1,
            trigger=AttemptTrigger.EVENT,
            outcome=AttemptOutcome.LOST,
            request=SentRequest("", "", (), None),
            status_code=None,
            response_body=None,
            duration_ms=60_000.0,
            error=LOST_ERROR,
            started_at=at(10),
        )
    ]


async def recorded_by_worker_1(store: Store, outcome: AttemptOutcome) -> tuple[Delivery, Attempt]:
    """A delivery whose attempt 1 worker-1 recorded with `outcome`, then stopped before
    finishing the delivery; its lease runs until at(70)."""
    given = await leased_to_worker_1(store)
    recorded = attempt(ACC, given.id, id=attempt_id(given.id, 1), outcome=outcome)
    await store.insert_attempt(recorded)
    return given, recorded


async def test_a_success_recorded_before_the_lease_ran_out_finishes_the_delivery_unsent(
    store: Store, rival: Store
) -> None:
    # Given worker-1 recorded attempt 1 as a success, then stopped before finishing the delivery
    given, succeeded = await recorded_by_worker_1(store, AttemptOutcome.SUCCEEDED)

    # When another worker claims once the lease ran out
    claimed = await rival.claim_due("worker-2", at(70), at(130), 10)

    # Then nothing is sent again: the delivery is finished with the recorded attempt
    assert claimed == []
    assert await rival.claim_due("worker-2", at(200), at(260), 10) == []
    assert await rival.list_attempts(ACC, [given.id]) == [succeeded]
    assert await rival.get_delivery(ACC, given.id) == replace(
        given,
        status=DeliveryStatus.SUCCEEDED,
        attempt_count=1,
        next_attempt_at=None,
        lease_owner=None,
        lease_expires_at=None,
        updated_at=at(70),
    )


async def test_a_failure_recorded_before_the_lease_ran_out_is_followed_by_the_next_attempt(
    store: Store, rival: Store
) -> None:
    given, failed = await recorded_by_worker_1(store, AttemptOutcome.TIMEOUT)

    [resent] = await rival.claim_due("worker-2", at(70), at(130), 10)

    assert (resent.attempt_count, resent.lease_owner) == (1, "worker-2")
    assert await rival.list_attempts(ACC, [given.id]) == [failed]


async def test_attempt_numbers_keep_counting_after_a_lost_lease(store: Store, rival: Store) -> None:
    given = await taken_over_by_the_rival(store, rival)
    await rival.release(given.id, "worker-2", Outcome(DeliveryStatus.PENDING, 2, at(140)), at(80))

    [third] = await store.claim_due("worker-1", at(140), at(200), 10)

    assert third.attempt_count == 2
    assert await store.get_delivery(ACC, given.id) == replace(
        given,
        status=DeliveryStatus.DELIVERING,
        attempt_count=2,
        next_attempt_at=at(140),
        lease_owner="worker-1",
        lease_expires_at=at(200),
        updated_at=at(140),
    )


async def test_a_release_after_another_process_finished_the_delivery_changes_nothing(
    store: Store, rival: Store
) -> None:
    given = await taken_over_by_the_rival(store, rival)
    await rival.release(given.id, "worker-2", Outcome(DeliveryStatus.SUCCEEDED, 2, None), at(80))
    finished = await rival.get_delivery(ACC, given.id)

    released = await store.release(
        given.id, "worker-1", Outcome(DeliveryStatus.FAILED, 1, None), at(85)
    )

    assert released is False
    assert finished is not None and finished.status is DeliveryStatus.SUCCEEDED
    assert await store.get_delivery(ACC, given.id) == finished


async def test_the_lease_owner_releases_until_the_last_moment_of_its_lease(store: Store) -> None:
    given = await leased_to_worker_1(store)

    released = await store.release(
        given.id, "worker-1", Outcome(DeliveryStatus.SUCCEEDED, 1, None), at(69.9)
    )

    stored = await store.get_delivery(ACC, given.id)
    assert released is True
    assert stored is not None
    assert (stored.status, stored.attempt_count, stored.lease_owner) == (
        DeliveryStatus.SUCCEEDED,
        1,
        None,
    )


async def test_the_outcome_of_an_attempt_recorded_as_lost_is_refused(
    store: Store, rival: Store
) -> None:
    given = await taken_over_by_the_rival(store, rival)

    with pytest.raises(DuplicateRecord):
        await store.insert_attempt(attempt(ACC, given.id, id=attempt_id(given.id, 1)))
    assert [a.outcome for a in await store.list_attempts(ACC, [given.id])] == [AttemptOutcome.LOST]


async def test_cancelling_and_claiming_one_delivery_never_both_win(
    store: Store, rival: Store
) -> None:
    for r in range(5):
        given = delivery(ACC, f"prf_{r}", next_attempt_at=at(0))
        await store.insert_deliveries([given])

        claimed, cancelled = await asyncio.gather(
            store.claim_due("worker-1", at(10 + r), at(70 + r), 10),
            rival.cancel_pending(ACC, f"prf_{r}", at(10 + r)),
        )

        assert len(claimed) + cancelled == 1
        stored = await store.get_delivery(ACC, given.id)
        assert stored is not None
        assert stored.status is (DeliveryStatus.DELIVERING if claimed else DeliveryStatus.CANCELLED)


# Manual retry and cancelling


async def test_requeue_makes_a_failed_delivery_due_now_as_a_manual_retry(store: Store) -> None:
    failed = delivery(
        ACC, "prf_1", status=DeliveryStatus.FAILED, attempt_count=5, next_attempt_at=None
    )
    await store.insert_deliveries([failed])

    requeued = await store.requeue(ACC, failed.id, at(100))

    expected = replace(
        failed,
        status=DeliveryStatus.PENDING,
        next_attempt_at=at(100),
        manual_retry=True,
        updated_at=at(100),
    )
    assert requeued == expected
    assert await store.get_delivery(ACC, failed.id) == expected
    assert [d.id for d in await store.claim_due("worker-1", at(100), at(160), 10)] == [failed.id]


async def test_work_queued_by_this_process_wakes_its_claimer_before_the_call_returns(
    store: Store,
) -> None:
    # Given a claimer that asked to be woken
    woken: list[None] = []
    store.wake_on_work(lambda: woken.append(None))
    failed = delivery(
        ACC, "prf_1", status=DeliveryStatus.FAILED, attempt_count=5, next_attempt_at=None
    )
    due = delivery(ACC, "prf_2", next_attempt_at=at(0))

    # When a finished delivery is stored, then a due one, a failed one is retried by hand,
    # and a held one is resumed
    await store.insert_deliveries([failed])
    after_finished = len(woken)
    await store.insert_deliveries([due])
    after_due = len(woken)
    await store.requeue(ACC, failed.id, at(100))
    after_requeue = len(woken)
    [claimed] = await store.claim_due("worker-1", at(100), at(160), 1)
    await store.defer(claimed.id, "worker-1", None, at(101))
    before_resume = len(woken)
    await store.resume_held(ACC, "prf_2", at(102))
    after_resume = len(woken)

    # Then each but the finished delivery woke the claimer by the time its call returned
    assert claimed.id == due.id
    assert after_finished == 0
    assert after_due > after_finished
    assert after_requeue > after_due
    assert after_resume > before_resume


async def test_every_claimer_that_asked_is_woken_once_a_delivery_is_queued(store: Store) -> None:
    woken: list[str] = []
    store.wake_on_work(lambda: woken.append("first"))
    store.wake_on_work(lambda: woken.append("second"))

    await store.insert_deliveries([delivery(ACC, "prf_1", next_attempt_at=at(0))])

    assert woken == ["first", "second"]


@pytest.mark.parametrize(
    "status",
    [
        DeliveryStatus.PENDING,
        DeliveryStatus.DELIVERING,
        DeliveryStatus.SUCCEEDED,
        DeliveryStatus.CANCELLED,
    ],
)
async def test_only_a_failed_delivery_can_be_requeued(store: Store, status: DeliveryStatus) -> None:
    given = delivery(ACC, "prf_1", status=status)
    await store.insert_deliveries([given])

    assert await store.requeue(ACC, given.id, at(100)) is None
    assert await store.get_delivery(ACC, given.id) == given


async def test_another_account_cannot_requeue_or_cancel(store: Store) -> None:
    failed = delivery(ACC, "prf_1", status=DeliveryStatus.FAILED)
    pending = delivery(ACC, "prf_1")
    await store.insert_deliveries([failed, pending])

    assert await store.requeue(OTHER, failed.id, at(100)) is None
    assert await store.cancel_pending(OTHER, "prf_1", at(100)) == 0
    assert await store.get_deliveries(ACC, [failed.id, pending.id]) in (
        [failed, pending],
        [pending, failed],
    )


async def test_cancel_pending_cancels_only_the_pending_deliveries_of_the_profile(
    store: Store,
) -> None:
    pending = [delivery(ACC, "prf_1") for _ in range(2)]
    in_flight = delivery(ACC, "prf_1", next_attempt_at=at(0))
    other_profile = delivery(ACC, "prf_2")
    succeeded = delivery(ACC, "prf_1", status=DeliveryStatus.SUCCEEDED, next_attempt_at=None)
    await store.insert_deliveries([in_flight])
    [leased] = await store.claim_due("worker-1", at(1), at(61), 10)
    await store.insert_deliveries([*pending, other_profile, succeeded])

    cancelled = await store.cancel_pending(ACC, "prf_1", at(5))

    assert cancelled == 2
    for d in pending:
        assert await store.get_delivery(ACC, d.id) == replace(
            d, status=DeliveryStatus.CANCELLED, next_attempt_at=None, updated_at=at(5)
        )
    assert await store.get_delivery(ACC, in_flight.id) == leased
    assert await store.get_delivery(ACC, other_profile.id) == other_profile
    assert await store.get_delivery(ACC, succeeded.id) == succeeded


# Attempts


async def test_attempts_are_listed_oldest_first_for_the_given_deliveries(store: Store) -> None:
    second = attempt(ACC, "dlv_1", number=2, started_at=at(20))
    first = attempt(ACC, "dlv_1", number=1, started_at=at(10))
    of_other_delivery = attempt(ACC, "dlv_2", started_at=at(15))
    unrelated = attempt(ACC, "dlv_3", started_at=at(5))
    of_other_account = attempt(OTHER, "dlv_1", started_at=at(1))
    for a in (second, first, of_other_delivery, unrelated, of_other_account):
        await store.insert_attempt(a)

    listed = await store.list_attempts(ACC, ["dlv_1", "dlv_2"])

    assert listed == [first, of_other_delivery, second]


async def test_a_profile_test_attempt_without_delivery_reaches_followers(store: Store) -> None:
    feed = store.follow_attempts()
    test_attempt = attempt(
        ACC,
        None,
        profile_id=None,
        trigger=AttemptTrigger.TEST,
        outcome=AttemptOutcome.TIMEOUT,
        request=SentRequest("GET", "https://hooks.example.com/?a=1", (), None),
        status_code=None,
        response_body=None,
        error="timed out after 10 s",
    )

    await store.insert_attempt(test_attempt)

    assert await next_attempt(feed) == test_attempt
    assert await store.list_attempts(ACC, ["dlv_1"]) == []


async def test_followers_get_the_attempts_recorded_after_they_subscribed(store: Store) -> None:
    await store.insert_attempt(attempt(ACC, "dlv_0"))
    feed = store.follow_attempts()
    recorded = [attempt(ACC, "dlv_1"), attempt(OTHER, "dlv_2", number=2)]

    for a in recorded:
        await store.insert_attempt(a)

    assert [await next_attempt(feed), await next_attempt(feed)] == recorded
    assert await nothing_more(feed)


async def test_every_follower_gets_every_attempt(store: Store) -> None:
    feeds = [store.follow_attempts(), store.follow_attempts()]
    recorded = attempt(ACC, "dlv_1")

    await store.insert_attempt(recorded)

    assert [await next_attempt(f) for f in feeds] == [recorded, recorded]


async def test_closing_the_store_ends_its_followers(store: Store) -> None:
    feed = store.follow_attempts()

    await store.close()

    async with asyncio.timeout(WAIT):
        assert [a async for a in feed] == []


async def test_records_read_back_are_copies(store: Store) -> None:
    given = delivery(ACC, "prf_1", values={"n": 1})
    await store.insert_deliveries([given])
    read = await store.get_delivery(ACC, given.id)
    assert read is not None

    read.values["n"] = 2
    given.values["n"] = 3

    assert await store.get_delivery(ACC, given.id) == replace(given, values={"n": 1})


async def test_an_attempt_id_is_stored_once(store: Store) -> None:
    given = attempt(ACC, "dlv_1")
    await store.insert_attempt(given)

    with pytest.raises(DuplicateRecord):
        await store.insert_attempt(replace(given, number=2))
    assert await store.list_attempts(ACC, ["dlv_1"]) == [given]


async def test_attempts_recorded_together_are_refused_one_by_one(store: Store) -> None:
    stored = attempt(ACC, "dlv_1")
    await store.insert_attempt(stored)
    feed = store.follow_attempts()
    again, new = replace(stored, number=2), attempt(ACC, "dlv_2", started_at=at(1))

    results = await asyncio.gather(
        store.insert_attempt(again), store.insert_attempt(new), return_exceptions=True
    )

    assert [type(r) for r in results] == [DuplicateRecord, type(None)]
    assert await store.list_attempts(ACC, ["dlv_1", "dlv_2"]) == [stored, new]
    assert await next_attempt(feed) == new
    assert await nothing_more(feed)


# Expiry


async def test_expiry_deletes_what_finished_before_the_cutoff_with_its_attempts(
    store: Store,
) -> None:
    old = {"created_at": at(0), "updated_at": at(10)}
    succeeded = delivery(ACC, "prf", status=DeliveryStatus.SUCCEEDED, **old)
    failed = delivery(OTHER, "prf", status=DeliveryStatus.FAILED, **old)
    cancelled = delivery(ACC, "prf", status=DeliveryStatus.CANCELLED, next_attempt_at=None, **old)
    recent = delivery(ACC, "prf", status=DeliveryStatus.SUCCEEDED, updated_at=at(60))
    pending = delivery(ACC, "prf", status=DeliveryStatus.PENDING, **old)
    leased = delivery(
        ACC,
        "prf",
        status=DeliveryStatus.DELIVERING,
        lease_owner="worker-1",
        lease_expires_at=at(20),
        **old,
    )
    await store.insert_deliveries([succeeded, failed, cancelled, recent, pending, leased])
    for d in (succeeded, failed, recent, pending):
        await store.insert_attempt(attempt(d.account_id, d.id, started_at=at(5)))
    old_test = attempt(ACC, None, started_at=at(5))
    new_test = attempt(ACC, None, started_at=at(55))
    await store.insert_attempt(old_test)
    await store.insert_attempt(new_test)

    expired = await store.expire(at(50))

    assert (expired.deliveries, expired.attempts) == (3, 3)
    for gone in (succeeded, cancelled):
        assert await store.get_delivery(ACC, gone.id) is None
    assert await store.get_delivery(OTHER, failed.id) is None
    listed = await store.list_deliveries(ACC, ALL_DELIVERIES, None, 10)
    assert sorted(ids(listed)) == sorted([recent.id, pending.id, leased.id])
    finished = DeliveryFilter(status=DeliveryStatus.SUCCEEDED)
    assert ids(await store.list_deliveries(ACC, finished, None, 10)) == [recent.id]
    kept = await store.list_attempts(ACC, [succeeded.id, recent.id, pending.id])
    assert sorted(a.delivery_id or "" for a in kept) == sorted([recent.id, pending.id])
    assert await store.list_attempts(OTHER, [failed.id]) == []
    assert await store.expire(at(50)) == Expired(deliveries=0, attempts=0)


async def test_an_expired_deliverys_idempotency_key_takes_a_new_delivery(store: Store) -> None:
    first = delivery(
        ACC, "prf", idempotency_key="k-1", status=DeliveryStatus.SUCCEEDED, updated_at=at(10)
    )
    await store.insert_deliveries([first])
    await store.expire(at(50))

    again = delivery(ACC, "prf", idempotency_key="k-1")
    answered = await store.insert_deliveries([again])

    assert ids(answered) == [again.id]
    assert await store.get_delivery(ACC, again.id) == again


async def test_a_failed_delivery_queued_again_is_not_expired(store: Store) -> None:
    failed = delivery(ACC, "prf", status=DeliveryStatus.FAILED, updated_at=at(10))
    await store.insert_deliveries([failed])
    await store.requeue(ACC, failed.id, at(60))

    expired = await store.expire(at(50))

    assert expired.deliveries == 0
    stored = await store.get_delivery(ACC, failed.id)
    assert stored is not None and stored.status is DeliveryStatus.PENDING
