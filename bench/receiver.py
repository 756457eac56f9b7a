"""The callback receiver: `python -m bench.receiver PORT`, in a process of its own.

A raw ASGI app on uvicorn (httptools, uvloop) so that the receiver costs as little as it can
and is never what a scenario measures. Any request to a path other than the ones below is a
callback: it answers 200 "ok" and is recorded with its arrival time (`time.time()`, the
clock every process on this machine shares), its `webhook-id` and the `ref` of its JSON body.

- GET /stats      {"count", "unique", "first", "last"}: callbacks so far, distinct webhook-ids,
                  first and last arrival
- GET /arrivals   {"at": [...], "id": [...], "ref": [...]}: every callback, in arrival order
- POST /reset     forgets everything
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import uvicorn
from starlette.types import Message, Receive, Scope, Send


class Record:
    def __init__(self) -> None:
        self.at: list[float] = []
        self.ids: list[str] = []
        self.refs: list[str] = []
        self.unique: set[str] = set()

    def clear(self) -> None:
        self.at, self.ids, self.refs, self.unique = [], [], [], set()

    def add(self, at: float, webhook_id: str, ref: str) -> None:
        self.at.append(at)
        self.ids.append(webhook_id)
        self.refs.append(ref)
        self.unique.add(webhook_id)

    def stats(self) -> dict[str, Any]:
        return {
            "count": len(self.at),
            "unique": len(self.unique),
            "first": self.at[0] if self.at else None,
            "last": self.at[-1] if self.at else None,
        }

    def arrivals(self) -> dict[str, Any]:
        return {"at": self.at, "id": self.ids, "ref": self.refs}


def _ref(body: bytes) -> str:
    try:
        value = json.loads(body).get("ref")
    except (ValueError, AttributeError):
        return ""
    return value if isinstance(value, str) else ""


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    more = True
    while more:
        message: Message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


async def _answer(send: Send, body: bytes, content_type: bytes = b"text/plain") -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", content_type),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def make_app(record: Record) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        at = time.time()
        path, method = scope["path"], scope["method"]
        body = await _body(receive)
        if method == "GET" and path == "/stats":
            await _answer(send, json.dumps(record.stats()).encode(), b"application/json")
        elif method == "GET" and path == "/arrivals":
            await _answer(send, json.dumps(record.arrivals()).encode(), b"application/json")
        elif method == "POST" and path == "/reset":
            record.clear()
            await _answer(send, b"reset")
        else:
            webhook_id = ""
            for name, value in scope["headers"]:
                if name == b"webhook-id":
                    webhook_id = value.decode()
                    break
            record.add(at, webhook_id, _ref(body))
            await _answer(send, b"ok")

    return app


def main(argv: list[str]) -> None:
    port = int(argv[0])
    uvicorn.run(
        make_app(Record()),
        host="127.0.0.1",
        port=port,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        lifespan="off",
        # Callbacks come from up to 32 workers at once and from bare clients; the default
        # backlog of 2048 is plenty, keep-alive is what matters.
        timeout_keep_alive=30,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
