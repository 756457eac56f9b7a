"""A rate-limited profile served by several processes on one database: every callback held
back by the limit waits and goes out once, using one attempt, whichever process sends it."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter

import pytest

from tests.live.test_rival_processes import PUBLISH, all_deliveries
from tests.support import server
from tests.support.receiver import running_receiver

pytestmark = pytest.mark.mongo

CREATE = """
mutation ($endpoint: String!) {
  createCallbackProfile(input: {title: "Limited", channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["ref"], maxPerSecond: 20}) {
    callbackProfile { id }
  }
}
"""
REPORTS = 60


async def test_two_workers_send_each_held_back_callback_once_with_one_attempt(
    mongodb_url: str,
) -> None:
    # Given a server and two workers on one database, and a profile limited to 20 per second
    env = server.server_env(mongodb_url, CALLBACKD_DATABASE=f"limit_{uuid.uuid4().hex[:12]}")
    key = await asyncio.to_thread(server.create_account, env, "limited")
    async with running_receiver() as receiver:
        with (
            server.running({**env, "CALLBACKD_WORKERS": "0"}) as api,
            server.worker({**env, "CALLBACKD_WORKERS": "8"}),
            server.worker({**env, "CALLBACKD_WORKERS": "8"}),
        ):
            created = await asyncio.to_thread(
                server.graphql, api.url, key, CREATE, {"endpoint": receiver.url}
            )
            profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]

            # When more reports are published than the limit lets out in a second
            events = [
                {"callbackProfileId": profile_id, "values": {"ref": f"r-{n}"}}
                for n in range(REPORTS)
            ]
            data = await asyncio.to_thread(
                server.graphql, api.url, key, PUBLISH, {"events": events}
            )
            published = {d["id"] for d in data["publishStatusEvents"]["deliveries"]}
            async with asyncio.timeout(120):
                while True:
                    deliveries = await asyncio.to_thread(all_deliveries, api.url, key)
                    if {d["status"] for d in deliveries} == {"SUCCEEDED"}:
                        break
                    await asyncio.sleep(0.5)

    # Then each was sent once, as its first and only attempt
    received = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert len(published) == REPORTS
    assert received == Counter({i: 1 for i in published})
    assert sorted((d["id"], d["attemptCount"]) for d in deliveries) == sorted(
        (i, 1) for i in published
    )
