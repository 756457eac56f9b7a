"""`python -m bench.commands [--stored N ...] [--callbacks N]`: database commands per
delivered callback, counted with pymongo's command monitoring (the store's `on_command`).

For each size, a fresh database gets that many finished deliveries (`bench.seed`), then
`--callbacks` reports go the engine's way on the happy path: published in one batch,
claimed in batches of the engine's concurrency, the batch's profiles read for sending (a
copy kept from one batch to the next), the attempt recorded (stored and put on the feed),
the delivery released as succeeded. No HTTP is sent: the figure is the store's, and
carries over to a real MongoDB deployment. Starts FerretDB (on `--ferretdb-backend`, SQLite
by default) unless MONGODB_URL is set.

Each size is counted three ways: each delivery claimed and finished alone (a quiet engine,
where each report is sent before the next comes: nothing can be grouped, the worst case),
a batch's deliveries finishing one after another (claims grouped, finishes not), and all at
once (as many as the engine's workers, the best case); a busy engine's sends end somewhere
between.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta

from bench import ferretdb, seed
from bench.stores import MONGODB, Stores, standalone
from catalog import BodyFormat, ChannelKind, HttpMethod
from domain import clock
from domain.ids import attempt_id, sortable_id
from domain.models import (
    Attempt,
    AttemptOutcome,
    AttemptTrigger,
    Delivery,
    DeliveryStatus,
    Profile,
    SentRequest,
)
from domain.store import Outcome
from storage.mongo import MongoStore

CONCURRENCY = 32
LEASE = timedelta(seconds=60)


class _Counting:
    """The store's command observer (`storage.commands.Observer`): counts and times the
    commands that end while it is on, by name."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.micros: Counter[str] = Counter()
        self.on = False

    def clear(self) -> None:
        self.counts.clear()
        self.micros.clear()

    def __call__(self, name: str, collection: str, seconds: float, failed: bool) -> None:
        if self.on:
            self.counts[name] += 1
            self.micros[name] += round(seconds * 1e6)


def profile(account_id: str) -> Profile:
    """A profile of `account_id` for deliveries written straight into a store."""
    now = clock.now()
    return Profile(
        id=sortable_id("prf"),
        account_id=account_id,
        title="commands",
        channel=ChannelKind.SMS,
        event="SMS Send",
        http_method=HttpMethod.POST,
        endpoint="http://127.0.0.1:9/hook",
        variables=("status", "ref"),
        body_template={"status": "<status>", "ref": "<ref>"},
        body_format=BodyFormat.JSON,
        headers=(),
        encryption=None,
        response_message=None,
        sealed_signing_secrets=(),
        created_at=now,
        updated_at=now,
    )


# How each way claims and finishes: (claimed per batch, finished together, its name).
WAYS = (
    (1, False, "one at a time"),
    (CONCURRENCY, False, "one by one"),
    (CONCURRENCY, True, "all at once"),
)


async def _measure(
    url: str,
    database: str,
    stored: int,
    callbacks: int,
    way: tuple[int, bool, str],
    count: _Counting,
) -> str:
    batch_size, together, name = way
    store = MongoStore(url, database, on_command=count)
    await store.start()
    try:
        account_id = sortable_id("acc")
        given = profile(account_id)
        await store.insert_profile(given)
        for first in range(0, stored, seed.CHUNK):
            size = min(seed.CHUNK, stored - first)
            await store.insert_deliveries(seed.finished(account_id, given.id, size, first))
        reports = [
            replace(d, status=DeliveryStatus.PENDING, next_attempt_at=clock.now())
            for d in seed.finished(account_id, given.id, callbacks, stored)
        ]
        count.clear()
        count.on = True
        await store.insert_deliveries(reports)
        published = sum(count.counts.values())
        count.clear()
        delivered = 0
        while delivered < callbacks:
            now = clock.now()
            batch = await store.claim_due("commands", now, now + LEASE, batch_size)
            if batch:
                await store.profiles_for_sending(account_id, [given.id])

            async def deliver(delivery: Delivery, now: datetime = now) -> None:
                number = delivery.attempt_count + 1
                await store.insert_attempt(
                    Attempt(
                        id=attempt_id(delivery.id, number),
                        account_id=account_id,
                        profile_id=given.id,
                        delivery_id=delivery.id,
                        channel=ChannelKind.SMS,
                        number=number,
                        trigger=AttemptTrigger.EVENT,
                        outcome=AttemptOutcome.SUCCEEDED,
                        request=SentRequest("POST", given.endpoint, (), "{}"),
                        status_code=200,
                        response_body="ok",
                        duration_ms=1.0,
                        error=None,
                        started_at=now,
                    )
                )
                await store.release(
                    delivery.id,
                    "commands",
                    Outcome(DeliveryStatus.SUCCEEDED, number, None),
                    clock.now(),
                )

            if together:
                await asyncio.gather(*(deliver(d) for d in batch))
            else:
                for delivery in batch:
                    await deliver(delivery)
            delivered += len(batch)
        count.on = False
        total = sum(count.counts.values())
        kinds = ", ".join(
            f"{name} {n / callbacks:.2f} ({count.micros[name] / callbacks / 1000:.2f} ms)"
            for name, n in sorted(count.counts.items())
        )
        return (
            f"{stored:>7} stored, {name}: "
            f"{total / callbacks:.2f} commands per callback after "
            f"publishing ({published} commands to publish {callbacks}); per callback, "
            f"commands (and their time waited for): {kinds}"
        )
    finally:
        await store.close()


async def _run(stores: Stores, sizes: list[int], callbacks: int) -> list[str]:
    count = _Counting()
    lines = []
    for size in sizes:
        for i, way in enumerate(WAYS):
            env = await stores.env(MONGODB, f"commands{size}w{i}")
            lines.append(
                await _measure(
                    env["MONGODB_URL"], env["CALLBACKD_DATABASE"], size, callbacks, way, count
                )
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.commands", description=__doc__)
    parser.add_argument("--stored", type=int, nargs="+", default=[1_000, 10_000])
    parser.add_argument("--callbacks", type=int, default=320)
    parser.add_argument("--ferretdb-backend", choices=ferretdb.BACKENDS, default=ferretdb.SQLITE)
    args = parser.parse_args(argv)
    with standalone("callbackd-commands-", args.ferretdb_backend) as (_, stores):
        for line in asyncio.run(_run(stores, args.stored, args.callbacks)):
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
