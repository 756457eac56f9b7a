"""How big each scenario is, in full and in smoke mode."""

from __future__ import annotations

from dataclasses import dataclass

from bench.stores import EMBEDDED, MONGODB


@dataclass(frozen=True)
class Plan:
    name: str
    stores: tuple[str, ...]
    # 1. Delivery throughput
    tp_reports: int
    tp_batch: int
    tp_rounds: int
    tp_cap_seconds: float
    # 2. Publish-to-receipt delay
    lat_rate: float
    lat_seconds: float
    lat_rounds: int
    lat_drain_seconds: float
    # 3. Dashboard reads
    dash_profiles: int
    dash_deliveries: int
    dash_concurrency: int
    dash_seconds: float
    dash_warmup: float
    dash_rounds: int
    # 4. Live fan-out (embedded store only; see bench.scenarios.fanout)
    fan_subscribers: tuple[int, ...]
    fan_rate: float
    fan_seconds: float
    fan_rounds: int
    fan_drain_seconds: float
    # 5. Growth
    grow_sizes: tuple[int, ...]
    grow_callbacks: int
    grow_repeats: int
    grow_queries: int
    grow_cap_seconds: float
    # 6. The edge under hostile documents
    edge_profiles: int
    edge_deliveries: int
    edge_sends: int
    edge_seconds: float
    edge_flood_concurrency: int
    edge_flood_bytes: int
    edge_rounds: int
    # Delivery concurrency of callbackd (CALLBACKD_WORKERS) and so of every bare client.
    workers: int = 32


FULL = Plan(
    name="full",
    stores=(EMBEDDED, MONGODB),
    tp_reports=5000,
    tp_batch=1000,
    tp_rounds=3,
    tp_cap_seconds=120,
    lat_rate=100,
    lat_seconds=20,
    lat_rounds=3,
    lat_drain_seconds=15,
    dash_profiles=60,
    dash_deliveries=1000,
    dash_concurrency=8,
    dash_seconds=4,
    dash_warmup=1,
    dash_rounds=3,
    fan_subscribers=(100, 500),
    fan_rate=100,
    fan_seconds=10,
    fan_rounds=3,
    fan_drain_seconds=30,
    grow_sizes=(1_000, 10_000, 100_000),
    grow_callbacks=500,
    grow_repeats=3,
    grow_queries=100,
    grow_cap_seconds=60,
    edge_profiles=10,
    edge_deliveries=5,
    edge_sends=3,
    edge_seconds=5,
    edge_flood_concurrency=10,
    edge_flood_bytes=20_000,
    edge_rounds=3,
)

SMOKE = Plan(
    name="smoke",
    stores=(EMBEDDED, MONGODB),
    tp_reports=200,
    tp_batch=100,
    tp_rounds=1,
    tp_cap_seconds=20,
    lat_rate=50,
    lat_seconds=2,
    lat_rounds=1,
    lat_drain_seconds=5,
    dash_profiles=55,
    dash_deliveries=100,
    dash_concurrency=4,
    dash_seconds=0.5,
    dash_warmup=0.2,
    dash_rounds=1,
    fan_subscribers=(5, 20),
    fan_rate=20,
    fan_seconds=1,
    fan_rounds=1,
    fan_drain_seconds=5,
    grow_sizes=(100, 1_000),
    grow_callbacks=20,
    grow_repeats=1,
    grow_queries=5,
    grow_cap_seconds=20,
    edge_profiles=2,
    edge_deliveries=3,
    edge_sends=1,
    edge_seconds=0.5,
    edge_flood_concurrency=2,
    edge_flood_bytes=20_000,
    edge_rounds=1,
)


@dataclass(frozen=True)
class FerretLimits:
    """FerretDB 1.24 on SQLite reads the whole collection for every query but one on `_id`
    alone, and even that one, and every update and delete, walks the table row by row: its
    `_id` index is on `_ferretdb_sjson->"_id"` while its statements ask for
    `_ferretdb_sjson->'$._id'`, which SQLite does not match to the index. So on it the
    MongoDB store's cost grows with the number of stored deliveries. Where the full sizes
    would take hours there, the MongoDB runs stop at these bounds and say so; on a real
    MongoDB (MONGODB_URL) they do not apply."""

    tp_cap_seconds: float = 30
    grow_sizes: tuple[int, ...] = (1_000, 10_000)
    grow_callbacks: int = 32
    grow_queries: int = 5


FERRET = FerretLimits()
