"""A worker learns of reports that a server without workers accepted from the notice the
server puts on the shared feed, not by reading the queue: with its queue sweeps an hour
apart, a report published after its first sweep is still delivered."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from tests.support import server
from tests.support.receiver import Receiver

pytestmark = pytest.mark.mongo

CREATE = """
mutation ($endpoint: String!) {
  createCallbackProfile(input: {title: "Told", channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["ref"]}) {
    callbackProfile { id }
  }
}
"""
PUBLISH = """
mutation ($id: ID!, $ref: String!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {ref: $ref}}]) {
    deliveries { id }
  }
}
"""
# Far longer than the test may take: a sweep after the first one would be an hour away.
SWEEP_SECONDS = "3600"


def published_id(data: dict[str, object]) -> str:
    payload = data["publishStatusEvents"]
    assert isinstance(payload, dict)
    [delivery] = payload["deliveries"]
    return str(delivery["id"])


async def test_a_worker_delivers_what_a_server_without_workers_announced(
    mongodb_url: str, receiver: Receiver
) -> None:
    # Given a server without workers and a worker that sweeps the queue once an hour
    env = server.server_env(
        mongodb_url,
        CALLBACKD_DATABASE=f"notices_{uuid.uuid4().hex[:12]}",
        CALLBACKD_SWEEP_SECONDS=SWEEP_SECONDS,
    )
    key = await asyncio.to_thread(server.create_account, env, "told")
    with server.running({**env, "CALLBACKD_WORKERS": "0"}) as api:
        created = await asyncio.to_thread(
            server.graphql, api.url, key, CREATE, {"endpoint": receiver.url}
        )
        profile = created["createCallbackProfile"]
        assert isinstance(profile, dict)
        profile_id = profile["callbackProfile"]["id"]
        with server.worker(env) as worker:
            # and a first report delivered, so that the worker's first sweep, on starting,
            # is behind it whichever way that report reached it
            first = published_id(
                await asyncio.to_thread(
                    server.graphql, api.url, key, PUBLISH, {"id": profile_id, "ref": "first"}
                )
            )
            await receiver.wait_for(1, timeout=30)

            # When a second report is published through the server
            second = published_id(
                await asyncio.to_thread(
                    server.graphql, api.url, key, PUBLISH, {"id": profile_id, "ref": "second"}
                )
            )

            # Then the worker delivers it, long before it would read the queue again
            got = await receiver.wait_for(2, timeout=30)

    assert [r.headers["webhook-id"] for r in got] == [first, second]
    assert worker.returncode == 0
