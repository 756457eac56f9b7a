"""An anonymous flood: `python -m bench.flood SPEC.json`, prints what it sent as JSON.

SPEC: {"port", "concurrency", "seconds", "size"}. CONCURRENCY keep-alive connections each
post a different document of about SIZE bytes to /graphql without a key, the next as soon as
the previous answer is in, for SECONDS; a request still unanswered then is abandoned. Raw
asyncio on uvloop, as bench.loadgen, so the flood costs the server, not its own process.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections import Counter
from typing import Any

import uvloop

from bench.hostile import flood_document
from bench.loadgen import read_response

READY = "flooding"


def _request(port: int, document: str) -> bytes:
    body = json.dumps({"query": document}).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _connection(
    spec: dict[str, Any],
    connection: tuple[asyncio.StreamReader, asyncio.StreamWriter],
    first: int,
    statuses: Counter[str],
    stop_at: float,
) -> None:
    reader, writer = connection
    n = first
    try:
        while (left := stop_at - time.perf_counter()) > 0:
            writer.write(_request(spec["port"], flood_document(n, spec["size"])))
            n += spec["concurrency"]
            try:
                status = await asyncio.wait_for(read_response(reader), left)
            except TimeoutError:
                statuses["unanswered"] += 1
                return
            statuses[str(status)] += 1
    finally:
        writer.close()


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    connections = [
        await asyncio.open_connection("127.0.0.1", spec["port"]) for _ in range(spec["concurrency"])
    ]
    # The bench measures from this line on.
    print(READY, flush=True)
    statuses: Counter[str] = Counter()
    started = time.perf_counter()
    stop_at = started + spec["seconds"]
    # Numbered from the process id too, so no two runs send the same document.
    base = os.getpid() * 1_000_000
    await asyncio.gather(
        *(
            _connection(spec, connection, base + i, statuses, stop_at)
            for i, connection in enumerate(connections)
        )
    )
    return {"statuses": dict(statuses), "seconds": time.perf_counter() - started}


def main(argv: list[str]) -> None:
    with open(argv[0]) as f:
        spec: dict[str, Any] = json.load(f)
    print(json.dumps(uvloop.run(run(spec))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
