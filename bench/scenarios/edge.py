"""6. The edge under hostile documents, on `callbackd serve` (embedded store, no delivery
workers, so only requests cost CPU):

- the costliest documents under the document limits (bench.hostile), sent with a key, each
  different from the last so no cache answers it: milliseconds to answer the worst of them;
- documents just past each limit, with a key: milliseconds to refuse the slowest;
- an authenticated dashboard query, one at a time, while a flood process posts different
  ~20 KB documents without a key over many connections: its p50 and p99.

Each against `{ __typename }` (the first two) or the same query with no flood (the last),
measured in the same run, per round.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from typing import Any

import httpx

from bench import hostile, server
from bench.api import Api
from bench.context import Context
from bench.flood import READY
from bench.processes import line_starting, python, python_env, wait_exit, wait_until
from bench.results import Row, Target
from bench.stats import median, percentile
from bench.stores import EMBEDDED

NAME = "6 edge"
# "No document under the limits takes more than a few milliseconds to refuse."
REFUSAL_GOAL_MS = 10
QUERY = "{ callbackProfiles(first: 20) { edges { node { id title } } } }"
# A request that takes longer counts as never answered.
PATIENCE_SECONDS = 120
# How long the work a flood left queued may take before the run gives up on the server.
DRAIN_SECONDS = 900
# Numbers documents, so that none is sent twice and no cache answers it.
_numbers = itertools.count()


async def _fill(ctx: Context, api: Api) -> None:
    """Profiles with deliveries, so that nested connections have rows to multiply."""
    for p in range(ctx.plan.edge_profiles):
        profile_id = await api.create_profile("http://127.0.0.1:9/hook", f"edge {p}")
        await api.publish(profile_id, [f"edge-{p}-{d}" for d in range(ctx.plan.edge_deliveries)])


async def _timed(
    client: httpx.AsyncClient, url: str, document: str, patience: float = PATIENCE_SECONDS
) -> tuple[float, int, int]:
    """Milliseconds to answer `document`, the status, and the answer's size in bytes."""
    started = time.perf_counter()
    try:
        response = await client.post(url, json={"query": document}, timeout=patience)
    except httpx.TimeoutException:
        return math.inf, 0, 0
    return (time.perf_counter() - started) * 1000, response.status_code, len(response.content)


async def _documents(
    ctx: Context, client: httpx.AsyncClient, url: str, documents: dict[str, hostile.Document]
) -> dict[str, dict[str, Any]]:
    """Per document: the median milliseconds over the plan's sends, statuses and size."""
    found: dict[str, dict[str, Any]] = {}
    for label, build in documents.items():
        times, statuses, sizes = [], set(), set()
        for _ in range(ctx.plan.edge_sends):
            ms, status, size = await _timed(client, url, build(next(_numbers)))
            times.append(ms)
            statuses.add(status)
            sizes.add(size)
        found[label] = {
            "median_ms": median(times),
            "max_ms": max(times),
            "statuses": sorted(statuses),
            "answer_bytes": max(sizes),
        }
    return found


def _worst(found: dict[str, dict[str, Any]]) -> tuple[str, float]:
    label = max(found, key=lambda k: found[k]["median_ms"])
    return label, found[label]["median_ms"]


async def _probe(client: httpx.AsyncClient, url: str, seconds: float) -> list[float]:
    """Milliseconds of each authenticated query, one after another, for `seconds`."""
    latencies: list[float] = []
    stop_at = time.perf_counter() + seconds
    while time.perf_counter() < stop_at:
        latencies.append((await _timed(client, url, QUERY))[0])
    return latencies


async def _flooded(ctx: Context, srv: server.Server, client: httpx.AsyncClient) -> dict[str, Any]:
    plan = ctx.plan
    spec = {
        "port": srv.port,
        "concurrency": plan.edge_flood_concurrency,
        "seconds": plan.edge_seconds,
        "size": plan.edge_flood_bytes,
    }
    path = ctx.workdir / "flood.json"
    path.write_text(json.dumps(spec))
    flood = ctx.children.spawn("flood", python("bench.flood", str(path)), python_env())
    try:
        await wait_until(flood, lambda: line_starting(flood, READY) is not None, "the flood")
        latencies = await _probe(client, srv.graphql, plan.edge_seconds)
        await wait_exit(flood, "flood", plan.edge_seconds + 60)
    finally:
        ctx.children.stop(flood)
    sent: dict[str, Any] = json.loads(flood.output().strip().splitlines()[-1])
    # Work the flood left queued is done before the next measure: this waits behind it.
    drained_ms = (await _timed(client, srv.graphql, QUERY, DRAIN_SECONDS))[0]
    return {"latencies": latencies, "flood": sent, "drained_ms": drained_ms}


async def run(ctx: Context) -> list[Row]:
    plan = ctx.plan
    env = await ctx.stores.env(EMBEDDED, "edge")
    srv = await server.start(ctx.children, env, workers=0)
    api = Api(srv.graphql, srv.key, timeout=PATIENCE_SECONDS)
    rounds: list[dict[str, Any]] = []
    try:
        await _fill(ctx, api)
        for r in range(plan.edge_rounds):
            plain = await _documents(ctx, api.client, srv.graphql, {"{ __typename }": _typename})
            under = await _documents(ctx, api.client, srv.graphql, hostile.UNDER_THE_LIMITS)
            past = await _documents(ctx, api.client, srv.graphql, hostile.PAST_THE_LIMITS)
            quiet = await _probe(api.client, srv.graphql, plan.edge_seconds)
            flooded = await _flooded(ctx, srv, api.client)
            rounds.append({"plain": plain, "under": under, "past": past, "quiet": quiet, **flooded})
            ctx.log(
                f"edge round {r + 1}: worst under the limits {_worst(under)}, "
                f"slowest refusal {_worst(past)}, query p99 "
                f"{percentile(quiet, 99):.1f} ms quiet, "
                f"{percentile(flooded['latencies'], 99):.1f} ms flooded ({flooded['flood']})"
            )
    finally:
        await api.close()
        ctx.children.stop(srv.child)
    return _rows(ctx, rounds)


def _typename(n: int) -> str:
    return f"query Plain{n} {{ __typename }}"


def _rows(ctx: Context, rounds: list[dict[str, Any]]) -> list[Row]:
    plan = ctx.plan
    plain = [r["plain"]["{ __typename }"]["median_ms"] for r in rounds]
    details = {
        "stored_profiles": plan.edge_profiles,
        "deliveries_per_profile": plan.edge_deliveries,
        "sends_per_document": plan.edge_sends,
    }
    flood = (
        f"{plan.edge_flood_concurrency} anonymous connections of "
        f"{plan.edge_flood_bytes // 1000} KB documents"
    )
    return [
        Row(
            scenario=NAME,
            store=EMBEDDED,
            measure="worst document under the limits, ms to answer",
            unit="ms",
            project=[_worst(r["under"])[1] for r in rounds],
            baseline=plain,
            ratio_kind="",
            note=_worst(rounds[-1]["under"])[0],
            details={**details, "documents": [r["under"] for r in rounds]},
        ),
        Row(
            scenario=NAME,
            store=EMBEDDED,
            measure="slowest refusal of a document past a limit, ms",
            unit="ms",
            project=[_worst(r["past"])[1] for r in rounds],
            baseline=plain,
            target=Target("project", "<", REFUSAL_GOAL_MS),
            ratio_kind="",
            note=_worst(rounds[-1]["past"])[0],
            details={**details, "documents": [r["past"] for r in rounds]},
        ),
        *(
            Row(
                scenario=NAME,
                store=EMBEDDED,
                measure=f"query p{q} under {flood} (baseline: no flood), ms",
                unit="ms",
                project=[percentile(r["latencies"], q) for r in rounds],
                baseline=[percentile(r["quiet"], q) for r in rounds],
                ratio_kind="",
                details={
                    "queries_flooded": [len(r["latencies"]) for r in rounds],
                    "queries_quiet": [len(r["quiet"]) for r in rounds],
                    "flood": [r["flood"] for r in rounds],
                    "drained_ms": [r["drained_ms"] for r in rounds],
                },
            )
            for q in (50, 99)
        ),
    ]
