"""`callbackd worker` delivers what a server without workers accepted, sharing MongoDB."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.support import server
from tests.support.receiver import Receiver

pytestmark = pytest.mark.mongo

CREATE = """
mutation ($endpoint: String!) {
  createCallbackProfile(input: {title: "Scaled out", channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["ref"]}) {
    callbackProfile { id }
  }
}
"""
PUBLISH = """
mutation ($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {ref: "a"}},
                               {callbackProfileId: $id, values: {ref: "b"}}]) {
    deliveries { id status }
  }
}
"""


async def test_separate_worker_delivers_for_a_server_without_workers(
    mongodb_url: str, receiver: Receiver
) -> None:
    env = server.server_env(mongodb_url, CALLBACKD_DATABASE=f"worker_{uuid.uuid4().hex[:12]}")
    key = await asyncio.to_thread(server.create_account, env, "scaled")
    with server.running({**env, "CALLBACKD_WORKERS": "0"}) as api:
        created = await asyncio.to_thread(
            server.graphql, api.url, key, CREATE, {"endpoint": receiver.url}
        )
        profile = created["createCallbackProfile"]
        assert isinstance(profile, dict)
        published = await asyncio.to_thread(
            server.graphql, api.url, key, PUBLISH, {"id": profile["callbackProfile"]["id"]}
        )
        await asyncio.sleep(0.5)
        assert receiver.received == []

        with server.worker(env) as worker:
            got = await receiver.wait_for(2, timeout=20)

    payload = published["publishStatusEvents"]
    assert isinstance(payload, dict)
    assert {r.headers["webhook-id"] for r in got} == {d["id"] for d in payload["deliveries"]}
    assert worker.returncode == 0
