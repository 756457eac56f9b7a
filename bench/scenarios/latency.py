"""2. Publish-to-receipt delay: one report per publish call at a steady rate; the delay runs
from the start of the publish call to the callback's arrival at the receiver. The baseline
sends the same callbacks straight to the receiver on the same schedule: the floor that the
bench, the loopback network and the receiver set."""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench import database_commands, receiving, rendered, server
from bench.api import Api, GraphQLError
from bench.context import Context
from bench.pacing import paced
from bench.receiving import Receiver
from bench.results import Row, Target
from bench.rounds import alternate
from bench.stats import percentile
from bench.stores import EMBEDDED, MONGODB

NAME = "2 publish-to-receipt"
# The p99 publish-to-receipt aims at 100 reports a second, by store.
P99_GOAL_MS = {EMBEDDED: 10.0, MONGODB: 100.0}
# Claim, attempt, finish and feed: the database commands a callback should cost at most once
# published.
COMMANDS_GOAL = 4.0
# Sends the report or callback of one ref (with its index), returning once answered.
Send = Callable[[str, int], Awaitable[None]]


@dataclass
class Run:
    p50_ms: float
    p99_ms: float
    details: dict[str, Any]


def _delays(sent: dict[str, float], arrivals: receiving.Arrivals) -> tuple[list[float], int]:
    """Milliseconds from sending to the first arrival of each ref; and how many never came.
    A missing one counts as infinitely late, so it can only raise a percentile."""
    first: dict[str, float] = {}
    for at, ref in zip(arrivals.at, arrivals.refs, strict=True):
        first.setdefault(ref, at)
    delays = [(first[ref] - t) * 1000 for ref, t in sent.items() if ref in first]
    missing = len(sent) - len(delays)
    return delays + [math.inf] * missing, missing


async def _measure(ctx: Context, receiver: Receiver, prefix: str, send: Send, drain: float) -> Run:
    plan = ctx.plan
    count = int(plan.lat_rate * plan.lat_seconds)
    await receiver.reset()
    sent: dict[str, float] = {}
    calls: list[float] = []
    failed: list[str] = []

    async def one(i: int) -> None:
        ref = f"{prefix}-{i}"
        sent[ref] = time.time()
        try:
            await send(ref, i)
        except (httpx.HTTPError, GraphQLError) as e:
            # Counted as missing (infinitely late) unless it arrives anyway, never fatal.
            failed.append(f"{type(e).__name__}: {e}"[:200])
            return
        calls.append((time.time() - sent[ref]) * 1000)

    lag = await paced(plan.lat_rate, count, one)
    await receiver.wait_unique(count, drain)
    delays, missing = _delays(sent, await receiver.arrivals())
    return Run(
        percentile(delays, 50),
        percentile(delays, 99),
        {
            "reports": count,
            "missing": missing,
            "failed_calls": len(failed),
            "failure_samples": failed[:3],
            "max_ms": max(delays) if delays else math.nan,
            "call_p50_ms": percentile(calls, 50),
            "call_p99_ms": percentile(calls, 99),
            "schedule_lag_max_ms": lag * 1000,
        },
    )


async def _project(ctx: Context, store: str, receiver: Receiver, round_no: int) -> Run:
    env = await ctx.stores.env(store, f"lat{round_no}")
    srv = await server.start(ctx.children, env, workers=ctx.plan.workers)
    api = Api(srv.graphql, srv.key)
    try:
        profile = await api.create_profile(receiver.hook, "latency")

        async def publish(ref: str, _: int) -> None:
            await api.publish(profile, [ref])

        before = await database_commands.counted(api.client, srv.base)
        run = await _measure(ctx, receiver, f"p{round_no}", publish, ctx.plan.lat_drain_seconds)
        reports = run.details["reports"]
        after = await database_commands.counted_once_released(api.client, srv.base, reports)
        by_command = database_commands.per_callback(before, after, reports)
        run.details["database_commands_per_callback"] = sum(by_command.values())
        run.details["database_commands_after_publishing"] = database_commands.after_publishing(
            by_command
        )
        run.details["database_commands_by_command"] = by_command
        return run
    finally:
        await api.close()
        ctx.children.stop(srv.child)


async def _baseline(ctx: Context, receiver: Receiver, round_no: int) -> Run:
    workers = ctx.plan.workers
    async with httpx.AsyncClient(
        timeout=10,
        limits=httpx.Limits(max_connections=workers, max_keepalive_connections=workers),
        trust_env=False,
    ) as client:

        async def post(ref: str, i: int) -> None:
            r = rendered.callback(receiver.hook, ref, i)
            response = await client.post(r["url"], headers=r["headers"], content=r["body"])
            response.raise_for_status()

        return await _measure(ctx, receiver, f"b{round_no}", post, ctx.plan.lat_drain_seconds)


async def run(ctx: Context) -> list[Row]:
    plan = ctx.plan
    rows: list[Row] = []
    async with receiving.running(ctx.children) as receiver:
        for store in plan.stores:
            rows += await _compare(ctx, store, receiver)
    return rows


async def _compare(ctx: Context, store: str, receiver: Receiver) -> list[Row]:
    async def measure_project(r: int) -> Run:
        return await _project(ctx, store, receiver, r)

    async def measure_baseline(r: int) -> Run:
        return await _baseline(ctx, receiver, r)

    def report(r: int, which: str, got: Run) -> None:
        commands = got.details.get("database_commands_per_callback")
        ctx.log(
            f"delay {store} round {r + 1} {which}: p50 {got.p50_ms:.1f} ms, "
            f"p99 {got.p99_ms:.1f} ms, missing {got.details['missing']}"
            + (f", {commands:.2f} database commands a callback" if commands else "")
        )

    project, baseline = await alternate(
        ctx.plan.lat_rounds, measure_project, measure_baseline, report
    )
    return _rows(ctx, store, project, baseline)


def _rows(ctx: Context, store: str, project: list[Run], baseline: list[Run]) -> list[Row]:
    rate = f"{ctx.plan.lat_rate:g}/s for {ctx.plan.lat_seconds:g} s"
    missing = sum(r.details["missing"] for r in project)
    note = ""
    if missing:
        note = (
            f"{missing} callbacks not received within {ctx.plan.lat_drain_seconds:g} s "
            "after the last publish (counted as infinitely late)"
        )
    details = {
        "project_runs": [r.details for r in project],
        "baseline_runs": [r.details for r in baseline],
    }
    rows = [
        Row(
            scenario=NAME,
            store=store,
            measure=f"median delay ms, {rate}",
            unit="ms",
            project=[r.p50_ms for r in project],
            baseline=[r.p50_ms for r in baseline],
            ratio_kind="",
            note=note,
        ),
        Row(
            scenario=NAME,
            store=store,
            measure=f"p99 delay ms, {rate}",
            unit="ms",
            project=[r.p99_ms for r in project],
            baseline=[r.p99_ms for r in baseline],
            target=Target("project", "<", P99_GOAL_MS[store]),
            ratio_kind="",
            note=note,
            details=details,
        ),
    ]
    if store == MONGODB:
        rows += [
            Row(
                scenario=NAME,
                store=store,
                measure=f"database commands per callback, {which}, {rate}",
                unit="commands",
                project=[r.details[key] for r in project],
                target=target,
                ratio_kind="",
                note=note,
            )
            for which, key, target, note in (
                (
                    "publish included",
                    "database_commands_per_callback",
                    None,
                    "by command and collection: the p99 row's database_commands_by_command",
                ),
                (
                    "after publishing",
                    "database_commands_after_publishing",
                    Target("project", "<=", COMMANDS_GOAL),
                    "publishing's own: the key read, the queue entry inserted",
                ),
            )
        ]
    return rows
