"""`python -m bench.retry_timing [--stored N] [--reports N] [--stores STORE ...]`: whether
retries fire on time, with many finished deliveries stored.

For each store, a fresh one gets `--stored` finished deliveries (`bench.seed`), then
`--reports` reports due at once go through the delivery engine of this process, as
`callbackd serve` runs it, to an endpoint on loopback that refuses connections: every
attempt fails at once and is retried, `MAX_ATTEMPTS - 1` times. Each retry's scheduled time
is taken as the store is told it, and its firing time is its attempt's start. A retry is
late past 10 % of its delay plus 100 ms. Starts FerretDB for the MongoDB store unless
MONGODB_URL is set.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from ipaddress import ip_network

import httpx

from bench import ferretdb, seed
from bench.commands import profile
from bench.stores import EMBEDDED, MONGODB, Stores, standalone
from callbackd import event_loop
from delivery.dispatch import Dispatcher
from delivery.engine import Engine, EngineSettings
from delivery.guard import Guard
from delivery.health import DisableRule, Health
from delivery.recorder import Recorder
from delivery.retry import RetryPolicy
from delivery.sender import Sender, new_client
from delivery.tokens import Tokens
from domain import clock
from domain.ids import sortable_id
from domain.models import DeliveryStatus
from domain.secretbox import SecretBox, generate_server_key, parse_server_keys
from domain.statuses import Statuses
from domain.store import Outcome, Store
from storage import MemoryStore
from storage.mongo import MongoStore

MAX_ATTEMPTS = 3
# Retries fall due spread over 40 % of this (the policy's jitter), the first after about
# this long, the second after about twice it.
RETRY_BASE_SECONDS = 5.0
CONCURRENCY = 32
TIMEOUT_SECONDS = 2.0
# A port nothing listens on: connections are refused at once.
REFUSING_ENDPOINT = "http://127.0.0.1:9/hook"


@dataclass(frozen=True, slots=True)
class Retry:
    delivery_id: str
    number: int
    scheduled: datetime
    delay: timedelta


@dataclass
class Schedule:
    """The retries the engine scheduled, as it released each delivery, and how many
    deliveries finished."""

    retries: dict[tuple[str, int], Retry] = field(default_factory=dict)
    finished: int = 0

    def released(self, delivery_id: str, outcome: Outcome, now: datetime) -> None:
        if outcome.status is not DeliveryStatus.PENDING or outcome.next_attempt_at is None:
            self.finished += 1
            return
        number = outcome.attempt_count + 1
        scheduled = outcome.next_attempt_at
        self.retries[(delivery_id, number)] = Retry(delivery_id, number, scheduled, scheduled - now)


class _ScheduledMemory(MemoryStore):
    def __init__(self, schedule: Schedule) -> None:
        super().__init__()
        self.schedule = schedule

    async def release(self, delivery_id: str, owner: str, outcome: Outcome, now: datetime) -> bool:
        released = await super().release(delivery_id, owner, outcome, now)
        if released:
            self.schedule.released(delivery_id, outcome, now)
        return released


class _ScheduledMongo(MongoStore):
    def __init__(self, url: str, database: str, schedule: Schedule) -> None:
        super().__init__(url, database)
        self.schedule = schedule

    async def release(self, delivery_id: str, owner: str, outcome: Outcome, now: datetime) -> bool:
        released = await super().release(delivery_id, owner, outcome, now)
        if released:
            self.schedule.released(delivery_id, outcome, now)
        return released


def _engine(store: Store, client: httpx.AsyncClient) -> Engine:
    """The engine `callbackd serve` wires, failing nothing but the endpoint: no profile is
    disabled for its failures."""
    box = SecretBox(parse_server_keys(generate_server_key()))
    sender = Sender(client, TIMEOUT_SECONDS)
    return Engine(
        store,
        Dispatcher(sender, Tokens(client, box, TIMEOUT_SECONDS), box),
        Recorder(store),
        RetryPolicy(MAX_ATTEMPTS, RETRY_BASE_SECONDS, RETRY_BASE_SECONDS),
        EngineSettings(concurrency=CONCURRENCY, lease_seconds=TIMEOUT_SECONDS * 5),
        Health(store, Statuses(store), DisableRule(timedelta(days=365), 10**9)),
    )


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _measure(store: Store, schedule: Schedule, name: str, stored: int, reports: int) -> str:
    await store.start()
    client = new_client(Guard((ip_network("127.0.0.0/8"),)), TIMEOUT_SECONDS, CONCURRENCY)
    engine = _engine(store, client)
    try:
        account_id = sortable_id("acc")
        given = replace(profile(account_id), endpoint=REFUSING_ENDPOINT)
        await store.insert_profile(given)
        for first in range(0, stored, seed.CHUNK):
            size = min(seed.CHUNK, stored - first)
            await store.insert_deliveries(seed.finished(account_id, given.id, size, first))
        engine.start()
        due = [
            replace(d, status=DeliveryStatus.PENDING, attempt_count=0, next_attempt_at=clock.now())
            for d in seed.finished(account_id, given.id, reports, stored)
        ]
        await store.insert_deliveries(due)
        # However long the retries take: a run that never ends says as much as a figure.
        while schedule.finished < reports:
            await asyncio.sleep(0.2)
        fired = {
            (a.delivery_id, a.number): a.started_at
            for first in range(0, reports, 100)
            for a in await store.list_attempts(account_id, [d.id for d in due[first : first + 100]])
        }
    finally:
        await engine.stop()
        await client.aclose()
        await store.close()
    late_by: list[float] = []
    over = 0
    for key, retry in schedule.retries.items():
        lateness = (fired[key] - retry.scheduled).total_seconds()
        late_by.append(lateness)
        if lateness > 0.1 * retry.delay.total_seconds() + 0.1:
            over += 1
    return (
        f"{name:>8}, {stored} stored: {over} of {len(late_by)} retries late past 10 % + "
        f"100 ms; fired after their time by median {statistics.median(late_by) * 1000:.0f} "
        f"ms, p99 {_percentile(late_by, 0.99) * 1000:.0f} ms, "
        f"max {max(late_by) * 1000:.0f} ms"
    )


async def _run(stores: Stores, names: list[str], stored: int, reports: int) -> list[str]:
    lines = []
    for name in names:
        schedule = Schedule()
        store: Store
        if name == EMBEDDED:
            store = _ScheduledMemory(schedule)
        else:
            env = await stores.env(MONGODB, "retrytiming")
            store = _ScheduledMongo(env["MONGODB_URL"], env["CALLBACKD_DATABASE"], schedule)
        label = name if name == EMBEDDED else stores.mongodb_server()
        lines.append(await _measure(store, schedule, label, stored, reports))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.retry_timing", description=__doc__)
    parser.add_argument("--stored", type=int, default=10_000)
    parser.add_argument("--reports", type=int, default=100)
    parser.add_argument(
        "--stores", nargs="+", choices=(EMBEDDED, MONGODB), default=[EMBEDDED, MONGODB]
    )
    parser.add_argument("--ferretdb-backend", choices=ferretdb.BACKENDS, default=ferretdb.SQLITE)
    args = parser.parse_args(argv)
    with standalone("callbackd-retry-timing-", args.ferretdb_backend) as (_, stores):
        for line in event_loop.run(_run(stores, args.stores, args.stored, args.reports)):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
