"""`python -m bench.rivals [--reports N] [--workers N]`: how many callbacks rival workers
send more than once.

Starts FerretDB (or uses MONGODB_URL), a server without workers, `--workers` worker
processes on the same database and the bench receiver, publishes `--reports` reports through
the server, waits until every delivery is recorded, and counts the callbacks the receiver got
for a webhook-id it had already got. The receiver answers every callback with 200, so each
delivery should arrive exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter

from bench import receiving, server
from bench.api import Api
from bench.processes import Children, python, python_env
from bench.stores import MONGODB, Stores, standalone

BATCH = 100
WAIT_SECONDS = 300


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench.rivals", description=__doc__)
    parser.add_argument("--reports", type=int, default=600, help="reports to publish")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    return parser


async def _run(children: Children, stores: Stores, reports: int, workers: int) -> str:
    env = await stores.env(MONGODB, "rivals")
    api_server = await server.start(children, env, workers=0)
    for n in range(workers):
        children.spawn(
            f"worker-{n}",
            python("callbackd.cli", "worker"),
            python_env(CALLBACKD_ALLOW_NETWORKS="127.0.0.0/8", **env),
        )
    api = Api(api_server.graphql, api_server.key)
    try:
        async with receiving.running(children) as receiver:
            profile = await api.create_profile(receiver.hook, "rivals")
            started = time.monotonic()
            for first in range(0, reports, BATCH):
                await api.publish(profile, [f"r-{i}" for i in range(first, first + BATCH)])
            deadline = started + WAIT_SECONDS
            while await api.unfinished() and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            seconds = time.monotonic() - started
            arrivals = await receiver.arrivals()
    finally:
        await api.close()
    per_id = Counter(arrivals.ids)
    twice = sum(1 for count in per_id.values() if count > 1)
    return (
        f"{workers} workers, {reports} reports: {len(per_id)} delivered, "
        f"{len(arrivals.ids)} callbacks received, {twice} sent more than once "
        f"({twice / max(len(per_id), 1):.0%}), in {seconds:.1f} s"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with standalone("callbackd-rivals-") as (children, stores):
        print(asyncio.run(_run(children, stores, args.reports, args.workers)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
