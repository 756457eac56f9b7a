"""Servers and workers in separate processes share one database: each attempt is sent by
one process, and a worker killed mid-run loses nothing and makes no attempt count twice."""

from __future__ import annotations

import asyncio
import signal
import uuid
from collections import Counter
from typing import Any

import pytest
from starlette.responses import Response

from tests.support import server
from tests.support.receiver import Received, running_receiver

pytestmark = pytest.mark.mongo

CREATE = """
mutation ($endpoint: String!) {
  createCallbackProfile(input: {title: "Rivals", channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["ref"]}) {
    callbackProfile { id }
  }
}
"""
PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } userErrors { message } }
}
"""
DELIVERIES = """
query ($after: String) {
  deliveries(first: 100, after: $after) {
    edges { node { id status attemptCount attempts { number outcome } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
REPORTS = 300
BATCH = 50


def all_deliveries(url: str, key: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    after = None
    while True:
        page = server.graphql(url, key, DELIVERIES, {"after": after})["deliveries"]
        found += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


async def test_two_servers_and_two_workers_send_each_attempt_once_through_a_kill(
    mongodb_url: str,
) -> None:
    # Given two servers and two workers on one database, and a slow receiver
    env = server.server_env(
        mongodb_url,
        CALLBACKD_DATABASE=f"rivals_{uuid.uuid4().hex[:12]}",
        CALLBACKD_REQUEST_TIMEOUT_SECONDS="1",
        CALLBACKD_LEASE_SECONDS="5",
    )
    key = await asyncio.to_thread(server.create_account, env, "rivals")

    async def slow(_: Received) -> Response:
        await asyncio.sleep(0.05)
        return Response("ok")

    async with running_receiver() as receiver:
        receiver.answer = slow
        with (
            server.running({**env, "CALLBACKD_WORKERS": "4"}) as first,
            server.running({**env, "CALLBACKD_WORKERS": "4"}) as second,
            server.worker({**env, "CALLBACKD_WORKERS": "8"}) as doomed,
            server.worker({**env, "CALLBACKD_WORKERS": "8"}),
        ):
            created = await asyncio.to_thread(
                server.graphql, first.url, key, CREATE, {"endpoint": receiver.url}
            )
            profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]

            # When reports are published through both servers and a worker is killed mid-run
            published: set[str] = set()
            for start in range(0, REPORTS, BATCH):
                events = [
                    {"callbackProfileId": profile_id, "values": {"ref": f"r-{n}"}}
                    for n in range(start, start + BATCH)
                ]
                through = first if start // BATCH % 2 == 0 else second
                data = await asyncio.to_thread(
                    server.graphql, through.url, key, PUBLISH, {"events": events}
                )
                published |= {d["id"] for d in data["publishStatusEvents"]["deliveries"]}
            await receiver.wait_for(REPORTS // 4, timeout=60)
            doomed.send_signal(signal.SIGKILL)

            async with asyncio.timeout(120):
                while True:
                    deliveries = await asyncio.to_thread(all_deliveries, second.url, key)
                    if {d["status"] for d in deliveries} == {"SUCCEEDED"}:
                        break
                    await asyncio.sleep(0.5)

    # Then every report arrived, no delivery got more requests than attempts it counts (a
    # resend after a lease ran out is the next attempt), and every delivery's attempts are
    # numbered 1..n, the last one succeeded
    received = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert len(published) == REPORTS
    assert {d["id"] for d in deliveries} == published
    assert set(received) == published
    for d in deliveries:
        numbers = [a["number"] for a in d["attempts"]]
        outcomes = [a["outcome"] for a in d["attempts"]]
        assert sorted(numbers) == list(range(1, d["attemptCount"] + 1)), d
        assert outcomes[-1] == "SUCCEEDED", d
        assert received[d["id"]] <= d["attemptCount"], d
