"""Persistence: the one package that talks to a database."""

from __future__ import annotations

from storage.base import (
    Backlog,
    DeliveryFilter,
    Expired,
    Keyset,
    Outcome,
    ProfileFilter,
    Slot,
    Span,
    StatusChange,
    Store,
)
from storage.errors import DuplicateRecord, is_unavailable
from storage.memory import MemoryStore

__all__ = [
    "Backlog",
    "DeliveryFilter",
    "DuplicateRecord",
    "Expired",
    "Keyset",
    "MemoryStore",
    "Outcome",
    "ProfileFilter",
    "Slot",
    "Span",
    "StatusChange",
    "Store",
    "is_unavailable",
    "open_store",
]


def open_store(mongodb_url: str | None, database: str) -> Store:
    """The MongoDB store when a URL is given, else the embedded in-memory one."""
    if mongodb_url is None:
        return MemoryStore()
    # Imported here so that a server without MongoDB does not load the driver.
    from storage.mongo import MongoStore

    return MongoStore(mongodb_url, database)
