"""Stores opened for a test: started, and closed once it is done."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeVar

from domain.store import Store

S = TypeVar("S", bound=Store)


@asynccontextmanager
async def started(store: S) -> AsyncIterator[S]:
    await store.start()
    try:
        yield store
    finally:
        await store.close()
