"""Throughput baseline: `python -m bench.blaster REQUESTS.json CONCURRENCY [CLIENT]`.

Sends pre-rendered callbacks from CONCURRENCY tasks over one client with pooled connections,
streamed answers read to the end, on callbackd's event loop, and prints {"sent", "failed",
"started", "finished"} as JSON. CLIENT `httpx` (the default) is a bare httpx client, set up
as callbackd's sender is; `callbackd` is the sender's own client (`delivery.sender`, its
transport and connection pool): what callbackd's workers would do if claiming, rendering,
signing and recording cost nothing.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator
from ipaddress import ip_network
from typing import Any

import httpx

from callbackd import event_loop
from delivery.guard import Guard
from delivery.sender import new_client

HTTPX = "httpx"
CALLBACKD = "callbackd"


async def _worker(
    client: httpx.AsyncClient, requests: Iterator[dict[str, Any]], failed: list[int]
) -> None:
    for r in requests:
        try:
            async with client.stream(
                r["method"], r["url"], headers=r["headers"], content=r["body"].encode()
            ) as response:
                await response.aread()
                if not 200 <= response.status_code < 300:
                    failed.append(1)
        except httpx.HTTPError:
            failed.append(1)


def _client(kind: str, concurrency: int) -> httpx.AsyncClient:
    if kind == CALLBACKD:
        return new_client(Guard((ip_network("127.0.0.0/8"),)), 10, concurrency)
    return httpx.AsyncClient(
        timeout=httpx.Timeout(10),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        trust_env=False,
    )


async def blast(
    requests: list[dict[str, Any]], concurrency: int, kind: str = HTTPX
) -> dict[str, Any]:
    failed: list[int] = []
    shared = iter(requests)
    async with _client(kind, concurrency) as client:
        started = time.time()
        await asyncio.gather(*(_worker(client, shared, failed) for _ in range(concurrency)))
        finished = time.time()
    return {"sent": len(requests), "failed": len(failed), "started": started, "finished": finished}


def main(argv: list[str]) -> None:
    with open(argv[0]) as f:
        requests: list[dict[str, Any]] = json.load(f)
    kind = argv[2] if len(argv) > 2 else HTTPX
    if kind not in (HTTPX, CALLBACKD):
        sys.exit(f"CLIENT is {HTTPX} or {CALLBACKD}, not {kind}")
    print(json.dumps(event_loop.run(blast(requests, int(argv[1]), kind))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
