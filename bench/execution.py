"""What the plain-field executor (graph.execution) saves on a dashboard page.

`python -m bench.execution [--requests N] [--rounds R]` executes the dashboard documents of
the dashboard scenario in process, on the embedded store, through the product's schema and
through the same root types on Strawberry's own executor (public API only), alternating,
and prints microseconds per request and their ratio. In process, the figure is the
execution alone: no HTTP, no network, no other process, so it moves little with the load
of the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import strawberry

from bench.api import CREATE_PROFILE, PUBLISH
from bench.bare import DELIVERIES_QUERY, PROFILES_QUERY
from callbackd.config import load
from callbackd.services import build
from graph.context import Context
from graph.delivery_types import Delivery, DeliveryAttempt
from graph.profile_types import CallbackProfile
from resolvers.schema import Mutation, Query, Subscription, delivery_pages, schema

PROFILES = 50


def _public_schema() -> strawberry.Schema:
    """The product's root types on Strawberry's default executor."""
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[CallbackProfile, Delivery, DeliveryAttempt],
    )


async def _run(chosen: strawberry.Schema, document: str, context: Context) -> None:
    result = await chosen.execute(document, context_value=context)
    if result.errors:
        raise RuntimeError(f"{document!r} failed: {result.errors}")


async def _time(chosen: strawberry.Schema, document: str, context: Context, n: int) -> float:
    """Microseconds per request over `n` requests."""
    start = time.perf_counter()
    for _ in range(n):
        await _run(chosen, document, context)
    return (time.perf_counter() - start) / n * 1e6


async def measure(requests: int, rounds: int) -> dict[str, dict[str, Any]]:
    runtime = build(load(None, {"CALLBACKD_WORKERS": "0"}))
    await runtime.start()
    try:
        account, _ = await runtime.services.accounts.create("bench")
        context = Context(runtime.services, delivery_pages, account=account)
        for i in range(PROFILES):
            profile = {
                "title": f"bench {i}",
                "channel": "SMS",
                "httpMethod": "POST",
                "endpoint": "https://callbacks.example/hook",
                "variables": ["status", "ref"],
            }
            created = await schema.execute(
                CREATE_PROFILE, variable_values={"input": profile}, context_value=context
            )
            assert created.data is not None, created.errors
            profile_id = created.data["createCallbackProfile"]["callbackProfile"]["id"]
            events = [{"callbackProfileId": profile_id, "values": {"status": "D", "ref": str(i)}}]
            await schema.execute(PUBLISH, variable_values={"events": events}, context_value=context)
        public = _public_schema()
        figures: dict[str, dict[str, Any]] = {}
        for name, document in (
            ("callbackProfiles(first: 50)", PROFILES_QUERY),
            ("deliveries(first: 50)", DELIVERIES_QUERY),
        ):
            ours: list[float] = []
            theirs: list[float] = []
            for chosen in (schema, public):
                await _time(chosen, document, context, max(1, requests // 10))
            for _ in range(rounds):
                ours.append(await _time(schema, document, context, requests))
                theirs.append(await _time(public, document, context, requests))
            figures[name] = {
                "plain_field_executor_us": statistics.median(ours),
                "strawberry_executor_us": statistics.median(theirs),
                "saved": 1 - statistics.median(ours) / statistics.median(theirs),
            }
        return figures
    finally:
        await runtime.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.execution", description=__doc__)
    parser.add_argument("--requests", type=int, default=300, help="requests per round")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    args = parser.parse_args()
    figures = asyncio.run(measure(args.requests, args.rounds))
    for name, row in figures.items():
        print(
            f"{name}: plain-field executor {row['plain_field_executor_us']:,.0f} us, "
            f"Strawberry's executor {row['strawberry_executor_us']:,.0f} us per request "
            f"(median of rounds; {row['saved']:.0%} saved)"
        )


if __name__ == "__main__":
    main()
