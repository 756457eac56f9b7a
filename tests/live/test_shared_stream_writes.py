"""A shared stream writes each result to every subscriber in turn; one whose socket stops
taking frames is cut off after SEND_TIMEOUT as too slow, and the others still get every
result, in order. Members here stand in for subscribers' sockets: one takes every frame at
once, as a socket with room does, one never takes any."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Any, cast

import pytest
from strawberry.types.execution import ExecutionResult

from live import streams as live

KEY = ("acc", "subscription { deliveryAttempts { id } }", "{}", None)


class Socket:
    def __init__(self, stuck: bool = False) -> None:
        self.frames: list[str] = []
        self.stuck = stuck
        self.ended = asyncio.Event()
        self.fallback = False
        self.too_slow = False

    async def send(self, frame: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.frames.append(frame)


async def results(count: int, released: asyncio.Event) -> AsyncGenerator[ExecutionResult, None]:
    await released.wait()
    for i in range(count):
        yield ExecutionResult(data={"deliveryAttempts": {"id": f"a{i}"}}, errors=None)
    await asyncio.Event().wait()


async def test_a_subscriber_that_takes_no_frames_is_cut_off_and_the_others_get_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(live, "SEND_TIMEOUT", 0.05)
    first, stuck, last = Socket(), Socket(stuck=True), Socket()
    released = asyncio.Event()
    streams = live.SharedStreams()
    stream = live.Stream(results(3, released), streams, KEY)
    for socket in (first, stuck, last):
        stream.members.add(cast(Any, socket))

    released.set()
    async with asyncio.timeout(5):
        await stuck.ended.wait()
        while len(last.frames) < 3:
            await asyncio.sleep(0.01)

    frames = [f'{{"data":{{"deliveryAttempts":{{"id":"a{i}"}}}}}}' for i in range(3)]
    assert first.frames == frames
    assert last.frames == frames
    assert stuck.frames == []
    assert stuck.too_slow is True
    assert set(map(id, stream.members)) == {id(first), id(last)}
    stream.task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await stream.task
