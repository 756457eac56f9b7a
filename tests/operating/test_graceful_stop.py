"""SIGTERM: no new requests or claims, in-flight callbacks finish within
CALLBACKD_SHUTDOWN_SECONDS or are handed back at once, subscriptions are closed with a
close code, and the process exits 0."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid
from typing import Any

import httpx
import pytest
import websockets
from starlette.responses import Response
from websockets.typing import Subprotocol

from tests.support import server
from tests.support.console import until
from tests.support.receiver import Received, Receiver, ok

pytestmark = pytest.mark.mongo

CREATE = """
mutation ($endpoint: String!) {
  createCallbackProfile(input: {title: "Stopping", channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["ref"]}) {
    callbackProfile { id }
  }
}
"""
PUBLISH = """
mutation ($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {ref: "a"}},
                               {callbackProfileId: $id, values: {ref: "b"}}]) {
    deliveries { id }
  }
}
"""
SUBSCRIBE = "subscription { deliveryAttempts { id } }"
DELIVERIES = "{ deliveries(first: 10) { edges { node { id status attemptCount } } } }"


def post(srv: server.ServerProcess, key: str, query: str, **variables: Any) -> dict[str, Any]:
    response = httpx.post(
        srv.url,
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {key}"},
        timeout=30,
    )
    data: dict[str, Any] = response.json()["data"]
    return data


def statuses_in(data: dict[str, Any]) -> dict[str, tuple[str, int]]:
    return {
        e["node"]["id"]: (e["node"]["status"], e["node"]["attemptCount"])
        for e in data["deliveries"]["edges"]
    }


def statuses(srv: server.ServerProcess, key: str) -> dict[str, tuple[str, int]]:
    return statuses_in(post(srv, key, DELIVERIES))


def settled(data: dict[str, Any]) -> bool:
    """Whether no delivery is waiting or in flight: a callback reaches its receiver before
    its outcome is written."""
    return all(s not in ("PENDING", "DELIVERING") for s, _ in statuses_in(data).values())


async def publish_two(srv: server.ServerProcess, key: str, endpoint: str) -> set[str]:
    created = await asyncio.to_thread(post, srv, key, CREATE, endpoint=endpoint)
    profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]
    published = await asyncio.to_thread(post, srv, key, PUBLISH, id=profile_id)
    return {d["id"] for d in published["publishStatusEvents"]["deliveries"]}


async def terminate(srv: server.ServerProcess) -> int:
    srv.process.send_signal(signal.SIGTERM)
    code = await asyncio.to_thread(srv.process.wait, 30)
    srv.close_output()
    return code


@pytest.fixture
def env(mongodb_url: str) -> dict[str, str]:
    return server.server_env(mongodb_url, CALLBACKD_DATABASE=f"stop_{uuid.uuid4().hex[:12]}")


async def test_callbacks_in_flight_finish_before_the_process_exits_0(
    env: dict[str, str], receiver: Receiver
) -> None:
    async def slow(_: Received) -> Response:
        await asyncio.sleep(1)
        return Response("ok")

    receiver.answer = slow
    key = await asyncio.to_thread(server.create_account, env, "stopping")
    srv = await asyncio.to_thread(server.start, {**env, "CALLBACKD_SHUTDOWN_SECONDS": "20"})
    ids = await publish_two(srv, key, receiver.url)
    await receiver.wait_for(2)

    code = await terminate(srv)

    assert code == 0
    with server.running({**env, "CALLBACKD_WORKERS": "0"}) as after:
        found = await asyncio.to_thread(statuses, after, key)
    assert found == {i: ("SUCCEEDED", 1) for i in ids}
    assert len(receiver.received) == 2


async def test_callbacks_past_the_bound_are_handed_back_not_left_to_their_lease(
    env: dict[str, str], receiver: Receiver
) -> None:
    hold = asyncio.Event()

    async def stuck_until_released(_: Received) -> Response:
        await hold.wait()
        return Response("ok")

    receiver.answer = stuck_until_released
    # A lease far longer than the test may take: only a hand-back lets another process send.
    env = {**env, "CALLBACKD_LEASE_SECONDS": "600", "CALLBACKD_REQUEST_TIMEOUT_SECONDS": "60"}
    key = await asyncio.to_thread(server.create_account, env, "stopping")
    srv = await asyncio.to_thread(server.start, {**env, "CALLBACKD_SHUTDOWN_SECONDS": "1"})
    ids = await publish_two(srv, key, receiver.url)
    await receiver.wait_for(2)

    code = await terminate(srv)
    receiver.answer = ok
    hold.set()
    with server.running(env) as successor:
        await receiver.wait_for(4, timeout=30)
        base = f"http://127.0.0.1:{successor.port}"
        found = statuses_in(await until(base, key, DELIVERIES, settled))

    assert code == 0
    # The interrupted send is attempt 1 (it reached the receiver); the successor's is 2.
    assert found == {i: ("SUCCEEDED", 2) for i in ids}
    assert sorted(r.headers["webhook-id"] for r in receiver.received) == sorted([*ids, *ids])


async def test_open_subscriptions_are_closed_with_service_restart(
    env: dict[str, str],
) -> None:
    key = await asyncio.to_thread(server.create_account, env, "stopping")
    srv = await asyncio.to_thread(server.start, env)
    async with websockets.connect(
        srv.ws_url, subprotocols=[Subprotocol("graphql-transport-ws")]
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": key}}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))

        code = await terminate(srv)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.recv()

    assert code == 0
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1012
