"""Live subscribers: `python -m bench.subscribers SPEC.json`, many graphql-transport-ws
connections in one process.

SPEC: {"url", "key", "count", "query", "out", "seconds"}. Each connection sends
connection_init with the key, subscribes with `query`, and for every `next` message records
when the attempt was recorded (startedAt + durationMs) and how long after that it arrived
here. The process prints `acked N` once every subscription is sent, `first N` once every
connection got a message, `received TOTAL` four times a second, and on SIGTERM (or after
`seconds`) writes OUT.json (counts, errors) and OUT.bin (pairs of doubles: recorded time,
delay in seconds), then exits.
"""

from __future__ import annotations

import array
import asyncio
import contextlib
import json
import signal
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import uvloop
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import WebSocketException
from websockets.typing import Subprotocol

PROTOCOL = Subprotocol("graphql-transport-ws")
# Connections opened at once; hundreds in one burst would only queue in the listen backlog.
OPENING = 50


@dataclass
class State:
    count: int
    received: list[int]
    samples: array.array[float] = field(default_factory=lambda: array.array("d"))
    acked: int = 0
    errors: list[str] = field(default_factory=list)
    announced: set[str] = field(default_factory=set)

    def announce(self, what: str) -> None:
        if what not in self.announced:
            self.announced.add(what)
            print(f"{what} {self.count}", flush=True)


def _recorded(attempt: dict[str, Any]) -> float:
    started = datetime.fromisoformat(attempt["startedAt"]).timestamp()
    return started + float(attempt["durationMs"]) / 1000


async def _listen(ws: ClientConnection, index: int, state: State) -> None:
    async for raw in ws:
        at = time.time()
        message = json.loads(raw)
        kind = message.get("type")
        if kind == "next":
            data = (message.get("payload") or {}).get("data") or {}
            attempt = next(iter(data.values()), None)
            if attempt is None:
                state.errors.append(f"next without data: {str(message)[:200]}")
                continue
            recorded = _recorded(attempt)
            state.samples.extend((recorded, at - recorded))
            state.received[index] += 1
            if state.received[index] == 1 and all(state.received):
                state.announce("first")
        elif kind == "ping":
            await ws.send('{"type":"pong"}')
        elif kind in ("error", "complete"):
            state.errors.append(f"{kind}: {str(message)[:200]}")
            return


async def _subscriber(
    spec: dict[str, Any], index: int, state: State, opening: asyncio.Semaphore
) -> None:
    try:
        async with opening:
            ws = await connect(
                spec["url"],
                subprotocols=[PROTOCOL],
                open_timeout=60,
                ping_interval=None,
                max_queue=None,
                # The bench stops these processes when it is done; no long goodbyes.
                close_timeout=1,
            )
            init = {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {spec['key']}"},
            }
            await ws.send(json.dumps(init))
            ack = json.loads(await ws.recv())
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"no connection_ack: {ack}")
            subscribe = {"id": "1", "type": "subscribe", "payload": {"query": spec["query"]}}
            await ws.send(json.dumps(subscribe))
        state.acked += 1
        if state.acked == state.count:
            state.announce("acked")
        async with ws:
            await _listen(ws, index, state)
    except (OSError, WebSocketException, RuntimeError, ValueError) as exc:
        state.errors.append(f"{type(exc).__name__}: {exc}")


async def run(spec: dict[str, Any]) -> State:
    state = State(count=spec["count"], received=[0] * spec["count"])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    opening = asyncio.Semaphore(OPENING)
    tasks = [
        asyncio.create_task(_subscriber(spec, i, state, opening)) for i in range(spec["count"])
    ]
    ends = time.monotonic() + spec["seconds"]
    while not stop.is_set() and time.monotonic() < ends:
        print(f"received {sum(state.received)}", flush=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 0.25)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return state


def main(argv: list[str]) -> None:
    with open(argv[0]) as f:
        spec: dict[str, Any] = json.load(f)
    state = uvloop.run(run(spec))
    with open(spec["out"] + ".bin", "wb") as f:
        state.samples.tofile(f)
    with open(spec["out"] + ".json", "w") as f:
        json.dump(
            {
                "count": state.count,
                "acked": state.acked,
                "received": state.received,
                "errors": state.errors[:50],
                "error_count": len(state.errors),
            },
            f,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
