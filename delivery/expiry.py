"""Deletes finished deliveries and their attempts once they are older than the retention.

Neither store keeps TTL indexes (FerretDB has none), so every process runs this on start and
then periodically; two processes running it at once delete nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from delivery import tasks
from domain import clock
from domain.store import Expired, Store

log = logging.getLogger("callbackd.expiry")

INTERVAL_SECONDS = 3600.0


class Expiry:
    def __init__(
        self, store: Store, retention: timedelta, interval: float = INTERVAL_SECONDS
    ) -> None:
        self._store = store
        self._retention = retention
        self._interval = interval
        self._runner: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._runner = asyncio.create_task(self._run(), name="expiry")

    async def stop(self) -> None:
        await tasks.cancel(self._runner)

    async def run_once(self) -> Expired:
        expired = await self._store.expire(clock.now() - self._retention)
        if expired.deliveries or expired.attempts:
            log.info(
                "expired %d finished deliveries and %d attempts older than %s",
                expired.deliveries,
                expired.attempts,
                self._retention,
            )
        return expired

    async def _run(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception:
                log.exception("expiring old deliveries failed; trying again next time")
            await asyncio.sleep(self._interval)
