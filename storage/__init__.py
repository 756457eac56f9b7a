"""Persistence: the one package that talks to a database; its stores implement
`domain.store.Store`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.store import Store
from storage.deadlines import bounded
from storage.errors import is_unavailable
from storage.memory import MemoryStore

if TYPE_CHECKING:
    # Only named: a server without MongoDB does not load the driver.
    from storage.commands import Observer

__all__ = ["MemoryStore", "bounded", "is_unavailable", "open_store"]


def open_store(
    mongodb_url: str | None,
    database: str,
    *,
    sweep_seconds: float = 1.0,
    claims: bool = True,
    on_command: Observer | None = None,
) -> Store:
    """The MongoDB store when a URL is given, else the embedded in-memory one. The MongoDB
    store reads its queue for work it was not told of every `sweep_seconds`; `claims` says
    whether this process has workers, or else announces to them all it queues; it tells
    `on_command` of each database command."""
    if mongodb_url is None:
        return MemoryStore()
    # Imported here so that a server without MongoDB does not load the driver.
    from storage.mongo import MongoStore

    return MongoStore(
        mongodb_url, database, sweep_seconds=sweep_seconds, claims=claims, on_command=on_command
    )
