"""The six scenarios, in the order the suite runs them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bench.context import Context
from bench.results import Row
from bench.scenarios import dashboard, edge, fanout, growth, latency, throughput

Scenario = Callable[[Context], Awaitable[list[Row]]]

ALL: dict[str, Scenario] = {
    "throughput": throughput.run,
    "latency": latency.run,
    "dashboard": dashboard.run,
    "fanout": fanout.run,
    "growth": growth.run,
    "edge": edge.run,
}
