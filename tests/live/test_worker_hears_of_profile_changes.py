"""A worker keeps the profile it read for a send and uses it for the next sends, until it
hears of a change: a server that changes a profile says so on the shared feed before it
announces any report published after the change, so the worker sends that report with the
change, without reading the profile for every send."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest

from tests.support import server
from tests.support.receiver import Receiver

pytestmark = pytest.mark.mongo

CREATE = """
mutation ($endpoint: String!) {
  createCallbackProfile(input: {title: "Changing", channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["ref"]}) {
    callbackProfile { id }
  }
}
"""
EDIT = """
mutation ($id: ID!) {
  editCallbackProfileVariables(id: $id, input: {variables: ["status"]}) {
    userErrors { code }
  }
}
"""
PUBLISH = """
mutation ($id: ID!, $ref: String!) {
  publishStatusEvents(events: [{callbackProfileId: $id,
                                values: {ref: $ref, status: "Delivered"}}]) {
    deliveries { id }
  }
}
"""
# Far longer than the test may take: the worker learns of the reports from notices only.
SWEEP_SECONDS = "3600"


async def test_a_report_published_after_a_change_elsewhere_is_sent_with_it(
    mongodb_url: str, receiver: Receiver
) -> None:
    # Given a server without workers, a worker, and a first report sent with the variable
    # `ref`, so that the worker keeps the profile
    env = server.server_env(
        mongodb_url,
        CALLBACKD_DATABASE=f"changes_{uuid.uuid4().hex[:12]}",
        CALLBACKD_SWEEP_SECONDS=SWEEP_SECONDS,
    )
    key = await asyncio.to_thread(server.create_account, env, "changing")
    with server.running({**env, "CALLBACKD_WORKERS": "0"}) as api:
        created = await asyncio.to_thread(
            server.graphql, api.url, key, CREATE, {"endpoint": receiver.url}
        )
        profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]
        with server.worker(env) as worker:
            await asyncio.to_thread(
                server.graphql, api.url, key, PUBLISH, {"id": profile_id, "ref": "first"}
            )
            await receiver.wait_for(1, timeout=30)

            # When the server changes the profile's variables to `status` and publishes again
            edited = await asyncio.to_thread(server.graphql, api.url, key, EDIT, {"id": profile_id})
            await asyncio.to_thread(
                server.graphql, api.url, key, PUBLISH, {"id": profile_id, "ref": "second"}
            )

            # Then the second callback carries `status`, as the changed profile says
            got = await receiver.wait_for(2, timeout=30)

    assert edited["editCallbackProfileVariables"]["userErrors"] == []
    assert [json.loads(r.body) for r in got] == [{"ref": "first"}, {"status": "Delivered"}]
    assert worker.returncode == 0
