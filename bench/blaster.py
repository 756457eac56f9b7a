"""Throughput baseline: `python -m bench.blaster REQUESTS.json CONCURRENCY`.

Sends pre-rendered callbacks with a bare httpx client, set up as callbackd's sender is
(pooled connections, one client, streamed answers read to the end, on callbackd's event
loop), from CONCURRENCY tasks, and prints {"sent", "failed", "started", "finished"} as JSON:
what callbackd's workers would do if claiming, rendering, signing and recording cost
nothing.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx

from callbackd import event_loop


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


async def blast(requests: list[dict[str, Any]], concurrency: int) -> dict[str, Any]:
    failed: list[int] = []
    shared = iter(requests)
    async with httpx.AsyncClient(
        timeout=httpx.Timeout(10),
        follow_redirects=False,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        trust_env=False,
    ) as client:
        started = time.time()
        await asyncio.gather(*(_worker(client, shared, failed) for _ in range(concurrency)))
        finished = time.time()
    return {"sent": len(requests), "failed": len(failed), "started": started, "finished": finished}


def main(argv: list[str]) -> None:
    with open(argv[0]) as f:
        requests: list[dict[str, Any]] = json.load(f)
    print(json.dumps(event_loop.run(blast(requests, int(argv[1])))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
