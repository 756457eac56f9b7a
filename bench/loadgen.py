"""Closed-loop HTTP load: `python -m bench.loadgen SPEC.json`, prints the result as JSON.

SPEC: {"port", "method", "path", "headers": {..}, "body", "concurrency", "seconds", "warmup"}.
CONCURRENCY keep-alive connections each send the same request again as soon as the previous
answer is in; requests per second are counted after a warm-up. The client is raw asyncio on
uvloop with the request bytes built once, so that it costs a small fraction of what either
server under test does and never sets the pace itself.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from typing import Any

import uvloop


def _request(spec: dict[str, Any]) -> bytes:
    body = str(spec.get("body", "")).encode()
    lines = [
        f"{spec['method']} {spec['path']} HTTP/1.1",
        f"Host: 127.0.0.1:{spec['port']}",
        *(f"{k}: {v}" for k, v in spec.get("headers", {}).items()),
        f"Content-Length: {len(body)}",
        "",
        "",
    ]
    return "\r\n".join(lines).encode() + body


async def read_response(reader: asyncio.StreamReader) -> int:
    """Reads one answer off a keep-alive connection; answers its status."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        # Both servers under test send Content-Length; anything else is a broken answer.
        raise ValueError("response without Content-Length")
    await reader.readexactly(length)
    return status


async def _connection(
    spec: dict[str, Any], request: bytes, counts: dict[str, Any], stop_at: float, count_from: float
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", spec["port"])
    latencies: list[float] = counts["latencies"]
    try:
        while True:
            sent = time.perf_counter()
            if sent >= stop_at:
                return
            writer.write(request)
            status = await read_response(reader)
            done = time.perf_counter()
            if sent >= count_from:
                counts["requests"] += 1
                latencies.append(done - sent)
                if status != 200:
                    counts["errors"] += 1
    finally:
        writer.close()


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    request = _request(spec)
    start = time.perf_counter()
    count_from = start + spec["warmup"]
    stop_at = count_from + spec["seconds"]
    counts: dict[str, Any] = {"requests": 0, "errors": 0, "latencies": []}
    await asyncio.gather(
        *(
            _connection(spec, request, counts, stop_at, count_from)
            for _ in range(spec["concurrency"])
        )
    )
    # Requests still in flight at `stop_at` finished after it; count the time they took.
    elapsed = max(time.perf_counter(), stop_at) - count_from
    latencies = sorted(counts["latencies"])
    return {
        "requests": counts["requests"],
        "errors": counts["errors"],
        "seconds": elapsed,
        "rps": counts["requests"] / elapsed if elapsed > 0 else 0.0,
        "p50_ms": latencies[len(latencies) // 2] * 1000 if latencies else None,
        "p99_ms": latencies[int(len(latencies) * 0.99)] * 1000 if latencies else None,
    }


def main(argv: list[str]) -> None:
    with open(argv[0]) as f:
        spec: dict[str, Any] = json.load(f)
    print(json.dumps(uvloop.run(run(spec))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
