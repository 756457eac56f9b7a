"""Store.backlog: deliveries of every account by status, how many are due, and since when
the longest-waiting one has been due; the same on both stores."""

from __future__ import annotations

from domain.models import DeliveryStatus
from domain.store import Backlog, Store
from tests.support.factories import at, delivery

NONE = dict.fromkeys(DeliveryStatus, 0)


async def test_an_empty_store_has_no_backlog(store: Store) -> None:
    assert await store.backlog(at(0)) == Backlog(NONE, 0, None)


async def test_deliveries_are_counted_by_status_across_accounts(store: Store) -> None:
    await store.insert_deliveries(
        [
            delivery("acc_a", "prf_1", next_attempt_at=at(100)),
            delivery("acc_b", "prf_2", next_attempt_at=at(100)),
            delivery("acc_a", "prf_1", status=DeliveryStatus.FAILED, next_attempt_at=None),
            delivery("acc_b", "prf_2", status=DeliveryStatus.SUCCEEDED, next_attempt_at=None),
            delivery("acc_b", "prf_2", status=DeliveryStatus.SUCCEEDED, next_attempt_at=None),
        ]
    )

    found = await store.backlog(at(0))

    assert found.by_status == {
        **NONE,
        DeliveryStatus.PENDING: 2,
        DeliveryStatus.FAILED: 1,
        DeliveryStatus.SUCCEEDED: 2,
    }
    assert (found.due, found.oldest_due_since) == (0, None)


async def test_due_counts_pending_ones_whose_time_came_and_expired_leases(store: Store) -> None:
    leased = delivery("acc_a", "prf_1", next_attempt_at=at(1))
    await store.insert_deliveries([leased])
    await store.claim_due("worker-1", at(2), at(5), 10)
    await store.insert_deliveries(
        [
            delivery("acc_a", "prf_1", next_attempt_at=at(8)),
            delivery("acc_b", "prf_2", next_attempt_at=at(9)),
            delivery("acc_b", "prf_2", next_attempt_at=at(11)),
        ]
    )

    before_expiry = await store.backlog(at(4))
    later = await store.backlog(at(10))

    assert (before_expiry.due, before_expiry.oldest_due_since) == (0, None)
    assert before_expiry.by_status[DeliveryStatus.DELIVERING] == 1
    assert (later.due, later.oldest_due_since) == (3, at(5))
