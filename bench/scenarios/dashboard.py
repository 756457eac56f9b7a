"""3. Dashboard reads: callbackProfiles(first: 50) and deliveries(first: 50) through GraphQL
over HTTP against bare Starlette endpoints answering the same JSON through the same storage
calls (bench.bare), both served by one bench host process on one store, at a fixed
concurrency, alternating."""

from __future__ import annotations

import json
from typing import Any

import httpx

from bench import bare, server
from bench.api import Api
from bench.context import Context
from bench.processes import python, python_env, wait_exit
from bench.results import Row, Target
from bench.rounds import alternate

NAME = "3 dashboard reads"
RATIO_GOAL = 0.5
QUERIES = {
    "callbackProfiles(first: 50)": (bare.PROFILES_QUERY, "/bench/profiles"),
    "deliveries(first: 50)": (bare.DELIVERIES_QUERY, "/bench/deliveries"),
}


async def _load(ctx: Context, spec: dict[str, Any], name: str) -> dict[str, Any]:
    path = ctx.workdir / f"{name}.json"
    path.write_text(json.dumps(spec))
    child = ctx.children.spawn("loadgen", python("bench.loadgen", str(path)), python_env())
    limit = spec["warmup"] + spec["seconds"] + 60
    try:
        await wait_exit(child, "load run", limit)
    finally:
        ctx.children.stop(child)
    result: dict[str, Any] = json.loads(child.output().strip().splitlines()[-1])
    return result


async def _same_answers(srv: server.Server, query: str, path: str) -> bool:
    """Whether the GraphQL answer and the bare one are the same JSON, so that both sides do
    the same work."""
    headers = {"Authorization": f"Bearer {srv.key}"}
    async with httpx.AsyncClient(base_url=srv.base, headers=headers, trust_env=False) as c:
        graphql = (await c.post("/graphql", json={"query": query})).json()
        plain = (await c.get(path)).json()
    return bool(graphql == plain)


async def _fill(ctx: Context, srv: server.Server) -> None:
    api = Api(srv.graphql, srv.key)
    try:
        # Never called: no report is published to these profiles.
        profiles = [
            await api.create_profile("http://127.0.0.1:9/hook", f"dashboard {i}")
            for i in range(ctx.plan.dash_profiles)
        ]
        response = await api.client.post(
            f"{srv.base}/bench/seed",
            json={"profile_id": profiles[0], "count": ctx.plan.dash_deliveries},
            timeout=600,
        )
        response.raise_for_status()
    finally:
        await api.close()


def _spec(ctx: Context, srv: server.Server, graphql: bool, query: str, path: str) -> Any:
    plan = ctx.plan
    spec: dict[str, Any] = {
        "port": srv.port,
        "headers": {"Authorization": f"Bearer {srv.key}"},
        "concurrency": plan.dash_concurrency,
        "seconds": plan.dash_seconds,
        "warmup": plan.dash_warmup,
    }
    if graphql:
        spec["method"], spec["path"] = "POST", "/graphql"
        spec["headers"]["Content-Type"] = "application/json"
        spec["body"] = json.dumps({"query": query})
    else:
        spec["method"], spec["path"] = "GET", path
    return spec


async def run(ctx: Context) -> list[Row]:
    plan = ctx.plan
    rows: list[Row] = []
    for store in plan.stores:
        env = await ctx.stores.env(store, "dashboard")
        srv = await server.start(ctx.children, env, workers=plan.workers, host=True)
        try:
            await _fill(ctx, srv)
            for label, (query, path) in QUERIES.items():
                rows.append(await _compare(ctx, store, srv, label, query, path))
        finally:
            ctx.children.stop(srv.child)
    return rows


async def _compare(
    ctx: Context, store: str, srv: server.Server, label: str, query: str, path: str
) -> Row:
    same = await _same_answers(srv, query, path)

    async def measure(graphql: bool) -> dict[str, Any]:
        which = "project" if graphql else "baseline"
        return await _load(ctx, _spec(ctx, srv, graphql, query, path), f"dashboard-{store}-{which}")

    async def measure_project(_: int) -> dict[str, Any]:
        return await measure(True)

    async def measure_baseline(_: int) -> dict[str, Any]:
        return await measure(False)

    def report(r: int, which: str, got: dict[str, Any]) -> None:
        ctx.log(
            f"dashboard {store} {label} round {r + 1} {which}: "
            f"{got['rps']:.0f} req/s, {got['errors']} errors"
        )

    project, baseline = await alternate(
        ctx.plan.dash_rounds, measure_project, measure_baseline, report
    )
    return _row(ctx, store, label, {"project": project, "baseline": baseline}, same)


def _row(
    ctx: Context, store: str, label: str, results: dict[str, list[dict[str, Any]]], same: bool
) -> Row:
    errors = sum(r["errors"] for runs in results.values() for r in runs)
    notes = []
    if not same:
        notes.append("GraphQL and bare answers differ")
    if errors:
        notes.append(f"{errors} non-200 answers")
    return Row(
        scenario=NAME,
        store=store,
        measure=f"{label} req/s, {ctx.plan.dash_concurrency} concurrent",
        unit="requests/s",
        project=[r["rps"] for r in results["project"]],
        baseline=[r["rps"] for r in results["baseline"]],
        target=Target("ratio", ">=", RATIO_GOAL),
        note="; ".join(notes),
        details={
            "stored_profiles": ctx.plan.dash_profiles,
            "stored_deliveries": ctx.plan.dash_deliveries,
            "same_json": same,
            "project_runs": results["project"],
            "baseline_runs": results["baseline"],
        },
    )
