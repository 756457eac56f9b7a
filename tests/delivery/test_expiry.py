"""Finished deliveries older than the retention are deleted when the process starts and then
every interval; a run that fails is logged and the next one still comes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from delivery.expiry import Expiry
from domain import clock
from domain.models import Delivery, DeliveryStatus
from domain.store import Expired
from storage import MemoryStore
from tests.support.factories import delivery

ACC = "acc_one"
RETENTION = timedelta(days=1)
INTERVAL = 0.05


def finished(updated: datetime) -> Delivery:
    return delivery(
        ACC, "prf", status=DeliveryStatus.SUCCEEDED, created_at=updated, updated_at=updated
    )


async def gone(store: MemoryStore, delivery_id: str, within: float = 5) -> bool:
    async with asyncio.timeout(within):
        while await store.get_delivery(ACC, delivery_id) is not None:
            await asyncio.sleep(INTERVAL / 2)
    return True


class FailingOnceStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.runs = 0

    async def expire(self, before: datetime) -> Expired:
        self.runs += 1
        if self.runs == 1:
            raise ConnectionError("database unreachable")
        return await super().expire(before)


async def test_old_finished_deliveries_go_on_start_and_on_each_interval() -> None:
    store = MemoryStore()
    now = clock.now()
    old, fresh = finished(now - 3 * RETENTION), finished(now)
    await store.insert_deliveries([old, fresh])
    expiry = Expiry(store, RETENTION, interval=INTERVAL)

    expiry.start()
    try:
        assert await gone(store, old.id)
        later = finished(clock.now() - 2 * RETENTION)
        await store.insert_deliveries([later])
        assert await gone(store, later.id)
    finally:
        await expiry.stop()

    assert await store.get_delivery(ACC, fresh.id) == fresh


async def test_a_failed_run_is_logged_and_the_next_one_comes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = FailingOnceStore()
    old = finished(clock.now() - 3 * RETENTION)
    await store.insert_deliveries([old])
    expiry = Expiry(store, RETENTION, interval=INTERVAL)

    expiry.start()
    try:
        assert await gone(store, old.id)
    finally:
        await expiry.stop()

    assert store.runs >= 2
    assert "expiring old deliveries failed; trying again next time" in caplog.text
