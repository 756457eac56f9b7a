"""What a running server has asked of its database so far, read from its /metrics: the
delay scenario divides what it asked during a round by the callbacks of that round."""

from __future__ import annotations

import asyncio
import time
from collections import Counter

import httpx
from prometheus_client.parser import text_string_to_metric_families

COMMANDS = "callbackd_database_commands_total"
# What a publish call of reports without idempotency keys asks for itself: its key, kept
# for a second, and each report's queue entry (its delivery is stored when it finishes).
PUBLISHING = frozenset({"find api_keys", "insert delivery_queue"})
RELEASED = "callbackd_deliveries_released_total"
# How long to wait for the last deliveries of a round to be written finished.
SETTLE_SECONDS = 10.0


async def _scrape(http: httpx.AsyncClient, base: str) -> tuple[Counter[str], float]:
    response = await http.get(f"{base}/metrics")
    response.raise_for_status()
    commands: Counter[str] = Counter()
    released = 0.0
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == COMMANDS:
                labels = sample.labels
                commands[f"{labels['command']} {labels['collection']}".strip()] += int(sample.value)
            elif sample.name == RELEASED:
                released += sample.value
    return commands, released


async def counted(http: httpx.AsyncClient, base: str) -> Counter[str]:
    """The commands the server sent so far, by command and collection."""
    commands, _ = await _scrape(http, base)
    return commands


async def counted_once_released(
    http: httpx.AsyncClient, base: str, deliveries: int
) -> Counter[str]:
    """The commands the server sent so far, read once it released `deliveries` deliveries
    (or SETTLE_SECONDS passed): a callback's last commands follow its receipt."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        commands, released = await _scrape(http, base)
        if released >= deliveries or time.monotonic() > deadline:
            return commands
        await asyncio.sleep(0.05)


def after_publishing(by_command: dict[str, float]) -> float:
    """Commands per callback but for what the publish calls asked for themselves."""
    return sum(n for name, n in by_command.items() if name not in PUBLISHING)


def per_callback(before: Counter[str], after: Counter[str], callbacks: int) -> dict[str, float]:
    """Commands per callback between two scrapes, by command and collection, most first."""
    sent = after - before
    return {name: round(n / callbacks, 3) for name, n in sent.most_common()}
