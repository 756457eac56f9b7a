"""Fan-out baseline: `python -m bench.broadcaster PORT`, a bare graphql-transport-ws server.

It speaks just enough of the protocol for bench.subscribers (connection_init -> ack,
subscribe -> registered) on the same uvicorn stack callbackd uses, and on
POST /emit {"count", "rate"} sends `count` attempt-shaped messages at `rate` per second to
every subscriber: each message serialised once and written to every socket in turn. It is
what fan-out costs with no GraphQL execution, no hub and no store; the subscriber processes
measure both servers in the same way. GET /stats answers {"subscribers", "emitted"}.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from datetime import UTC, datetime
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

PROTOCOL = "graphql-transport-ws"


class Broadcaster:
    def __init__(self) -> None:
        self.subscribers: set[WebSocket] = set()
        self.emitted = 0
        self._task: asyncio.Task[None] | None = None

    async def websocket(self, ws: WebSocket) -> None:
        await ws.accept(subprotocol=PROTOCOL)
        try:
            while True:
                message = json.loads(await ws.receive_text())
                if message.get("type") == "connection_init":
                    await ws.send_text('{"type":"connection_ack"}')
                elif message.get("type") == "subscribe":
                    self.subscribers.add(ws)
                elif message.get("type") == "ping":
                    await ws.send_text('{"type":"pong"}')
        except WebSocketDisconnect:
            pass
        finally:
            self.subscribers.discard(ws)

    async def _emit(self, count: int, rate: float) -> None:
        start = time.monotonic()
        for i in range(count):
            # An absolute schedule, so a slow send delays one message, not all that follow.
            await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
            now = datetime.now(UTC)
            attempt = {
                "id": f"att_{i}",
                "startedAt": now.isoformat(),
                "durationMs": 0.0,
                "outcome": "SUCCEEDED",
            }
            text = json.dumps(
                {"id": "1", "type": "next", "payload": {"data": {"deliveryAttempts": attempt}}}
            )
            for ws in list(self.subscribers):
                with contextlib.suppress(Exception):
                    await ws.send_text(text)
            self.emitted += 1

    async def emit(self, request: Request) -> Response:
        wanted: dict[str, Any] = await request.json()
        self._task = asyncio.create_task(self._emit(int(wanted["count"]), float(wanted["rate"])))
        return JSONResponse({"started": True})

    async def stats(self, _: Request) -> Response:
        return JSONResponse({"subscribers": len(self.subscribers), "emitted": self.emitted})


def main(argv: list[str]) -> None:
    broadcaster = Broadcaster()
    app = Starlette(
        routes=[
            WebSocketRoute("/graphql", broadcaster.websocket),
            Route("/emit", broadcaster.emit, methods=["POST"]),
            Route("/stats", broadcaster.stats),
        ]
    )
    # Without per-message compression, as callbackd.cli.server_config serves subscribers.
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(argv[0]),
        log_level="warning",
        ws_per_message_deflate=False,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
