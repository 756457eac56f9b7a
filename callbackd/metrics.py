"""Prometheus metrics of one process, kept in process so a scrape costs no database work."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Protocol, TypeVar

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
    generate_latest,
)
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from domain import clock
from domain.models import Attempt, DeliveryStatus
from domain.store import Backlog

CONTENT_TYPE = CONTENT_TYPE_LATEST
# A `_created` series beside each counter doubles a scrape for a figure no dashboard uses.
disable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated upstream
# Operation names come from clients: past this many distinct ones, the rest share a label,
# so a client cannot grow the series without end.
MAX_OPERATION_NAMES = 100
OTHER = "other"
ANONYMOUS = "anonymous"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
# The name of a document's first operation, for clients that send none beside it.
_DOCUMENT_NAME = re.compile(
    r"^\s*(?:#[^\n]*\n\s*)*(?:query|mutation|subscription)\s+([A-Za-z_]\w*)"
)
# Callbacks take from milliseconds to the request timeout.
ATTEMPT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
# Backlog figures cost the store a few counts, so a scrape reads them at most this often.
BACKLOG_EVERY_SECONDS = 15.0
OPERATION_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5)
# A database command takes from a fraction of a millisecond to the store's time limit (3 s).
COMMAND_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 3)


class _Result(Protocol):
    @property
    def errors(self) -> Any: ...


R = TypeVar("R", bound=_Result)


class Metrics:
    """The process's counters and histograms, in a registry of its own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.reports = Counter(
            "callbackd_reports_published",
            "Status reports accepted by publishStatusEvents on this process",
            registry=r,
        )
        self.attempts = Counter(
            "callbackd_attempts",
            "Callback attempts made by this process, by channel, trigger and outcome",
            ["channel", "trigger", "outcome"],
            registry=r,
        )
        self.attempt_seconds = Histogram(
            "callbackd_attempt_duration_seconds",
            "Time from sending a callback to its outcome, by channel",
            ["channel"],
            buckets=ATTEMPT_BUCKETS,
            registry=r,
        )
        self.deliveries_released = Counter(
            "callbackd_deliveries_released",
            "Deliveries whose attempt this process ended, by the status they were left in "
            "(PENDING: a retry is scheduled; FAILED: failed for good)",
            ["status"],
            registry=r,
        )
        self.operations = Counter(
            "callbackd_graphql_operations",
            "GraphQL operations over HTTP, by operation name and result (ok, error)",
            ["operation", "result"],
            registry=r,
        )
        self.operation_seconds = Histogram(
            "callbackd_graphql_operation_duration_seconds",
            "Time to execute a GraphQL operation over HTTP, by operation name",
            ["operation"],
            buckets=OPERATION_BUCKETS,
            registry=r,
        )
        self.http_requests = Counter(
            "callbackd_http_requests",
            "HTTP requests answered, by method, route and status code",
            ["method", "route", "status"],
            registry=r,
        )
        self.live_subscribers = Gauge(
            "callbackd_live_subscribers",
            "deliveryAttempts subscriptions open on this process",
            registry=r,
        )
        self.live_streams = Gauge(
            "callbackd_live_streams",
            "Distinct subscription streams running, each shared by its subscribers",
            registry=r,
        )
        self.deliveries = Gauge(
            "callbackd_deliveries",
            "Deliveries of every account by status, as last read from the store",
            ["status"],
            registry=r,
        )
        self.due = Gauge(
            "callbackd_due_deliveries",
            "Deliveries due now: pending ones whose time came, and expired leases",
            registry=r,
        )
        self.oldest_due_age = Gauge(
            "callbackd_oldest_due_delivery_age_seconds",
            "How long the longest-waiting due delivery has been due; 0 when none is",
            registry=r,
        )
        self.database_commands = Counter(
            "callbackd_database_commands",
            "MongoDB commands this process sent, by command, collection (empty for commands "
            "on none) and result (ok, error)",
            ["command", "collection", "result"],
            registry=r,
        )
        self.database_command_seconds = Histogram(
            "callbackd_database_command_duration_seconds",
            "Time from sending a MongoDB command to its answer, by command",
            ["command"],
            buckets=COMMAND_BUCKETS,
            registry=r,
        )
        self._names: set[str] = set()
        self._backlog_read_at: float | None = None

    def published(self, count: int) -> None:
        self.reports.inc(count)

    def attempted(self, attempt: Attempt) -> None:
        channel = attempt.channel.value
        self.attempts.labels(channel, attempt.trigger.value, attempt.outcome.value).inc()
        self.attempt_seconds.labels(channel).observe(attempt.duration_ms / 1000)

    def released(self, status: DeliveryStatus) -> None:
        self.deliveries_released.labels(status.value).inc()

    def database_command(self, name: str, collection: str, seconds: float, failed: bool) -> None:
        """One MongoDB command ended (`storage.commands.Observer`); called on the driver's
        threads, which the registry's metrics allow."""
        self.database_commands.labels(name, collection, "error" if failed else "ok").inc()
        self.database_command_seconds.labels(name).observe(seconds)

    def watch_live(self, counts: Callable[[], dict[str, int]]) -> None:
        """Reads the live figures from `counts` at each scrape."""
        self.live_subscribers.set_function(lambda: counts()["subscribers"])
        self.live_streams.set_function(lambda: counts()["streams"])

    def operation_label(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if _NAME.fullmatch(name) is None:
            return OTHER
        if name not in self._names and len(self._names) >= MAX_OPERATION_NAMES:
            return OTHER
        self._names.add(name)
        return name

    def operation(self, name: str | None, document: str | None, seconds: float, ok: bool) -> None:
        if not name and document and (found := _DOCUMENT_NAME.match(document)):
            name = found.group(1)
        label = self.operation_label(name)
        self.operation_seconds.labels(label).observe(seconds)
        self.operations.labels(label, "ok" if ok else "error").inc()

    async def timed(self, name: str | None, document: str | None, run: Awaitable[R]) -> R:
        """Awaits `run`, one GraphQL operation, and counts and times it."""
        started = time.perf_counter()
        ok = False
        try:
            result = await run
            ok = not result.errors
            return result
        finally:
            self.operation(name, document, time.perf_counter() - started, ok)

    async def refresh_backlog(self, read: Callable[[datetime], Awaitable[Backlog]]) -> None:
        """Reads the backlog figures with `read`, unless they were read less than
        BACKLOG_EVERY_SECONDS ago."""
        started = time.monotonic()
        if (
            self._backlog_read_at is not None
            and started - self._backlog_read_at < BACKLOG_EVERY_SECONDS
        ):
            return
        self._backlog_read_at = started
        now = clock.now()
        backlog = await read(now)
        for status, count in backlog.by_status.items():
            self.deliveries.labels(status.value).set(count)
        self.due.set(backlog.due)
        since = backlog.oldest_due_since
        self.oldest_due_age.set(0.0 if since is None else (now - since).total_seconds())

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


__all__ = ["CONTENT_TYPE", "Metrics"]
