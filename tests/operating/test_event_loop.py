"""callbackd's commands run on uvloop's event loop where it is installed, as it is with
callbackd's dependencies on Linux."""

from __future__ import annotations

import asyncio

import uvloop

from callbackd import event_loop


async def running_loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


def test_a_command_runs_on_uvloop_and_answers_what_its_coroutine_returned() -> None:
    loop = event_loop.run(running_loop())

    assert isinstance(loop, uvloop.Loop)
    assert loop.is_closed()
