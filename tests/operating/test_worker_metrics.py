"""`callbackd worker` with CALLBACKD_METRICS_ADDR: the attempts it makes are scraped from it,
and SIGTERM stops it with exit status 0."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import uuid

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support import server
from tests.support.console import create_profile, publish
from tests.support.receiver import Receiver, free_port

pytestmark = pytest.mark.mongo


def attempts(url: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The attempt counts a scrape shows; none while the worker is not listening yet."""
    try:
        text = httpx.get(url, timeout=10).text
    except httpx.ConnectError:
        return {}
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "callbackd_attempts_total"
    }


async def test_a_worker_serves_its_own_metrics(mongodb_url: str, receiver: Receiver) -> None:
    env = server.server_env(mongodb_url, CALLBACKD_DATABASE=f"wm_{uuid.uuid4().hex[:12]}")
    key = await asyncio.to_thread(server.create_account, env, "scraped")
    port = free_port()
    metrics_url = f"http://127.0.0.1:{port}/metrics"
    worker = subprocess.Popen(
        [sys.executable, "-m", "callbackd.cli", "worker"],
        cwd=server.ROOT,
        env={**env, "CALLBACKD_METRICS_ADDR": f"127.0.0.1:{port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with server.running({**env, "CALLBACKD_WORKERS": "0"}) as api:
            base = f"http://127.0.0.1:{api.port}"
            profile_id = await asyncio.to_thread(create_profile, base, key, receiver.url, "Scraped")
            await asyncio.to_thread(publish, base, key, profile_id)
            await receiver.wait_for(1, timeout=20)
            async with asyncio.timeout(10):
                while not (found := await asyncio.to_thread(attempts, metrics_url)):
                    await asyncio.sleep(0.05)
    finally:
        worker.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(worker.wait, 30)

    assert found == {(("channel", "SMS"), ("outcome", "SUCCEEDED"), ("trigger", "EVENT")): 1.0}
    assert code == 0
