"""`python -m bench.health [--reports N] [--rate R] [--workers N] [--failures N]`: a rate limit
kept by several processes, and how soon an auto-disable reaches a subscriber.

Starts FerretDB (or uses MONGODB_URL) and the bench receiver, then:

1. A server without workers and `--workers` worker processes on one database; a profile
   limited to `--rate` callbacks per second; `--reports` reports published through the
   server. Prints the achieved rate (callbacks after the first over the time to the last),
   and the most callbacks that arrived in any 1-second and any 10-second window, against
   what the limit allows there.
2. A server whose profiles are auto-disabled after `--failures` failures (and no wait), one
   attempt per delivery, and a profile whose endpoint refuses connections; a subscriber of
   profileEvents; `--failures` + 50 reports. Prints the time from the end of the
   `--failures`th failed attempt (its startedAt + durationMs) to the AUTO_DISABLED event
   reaching the subscriber.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

from bench import receiving, server
from bench.api import CREATE_PROFILE, Api
from bench.processes import Children, free_port, python, python_env
from bench.stores import MONGODB, Stores, standalone

BATCH = 1000
WAIT_SECONDS = 600
EVENTS = "subscription { profileEvents { kind at } }"
FAILED_ATTEMPTS = """
query ($id: ID!, $after: String) {
  deliveries(profileId: $id, first: 100, after: $after) {
    edges { node { attempts { startedAt durationMs outcome } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench.health", description=__doc__)
    parser.add_argument("--reports", type=int, default=2000, help="reports to the limited profile")
    parser.add_argument("--rate", type=float, default=50, help="the profile's maxPerSecond")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--failures", type=int, default=100, help="failures that auto-disable")
    return parser


def worst_window(at: Sequence[float], seconds: float) -> int:
    """The most arrivals within any `seconds`-long window."""
    worst = 0
    start = 0
    for end, t in enumerate(at):
        while t - at[start] >= seconds:
            start += 1
        worst = max(worst, end - start + 1)
    return worst


async def _create(api: Api, endpoint: str, **extra: Any) -> str:
    data = await api.execute(
        CREATE_PROFILE,
        {
            "input": {
                "title": "health",
                "channel": "SMS",
                "httpMethod": "POST",
                "endpoint": endpoint,
                "variables": ["status", "ref"],
                **extra,
            }
        },
    )
    profile_id: str = data["createCallbackProfile"]["callbackProfile"]["id"]
    return profile_id


async def _publish(api: Api, profile_id: str, reports: int) -> None:
    for first in range(0, reports, BATCH):
        await api.publish(profile_id, [f"r-{i}" for i in range(first, min(first + BATCH, reports))])


async def rate_limit(
    children: Children, stores: Stores, reports: int, rate: float, workers: int
) -> str:
    env = await stores.env(MONGODB, "limit")
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
            profile_id = await _create(api, receiver.hook, maxPerSecond=rate)
            await _publish(api, profile_id, reports)
            stats = await receiver.wait_unique(reports, WAIT_SECONDS, poll=0.5)
            arrivals = await receiver.arrivals()
    finally:
        await api.close()
    at = sorted(arrivals.at)
    achieved = (len(at) - 1) / (at[-1] - at[0])
    one, ten = worst_window(at, 1), worst_window(at, 10)
    return (
        f"limit {rate:g}/s, {reports} reports, {workers} workers: {stats.unique} delivered, "
        f"{len(at)} callbacks, achieved {achieved:.2f}/s; worst 1 s window {one} "
        f"({one / rate - 1:+.1%} against {rate:g}), worst 10 s window {ten} "
        f"({ten / (10 * rate) - 1:+.1%} against {10 * rate:g})"
    )


async def _first_auto_disable(ws_url: str, key: str, ready: asyncio.Event) -> float:
    async with connect(ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": key}}))
        await ws.recv()
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": EVENTS}}))
        ready.set()
        async for raw in ws:
            at = time.time()
            message = json.loads(raw)
            if message.get("type") == "ping":
                await ws.send('{"type":"pong"}')
            elif message.get("type") == "next":
                event = message["payload"]["data"]["profileEvents"]
                if event["kind"] == "AUTO_DISABLED":
                    return at
    raise RuntimeError("the subscription ended before the auto-disable")


async def _failure_ends(api: Api, profile_id: str) -> list[float]:
    ends: list[float] = []
    after = None
    while True:
        page = (await api.execute(FAILED_ATTEMPTS, {"id": profile_id, "after": after}))[
            "deliveries"
        ]
        for edge in page["edges"]:
            for a in edge["node"]["attempts"]:
                if a["outcome"] != "SUCCEEDED":
                    started = datetime.fromisoformat(a["startedAt"]).timestamp()
                    ends.append(started + a["durationMs"] / 1000)
        if not page["pageInfo"]["hasNextPage"]:
            return sorted(ends)
        after = page["pageInfo"]["endCursor"]


async def auto_disable(children: Children, stores: Stores, failures: int) -> str:
    env = await stores.env(MONGODB, "disable")
    env |= {
        "CALLBACKD_DISABLE_AFTER_HOURS": "0",
        "CALLBACKD_DISABLE_AFTER_FAILURES": str(failures),
        "CALLBACKD_MAX_ATTEMPTS": "1",
    }
    api_server = await server.start(children, env)
    api = Api(api_server.graphql, api_server.key)
    try:
        profile_id = await _create(api, f"http://127.0.0.1:{free_port()}/closed")
        ready = asyncio.Event()
        event = asyncio.create_task(
            _first_auto_disable(api_server.ws, f"Bearer {api_server.key}", ready)
        )
        await ready.wait()
        # graphql-transport-ws acknowledges the connection, not the subscription.
        await asyncio.sleep(0.5)
        await _publish(api, profile_id, failures + 50)
        arrived = await asyncio.wait_for(event, WAIT_SECONDS)
        ends = await _failure_ends(api, profile_id)
    finally:
        await api.close()
    latency = arrived - ends[failures - 1]
    return (
        f"auto-disable after {failures} failures: event at the subscriber "
        f"{latency * 1000:.0f} ms after the {failures}th failure ended "
        f"({len(ends)} failed attempts made in all)"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    with standalone("callbackd-health-") as (children, stores):
        print(
            asyncio.run(rate_limit(children, stores, args.reports, args.rate, args.workers)),
            flush=True,
        )
        print(asyncio.run(auto_disable(children, stores, args.failures)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
