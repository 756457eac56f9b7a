"""The receiver process seen from the bench: start it, read what arrived, reset it."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx

from bench.processes import Child, Children, free_port, python, python_env, wait_http


@dataclass(frozen=True)
class Stats:
    count: int
    unique: int
    first: float | None
    last: float | None


@dataclass(frozen=True)
class Arrivals:
    at: list[float]
    ids: list[str]
    refs: list[str]


class Receiver:
    def __init__(self, child: Child, port: int) -> None:
        self.child = child
        self.port = port
        self._client = httpx.AsyncClient(base_url=self.base, timeout=30, trust_env=False)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def hook(self) -> str:
        return f"{self.base}/hook"

    async def stats(self) -> Stats:
        got: dict[str, Any] = (await self._client.get("/stats")).raise_for_status().json()
        return Stats(got["count"], got["unique"], got["first"], got["last"])

    async def arrivals(self) -> Arrivals:
        got: dict[str, Any] = (await self._client.get("/arrivals")).raise_for_status().json()
        return Arrivals(got["at"], got["id"], got["ref"])

    async def reset(self) -> None:
        (await self._client.post("/reset")).raise_for_status()

    async def wait_unique(self, count: int, timeout: float, poll: float = 0.02) -> Stats:
        """Waits until `count` distinct callbacks arrived, or `timeout` passed."""
        deadline = time.monotonic() + timeout
        while True:
            stats = await self.stats()
            if stats.unique >= count or time.monotonic() > deadline:
                return stats
            await asyncio.sleep(poll)

    async def close(self) -> None:
        await self._client.aclose()


@contextlib.asynccontextmanager
async def running(children: Children) -> AsyncIterator[Receiver]:
    """A receiver process for the length of a scenario."""
    port = free_port()
    child = children.spawn("receiver", python("bench.receiver", str(port)), python_env())
    receiver = Receiver(child, port)
    try:
        await wait_http(child, f"{receiver.base}/stats")
        yield receiver
    finally:
        await receiver.close()
        children.stop(child)
