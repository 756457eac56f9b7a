"""4. Live fan-out: N graphql-transport-ws subscribers of deliveryAttempts, each receiving
every attempt while reports are published at a steady rate (one attempt each); the delay runs
from the attempt being recorded (startedAt + durationMs) to its arrival at a subscriber, and
memory is the server's resident set grown per subscriber. The baseline is a bare
graphql-transport-ws broadcaster (bench.broadcaster) sending the same messages at the same
rate to the same subscriber processes.

On the embedded store only: subscribers of one server get that server's attempts straight
from the store in both stores, and on the FerretDB test server the MongoDB store cannot make
100 attempts a second to begin with (see scenario 1).
"""

from __future__ import annotations

import array
import asyncio
import json
import math
import subprocess
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench import receiving, server
from bench.api import Api
from bench.context import Context
from bench.pacing import paced
from bench.processes import Child, free_port, python, python_env, wait_http, wait_until
from bench.procstat import rss_bytes
from bench.receiving import Receiver
from bench.results import Row, Target
from bench.rounds import alternate
from bench.stats import percentile
from bench.stores import EMBEDDED

NAME = "4 live fan-out"
QUERY = "subscription { deliveryAttempts { id startedAt durationMs outcome } }"
P99_GOAL_MS = 100
GOAL_SUBSCRIBERS = 500
# Subscribers per client process: two processes for 500 share the work of reading.
PER_PROCESS = 250


@dataclass
class Group:
    """The subscriber processes of one run."""

    children: list[Child] = field(default_factory=list)
    outs: list[Path] = field(default_factory=list)

    def lines(self, prefix: str) -> list[str | None]:
        found: list[str | None] = []
        for child in self.children:
            last = None
            for line in child.output().splitlines():
                if line.startswith(prefix):
                    last = line
            found.append(last)
        return found

    def all_said(self, prefix: str) -> bool:
        return all(line is not None for line in self.lines(prefix))

    def received(self) -> int:
        return sum(int(line.split()[1]) for line in self.lines("received ") if line)


@dataclass
class Run:
    p50_ms: float
    p99_ms: float
    kib_per_subscriber: float
    details: dict[str, Any]


async def _subscribe(ctx: Context, url: str, key: str, n: int, name: str) -> Group:
    group = Group()
    processes = math.ceil(n / PER_PROCESS)
    for i in range(processes):
        count = n // processes + (1 if i < n % processes else 0)
        out = ctx.workdir / f"{name}-{i}"
        spec = {
            "url": url,
            "key": key,
            "count": count,
            "query": QUERY,
            "out": str(out),
            "seconds": 600,
        }
        path = ctx.workdir / f"{name}-{i}.spec.json"
        path.write_text(json.dumps(spec))
        group.children.append(
            ctx.children.spawn("subscribers", python("bench.subscribers", str(path)), python_env())
        )
        group.outs.append(out)
    for child in group.children:
        await wait_until(
            child, lambda: group.all_said("acked "), "every subscription sent", timeout=120
        )
    return group


async def _warm(ctx: Context, group: Group, nudge: Callable[[], Awaitable[None]]) -> None:
    """Makes attempts until every subscriber got one: then every subscription is live."""
    deadline = time.monotonic() + 60
    while not group.all_said("first ") and time.monotonic() < deadline:
        await nudge()
        for _ in range(20):
            if group.all_said("first "):
                break
            await asyncio.sleep(0.05)
    if not group.all_said("first "):
        raise RuntimeError("subscribers did not all receive an attempt within 60 s")
    # Let the last warm-up messages land, so the count read next is settled.
    await asyncio.sleep(0.5)


async def _drain(group: Group, expected: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while group.received() < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


def _collect(ctx: Context, group: Group) -> tuple[list[float], list[float], dict[str, Any]]:
    """Stops the subscriber processes; answers recorded times, delays, counts and errors."""
    for child in group.children:
        child.process.terminate()
    for child in group.children:
        try:
            child.process.wait(60)
        except subprocess.TimeoutExpired:
            ctx.log("a subscriber process did not stop; its results are lost")
        ctx.children.stop(child)
    recorded: list[float] = []
    delays: list[float] = []
    meta: dict[str, Any] = {"connections": 0, "acked": 0, "errors": 0, "error_samples": []}
    for out in group.outs:
        samples = array.array("d")
        bin_path, json_path = Path(f"{out}.bin"), Path(f"{out}.json")
        if bin_path.exists():
            samples.frombytes(bin_path.read_bytes())
        recorded += samples[0::2].tolist()
        delays += samples[1::2].tolist()
        if json_path.exists():
            got = json.loads(json_path.read_text())
            meta["connections"] += got["count"]
            meta["acked"] += got["acked"]
            meta["errors"] += got["error_count"]
            meta["error_samples"] += got["errors"][:3]
    return recorded, delays, meta


def _result(
    ctx: Context,
    group: Group,
    n: int,
    attempts: int,
    since: float,
    memory: tuple[int, int, int],
    lag: float,
) -> Run:
    recorded, delays, meta = _collect(ctx, group)
    measured = [d * 1000 for r, d in zip(recorded, delays, strict=True) if r >= since]
    missing = max(0, n * attempts - len(measured))
    # A message that never came is infinitely late: it can only raise a percentile.
    measured += [math.inf] * missing
    before, subscribed, loaded = memory
    return Run(
        percentile(measured, 50),
        percentile(measured, 99),
        (subscribed - before) / n / 1024,
        {
            "subscribers": n,
            "attempts": attempts,
            "messages_expected": n * attempts,
            "missing": missing,
            "rss_mib_before": before / 2**20,
            "rss_mib_subscribed": subscribed / 2**20,
            "rss_mib_after_load": loaded / 2**20,
            "schedule_lag_max_ms": lag * 1000,
            **meta,
        },
    )


async def _project(ctx: Context, receiver: Receiver, n: int, round_no: int) -> Run:
    plan = ctx.plan
    env = await ctx.stores.env(EMBEDDED, f"fan{n}-{round_no}")
    srv = await server.start(ctx.children, env, workers=plan.workers)
    api = Api(srv.graphql, srv.key)
    group = Group()
    try:
        profile = await api.create_profile(receiver.hook, "fanout")
        await receiver.reset()
        warm = 0

        async def nudge() -> None:
            nonlocal warm
            warm += 1
            await api.publish(profile, [f"warm-{warm}"])

        # One attempt before measuring memory, so that the code paths are loaded.
        await nudge()
        await receiver.wait_unique(1, 10)
        before = rss_bytes(srv.pid)
        group = await _subscribe(ctx, srv.ws, srv.key, n, f"fan-p{n}-{round_no}")
        await _warm(ctx, group, nudge)
        subscribed = rss_bytes(srv.pid)
        expected = group.received() + n * int(plan.fan_rate * plan.fan_seconds)
        since = time.time()
        attempts = int(plan.fan_rate * plan.fan_seconds)

        async def publish(i: int) -> None:
            await api.publish(profile, [f"load-{i}"])

        lag = await paced(plan.fan_rate, attempts, publish)
        loaded = rss_bytes(srv.pid)
        await _drain(group, expected, plan.fan_drain_seconds)
        return _result(ctx, group, n, attempts, since, (before, subscribed, loaded), lag)
    finally:
        for child in group.children:
            ctx.children.stop(child)
        await api.close()
        ctx.children.stop(srv.child)


async def _baseline(ctx: Context, n: int, round_no: int) -> Run:
    plan = ctx.plan
    port = free_port()
    child = ctx.children.spawn("broadcaster", python("bench.broadcaster", str(port)), python_env())
    group = Group()
    try:
        base = f"http://127.0.0.1:{port}"
        await wait_http(child, f"{base}/stats")
        async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=30) as client:

            async def emit(count: int) -> None:
                response = await client.post("/emit", json={"count": count, "rate": plan.fan_rate})
                response.raise_for_status()

            await emit(1)
            before = rss_bytes(child.pid)
            ws = f"ws://127.0.0.1:{port}/graphql"
            group = await _subscribe(ctx, ws, "bench", n, f"fan-b{n}-{round_no}")
            await _warm(ctx, group, lambda: emit(1))
            subscribed = rss_bytes(child.pid)
            attempts = int(plan.fan_rate * plan.fan_seconds)
            emitted = (await client.get("/stats")).json()["emitted"]
            expected = group.received() + n * attempts
            since = time.time()
            await emit(attempts)
            deadline = time.monotonic() + plan.fan_seconds * 2 + 10
            while (await client.get("/stats")).json()["emitted"] < emitted + attempts:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.1)
            loaded = rss_bytes(child.pid)
            await _drain(group, expected, plan.fan_drain_seconds)
            return _result(ctx, group, n, attempts, since, (before, subscribed, loaded), 0.0)
    finally:
        for sub in group.children:
            ctx.children.stop(sub)
        ctx.children.stop(child)


async def run(ctx: Context) -> list[Row]:
    plan = ctx.plan
    rows: list[Row] = []
    async with receiving.running(ctx.children) as receiver:
        for n in plan.fan_subscribers:
            rows += await _compare(ctx, receiver, n)
    return rows


async def _compare(ctx: Context, receiver: Receiver, n: int) -> list[Row]:
    async def measure_project(r: int) -> Run:
        return await _project(ctx, receiver, n, r)

    async def measure_baseline(r: int) -> Run:
        return await _baseline(ctx, n, r)

    def report(r: int, which: str, got: Run) -> None:
        ctx.log(
            f"fan-out {n} round {r + 1} {which}: p99 {got.p99_ms:.1f} ms, "
            f"{got.kib_per_subscriber:.0f} KiB/subscriber, "
            f"missing {got.details['missing']}, errors {got.details['errors']}"
        )

    project, baseline = await alternate(
        ctx.plan.fan_rounds, measure_project, measure_baseline, report
    )
    return _rows(ctx, n, project, baseline)


def _rows(ctx: Context, n: int, project: list[Run], baseline: list[Run]) -> list[Row]:
    rate = f"{ctx.plan.fan_rate:g} attempts/s"
    missing = sum(r.details["missing"] for r in project)
    note = f"{missing} messages missing (counted as infinitely late)" if missing else ""
    details = {
        "p50_ms": [r.p50_ms for r in project],
        "baseline_p50_ms": [r.p50_ms for r in baseline],
        "project_runs": [r.details for r in project],
        "baseline_runs": [r.details for r in baseline],
    }
    return [
        Row(
            scenario=NAME,
            store=EMBEDDED,
            measure=f"p99 delay ms, {n} subscribers, {rate}",
            unit="ms",
            project=[r.p99_ms for r in project],
            baseline=[r.p99_ms for r in baseline],
            target=Target("project", "<", P99_GOAL_MS) if n >= GOAL_SUBSCRIBERS else None,
            ratio_kind="",
            note=note,
            details=details,
        ),
        Row(
            scenario=NAME,
            store=EMBEDDED,
            measure=f"server memory KiB per subscriber, {n} subscribers",
            unit="KiB",
            project=[r.kib_per_subscriber for r in project],
            baseline=[r.kib_per_subscriber for r in baseline],
            ratio_kind="",
        ),
    ]
