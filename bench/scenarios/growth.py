"""5. Growth: delivery cost (server CPU milliseconds per callback) and query latency as the
store grows from the first size to the last. One bench host per store; before each size the
store is grown with finished deliveries (bench.seed), then the same batch of reports is
published and delivered, and the dashboard query is timed. Each figure is compared with the
one at the first size; the goal is that the cost stays flat. A size is a floor: the warm-up
batches and each repeat add their deliveries too, so the JSON gives, as `stored_from`, how
many were stored when a size's first repeat began."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench import bare, receiving, server
from bench.api import Api
from bench.context import Context
from bench.plan import FERRET
from bench.procstat import cpu_seconds
from bench.receiving import Receiver
from bench.results import Row, Target
from bench.stats import median, percentile

NAME = "5 growth"
# "Flat": the cost at the largest size at most this many times the cost at the smallest.
FLAT = 1.25
WARM_UP_BATCHES = 3
FILTERED_QUERY = (
    "{ deliveries(first: 50, status: FAILED) { edges { node { id } } pageInfo { hasNextPage } } }"
)


def _sizes(ctx: Context, store: str) -> tuple[tuple[int, ...], int, int]:
    plan = ctx.plan
    if ctx.on_ferret(store) and plan.grow_sizes[-1] > FERRET.grow_sizes[-1]:
        return FERRET.grow_sizes, FERRET.grow_callbacks, FERRET.grow_queries
    return plan.grow_sizes, plan.grow_callbacks, plan.grow_queries


async def _deliver(
    ctx: Context, store: str, api: Api, profile: str, receiver: Receiver, pid: int, count: int
) -> dict[str, Any]:
    """Publishes `count` reports and waits until all are received and recorded."""
    await receiver.reset()
    tag = f"g{time.monotonic_ns()}"
    cpu0, db0 = cpu_seconds(pid), ctx.database_cpu_seconds(store)
    started = time.monotonic()
    deadline = started + ctx.plan.grow_cap_seconds
    for first in range(0, count, 1000):
        await api.publish(profile, [f"{tag}-{i}" for i in range(first, min(count, first + 1000))])
    stats = await receiver.wait_unique(count, deadline - time.monotonic())
    while stats.unique >= count and time.monotonic() < deadline and await api.unfinished():
        await asyncio.sleep(0.02)
    done = max(stats.unique, 1)
    got: dict[str, Any] = {
        "callbacks": stats.unique,
        "complete": stats.unique >= count,
        "seconds": time.monotonic() - started,
        "cpu_ms_per_callback": (cpu_seconds(pid) - cpu0) * 1000 / done,
    }
    if db0 is not None and (db1 := ctx.database_cpu_seconds(store)) is not None:
        got["db_cpu_ms_per_callback"] = (db1 - db0) * 1000 / done
    return got


async def _query_ms(api: Api, query: str, times: int, budget: float) -> list[float]:
    """Sequential requests, so each one's latency is the server's alone."""
    took: list[float] = []
    deadline = time.monotonic() + budget
    for _ in range(times):
        started = time.perf_counter()
        await api.execute(query)
        took.append((time.perf_counter() - started) * 1000)
        if time.monotonic() > deadline:
            break
    return took


async def _one_store(ctx: Context, store: str, receiver: Receiver) -> list[Row]:
    plan = ctx.plan
    sizes, callbacks, queries = _sizes(ctx, store)
    env = await ctx.stores.env(store, "growth")
    srv = await server.start(ctx.children, env, workers=plan.workers, host=True)
    api = Api(srv.graphql, srv.key, timeout=600)
    stored = 0
    by_size: list[dict[str, Any]] = []
    try:
        profile = await api.create_profile(receiver.hook, "growth")
        # Unmeasured batches first: the first repeats otherwise pay for the server warming
        # up (connections, cached documents, a young heap that the garbage collector walks
        # often) and read as a cost of the smallest size.
        for _ in range(WARM_UP_BATCHES):
            warm_up = await _deliver(ctx, store, api, profile, receiver, srv.pid, callbacks)
            stored += warm_up["callbacks"]
        for size in sizes:
            if size > stored:
                seeded = time.monotonic()
                response = await api.client.post(
                    f"{srv.base}/bench/seed",
                    json={"profile_id": profile, "count": size - stored},
                    timeout=1200,
                )
                response.raise_for_status()
                ctx.log(f"growth {store}: {size} stored in {time.monotonic() - seeded:.1f} s")
                stored = size
            stored_from = stored
            runs = []
            for _ in range(plan.grow_repeats):
                runs.append(await _deliver(ctx, store, api, profile, receiver, srv.pid, callbacks))
                stored += runs[-1]["callbacks"]
            budget = plan.grow_cap_seconds
            latest = await _query_ms(api, bare.DELIVERIES_QUERY, queries, budget)
            filtered = await _query_ms(api, FILTERED_QUERY, queries, budget)
            by_size.append(
                {
                    "size": size,
                    "stored_from": stored_from,
                    "runs": runs,
                    "query_ms": latest,
                    "filtered_query_ms": filtered,
                }
            )
            ctx.log(
                f"growth {store} {size}: "
                f"{median([r['cpu_ms_per_callback'] for r in runs]):.2f} CPU ms/callback, "
                f"query {median(latest):.1f} ms, filtered query {median(filtered):.1f} ms"
            )
    finally:
        await api.close()
        ctx.children.stop(srv.child)
    return _rows(ctx, store, callbacks, by_size)


async def run(ctx: Context) -> list[Row]:
    rows: list[Row] = []
    async with receiving.running(ctx.children) as receiver:
        for store in ctx.plan.stores:
            rows += await _one_store(ctx, store, receiver)
    return rows


def _rows(ctx: Context, store: str, callbacks: int, by_size: list[dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    first = by_size[0]
    first_cost = median([r["cpu_ms_per_callback"] for r in first["runs"]])
    first_query = median(first["query_ms"])
    note = ""
    if ctx.on_ferret(store) and by_size[-1]["size"] < ctx.plan.grow_sizes[-1]:
        note = f"FerretDB: sizes and batch bounded ({callbacks} callbacks), see bench.plan"
    for i, entry in enumerate(by_size):
        last = i == len(by_size) - 1
        costs = [r["cpu_ms_per_callback"] for r in entry["runs"]]
        size = entry["size"]
        rows.append(
            Row(
                scenario=NAME,
                store=store,
                measure=f"server CPU ms/callback at {size:,} stored (vs {first['size']:,})",
                unit="ms",
                project=costs,
                baseline=[first_cost] * len(costs),
                target=Target("ratio", "<=", FLAT) if last and i > 0 else None,
                note=note if last else "",
                details={
                    "callbacks_per_run": callbacks,
                    "stored_from": entry["stored_from"],
                    "runs": entry["runs"],
                },
            )
        )
        db_costs = [
            r["db_cpu_ms_per_callback"] for r in entry["runs"] if "db_cpu_ms_per_callback" in r
        ]
        if db_costs:
            first_db = median([r["db_cpu_ms_per_callback"] for r in first["runs"]])
            rows.append(
                Row(
                    scenario=NAME,
                    store=store,
                    measure=f"database CPU ms/callback at {size:,} stored",
                    unit="ms",
                    project=db_costs,
                    baseline=[first_db] * len(db_costs),
                )
            )
        rows.append(
            Row(
                scenario=NAME,
                store=store,
                measure=f"deliveries(first: 50) median ms at {size:,} stored",
                unit="ms",
                project=[median(entry["query_ms"])],
                baseline=[first_query],
                details={
                    "query_p99_ms": percentile(entry["query_ms"], 99),
                    "queries": len(entry["query_ms"]),
                    "filtered_query_median_ms": median(entry["filtered_query_ms"]),
                    "filtered_query_p99_ms": percentile(entry["filtered_query_ms"], 99),
                },
            )
        )
    return rows
