"""CALLBACKD_METRICS_ADDR: /metrics on an address of its own, apart from the API, showing
the subscriptions open on the server."""

from __future__ import annotations

import asyncio

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.support import server
from tests.support.live import Subscriber
from tests.support.receiver import free_port


def live_subscribers(url: str) -> float:
    text = httpx.get(url, timeout=10).text
    [value] = [
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "callbackd_live_subscribers"
    ]
    return value


async def test_metrics_move_to_their_own_address_and_count_subscribers() -> None:
    port = free_port()
    metrics_url = f"http://127.0.0.1:{port}/metrics"
    env = server.server_env(None, CALLBACKD_METRICS_ADDR=f"127.0.0.1:{port}")
    with server.running(env) as srv:
        key = next(line for line in srv.lines if line.startswith("cbk_")).strip()
        on_api = await asyncio.to_thread(httpx.get, f"http://127.0.0.1:{srv.port}/metrics")
        before = await asyncio.to_thread(live_subscribers, metrics_url)
        async with Subscriber(srv, key):
            during = await asyncio.to_thread(live_subscribers, metrics_url)

    assert on_api.status_code == 404
    assert f"callbackd: metrics: {metrics_url}\n" in srv.lines
    assert (before, during) == (0.0, 1.0)
