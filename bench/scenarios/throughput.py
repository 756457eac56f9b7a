"""1. Delivery throughput: reports published in batches until the last callback is received
and its delivery recorded, against a bare httpx client sending the same callbacks, and
against callbackd's own client sending them alone (what claiming, rendering, signing and
recording cost beside sending)."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

from bench import blaster, profiling, receiving, rendered, server
from bench.api import Api
from bench.context import Context
from bench.plan import FERRET
from bench.processes import python, python_env, wait_exit
from bench.procstat import cpu_seconds
from bench.receiving import Receiver
from bench.results import Row, Target
from bench.rounds import alternate
from bench.stores import EMBEDDED, MONGODB

NAME = "1 delivery throughput"
# Callbacks a second to bare httpx's: the embedded store should cost little beside sending;
# the MongoDB store's aim is for FerretDB, whose every command is dearer than MongoDB's.
TARGETS = {EMBEDDED: 0.9, MONGODB: 0.25}


@dataclass
class Run:
    rate: float
    complete: bool
    details: dict[str, Any]


async def _finished(api: Api, deadline: float) -> bool:
    """Waits until no delivery is pending or being delivered, i.e. all are recorded."""
    while time.monotonic() < deadline:
        if not await api.unfinished():
            return True
        await asyncio.sleep(0.02)
    return False


async def _project(ctx: Context, store: str, receiver: Receiver, round_no: int, cap: float) -> Run:
    plan = ctx.plan
    env = await ctx.stores.env(store, f"tp{round_no}")
    srv = await server.start(ctx.children, env, workers=plan.workers)
    api = Api(srv.graphql, srv.key)
    spy = None
    try:
        profile = await api.create_profile(receiver.hook, "throughput")
        await receiver.reset()
        if ctx.profile_dir is not None and round_no == 0:
            spy = profiling.start(ctx, srv.pid, f"throughput-{store}")
        cpu0, db0 = cpu_seconds(srv.pid), ctx.database_cpu_seconds(store)
        started = time.time()
        deadline = time.monotonic() + cap
        for first in range(0, plan.tp_reports, plan.tp_batch):
            refs = [f"tp{round_no}-{i}" for i in range(first, first + plan.tp_batch)]
            await api.publish(profile, refs[: plan.tp_reports - first])
        published = time.time() - started
        stats = await receiver.wait_unique(plan.tp_reports, deadline - time.monotonic())
        complete = stats.unique >= plan.tp_reports and await _finished(api, deadline)
        ended = time.time()
        cpu = cpu_seconds(srv.pid) - cpu0
        done = plan.tp_reports if complete else stats.unique
        details = {
            "callbacks": done,
            "seconds": ended - started,
            "publish_seconds": published,
            "duplicates": stats.count - stats.unique,
            "server_cpu_ms_per_callback": cpu * 1000 / max(done, 1),
        }
        if db0 is not None and (db1 := ctx.database_cpu_seconds(store)) is not None:
            details["db_cpu_ms_per_callback"] = (db1 - db0) * 1000 / max(done, 1)
        return Run(done / (ended - started), complete, details)
    finally:
        if spy is not None:
            profiling.stop(ctx, spy)
        await api.close()
        ctx.children.stop(srv.child)


async def _baselines(
    ctx: Context, receiver: Receiver, requests_file: str, cap: float
) -> tuple[Run, Run]:
    """Bare httpx's run, then callbackd's own client's."""
    bare = await _baseline(ctx, receiver, requests_file, cap, blaster.HTTPX)
    return bare, await _baseline(ctx, receiver, requests_file, cap, blaster.CALLBACKD)


async def _baseline(
    ctx: Context, receiver: Receiver, requests_file: str, cap: float, client: str
) -> Run:
    await receiver.reset()
    child = ctx.children.spawn(
        f"blaster-{client}",
        python("bench.blaster", requests_file, str(ctx.plan.workers), client),
        python_env(),
    )
    try:
        await wait_exit(child, "sending", cap)
    finally:
        ctx.children.stop(child)
    result = json.loads(child.output().strip().splitlines()[-1])
    stats = await receiver.stats()
    seconds = result["finished"] - result["started"]
    return Run(
        stats.unique / seconds,
        stats.unique >= ctx.plan.tp_reports and result["failed"] == 0,
        {"callbacks": stats.unique, "seconds": seconds, "failed": result["failed"]},
    )


async def run(ctx: Context) -> list[Row]:
    plan = ctx.plan
    rows = []
    async with receiving.running(ctx.children) as receiver:
        requests_file = ctx.workdir / "throughput-requests.json"
        requests_file.write_text(
            json.dumps(
                [rendered.callback(receiver.hook, f"bl-{i}", i) for i in range(plan.tp_reports)]
            )
        )
        for store in plan.stores:
            rows += await _compare(ctx, store, receiver, str(requests_file))
    return rows


async def _compare(ctx: Context, store: str, receiver: Receiver, requests_file: str) -> list[Row]:
    cap = ctx.plan.tp_cap_seconds
    if ctx.on_ferret(store):
        cap = min(cap, FERRET.tp_cap_seconds)

    async def measure_project(r: int) -> Run:
        return await _project(ctx, store, receiver, r, cap)

    async def measure_baselines(_: int) -> tuple[Run, Run]:
        # The bare clients use no database, so FerretDB's limit is not theirs.
        return await _baselines(ctx, receiver, requests_file, ctx.plan.tp_cap_seconds)

    def report(r: int, which: str, got: Run | tuple[Run, Run]) -> None:
        runs = got if isinstance(got, tuple) else (got,)
        rates = " and ".join(f"{run.rate:.0f}" for run in runs)
        ctx.log(f"throughput {store} round {r + 1} {which}: {rates} callbacks/s")

    runs, baselines = await alternate(
        ctx.plan.tp_rounds, measure_project, measure_baselines, report
    )
    return [
        _row(ctx, store, runs, [b for b, _ in baselines], cap, "bare httpx", TARGETS[store]),
        _row(ctx, store, runs, [c for _, c in baselines], cap, "callbackd's client alone", None),
    ]


def _row(
    ctx: Context,
    store: str,
    project: list[Run],
    baseline: list[Run],
    cap: float,
    against: str,
    target: float | None,
) -> Row:
    note = ""
    if not all(r.complete for r in project):
        note = (
            f"stopped after {cap:g} s with callbacks still queued; rate = callbacks received / time"
        )
    return Row(
        scenario=NAME,
        store=store,
        measure=f"callbacks/s, {ctx.plan.tp_reports} reports, to {against}",
        unit="callbacks/s",
        project=[r.rate for r in project],
        baseline=[r.rate for r in baseline],
        target=None if target is None else Target("ratio", ">=", target),
        note=note,
        details={
            "project_runs": [{"complete": r.complete, **r.details} for r in project],
            "baseline_runs": [{"complete": r.complete, **r.details} for r in baseline],
        },
    )
