"""Calls at a steady rate, on an absolute schedule, each in its own task."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def paced(
    rate: float, count: int, call: Callable[[int], Awaitable[None]], in_flight: int = 200
) -> float:
    """Starts `call(i)` at start + i / rate for i < count and waits for all of them; answers
    the largest lag behind the schedule, in seconds, so a report can say the bench kept up.
    At most `in_flight` calls run at once: a server that stops answering slows the schedule
    instead of piling up tasks."""
    slots = asyncio.Semaphore(in_flight)
    tasks: list[asyncio.Task[None]] = []
    worst = 0.0

    async def one(i: int) -> None:
        try:
            await call(i)
        finally:
            slots.release()

    start = time.monotonic()
    for i in range(count):
        due = start + i / rate
        await asyncio.sleep(max(0.0, due - time.monotonic()))
        await slots.acquire()
        worst = max(worst, time.monotonic() - due)
        tasks.append(asyncio.create_task(one(i)))
    await asyncio.gather(*tasks)
    return worst
