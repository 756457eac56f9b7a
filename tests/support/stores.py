"""Stores opened for a test: started, and closed once it is done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeVar

from domain.models import Delivery
from domain.store import Store
from tests.support.factories import at, delivery

S = TypeVar("S", bound=Store)


@asynccontextmanager
async def started(store: S) -> AsyncIterator[S]:
    await store.start()
    try:
        yield store
    finally:
        await store.close()


async def claimed_by_worker_1(store: Store, given: Delivery | None = None) -> Delivery:
    """`given` (by default a delivery due at at(0)) published and claimed by worker-1 at
    at(10) with a lease until at(70)."""
    if given is None:
        given = delivery("acc_one", "prf_1", next_attempt_at=at(0))
    await store.insert_deliveries([given])
    await store.claim_due("worker-1", at(10), at(70), 10)
    return given
