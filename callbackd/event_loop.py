"""The event loop every callbackd command runs on: uvloop's, where it is installed (with
uvicorn's standard extra, on CPython outside Windows), for its cheaper scheduling and socket
I/O, which every callback and request goes through; asyncio's own elsewhere."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

try:
    import uvloop
except ImportError:  # pragma: no cover - platforms uvloop does not support
    uvloop = None  # type: ignore[assignment]

__all__ = ["run"]

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Runs `main` to completion on a new event loop, as `asyncio.run` does."""
    if uvloop is None:
        return asyncio.run(main)
    return uvloop.run(main)
