"""At-least-once delivery: a server killed mid-run loses nothing, and a receiver that was
down gets everything once it is back."""

from __future__ import annotations

import asyncio
import uuid
from collections import defaultdict

import pytest
from starlette.responses import Response

from tests.support import server
from tests.support.api import Api, running_api, settings
from tests.support.profiles import create_profile
from tests.support.receiver import Received, free_port, running_receiver

PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) { deliveries { id } userErrors { message } }
}
"""
CREATE = """
mutation ($endpoint: String!) {
  createCallbackProfile(input: {title: "Durable", channel: SMS, httpMethod: POST,
                                endpoint: $endpoint, variables: ["status", "ref"]}) {
    callbackProfile { id }
  }
}
"""
DELIVERIES = """
query ($after: String, $status: DeliveryStatus) {
  deliveries(first: 100, after: $after, status: $status) {
    edges { node { id status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
REPORTS = 300


def all_deliveries(url: str, key: str) -> dict[str, str]:
    found: dict[str, str] = {}
    after = None
    while True:
        page = server.graphql(url, key, DELIVERIES, {"after": after})["deliveries"]
        found.update({e["node"]["id"]: e["node"]["status"] for e in page["edges"]})
        if not page["pageInfo"]["hasNextPage"]:
            return found
        after = page["pageInfo"]["endCursor"]


@pytest.mark.mongo
async def test_sigkill_mid_run_loses_no_report(mongodb_url: str) -> None:
    env = server.server_env(
        mongodb_url, CALLBACKD_DATABASE=f"durable_{uuid.uuid4().hex[:12]}", CALLBACKD_WORKERS="16"
    )
    key = await asyncio.to_thread(server.create_account, env, "durable")

    async def slow(_: Received) -> Response:
        await asyncio.sleep(0.05)
        return Response("ok")

    async with running_receiver() as receiver:
        receiver.answer = slow
        port = free_port()
        first = await asyncio.to_thread(server.start, env, port)
        try:
            created = await asyncio.to_thread(
                server.graphql, first.url, key, CREATE, {"endpoint": receiver.url}
            )
            profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]
            delivery_of: dict[str, str] = {}
            for start in range(0, REPORTS, 100):
                events = [
                    {
                        "callbackProfileId": profile_id,
                        "values": {"status": "Delivered", "ref": f"report-{n}"},
                    }
                    for n in range(start, start + 100)
                ]
                data = await asyncio.to_thread(
                    server.graphql, first.url, key, PUBLISH, {"events": events}
                )
                for n, d in zip(
                    range(start, start + 100),
                    data["publishStatusEvents"]["deliveries"],
                    strict=True,
                ):
                    delivery_of[f"report-{n}"] = d["id"]
            await receiver.wait_for(REPORTS // 4, timeout=60)
        finally:
            first.kill()
        received_before_kill = len(receiver.received)

        with server.running(env, port) as second:
            async with asyncio.timeout(120):
                while True:
                    statuses = await asyncio.to_thread(all_deliveries, second.url, key)
                    if set(statuses.values()) == {"SUCCEEDED"} and len(statuses) == REPORTS:
                        break
                    await asyncio.sleep(0.5)

    ids_by_report: dict[str, set[str]] = defaultdict(set)
    for got in receiver.received:
        body = got.body.decode()
        ref = body.split('"ref":"')[1].split('"')[0]
        ids_by_report[ref].add(got.headers["webhook-id"])
    assert received_before_kill < REPORTS
    assert set(ids_by_report) == set(delivery_of)
    assert {ref: ids for ref, ids in ids_by_report.items()} == {
        ref: {delivery_id} for ref, delivery_id in delivery_of.items()
    }


async def test_receiver_down_for_a_while_gets_everything_once_back() -> None:
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/hook"
    async with running_api(
        settings(CALLBACKD_MAX_ATTEMPTS="10", CALLBACKD_RETRY_BASE_SECONDS="0.1")
    ) as api:
        key = await api.account()
        profile_id, _ = await create_profile(
            api, key, channel="SMS", httpMethod="POST", endpoint=endpoint, variables=["ref"]
        )
        events = [{"callbackProfileId": profile_id, "values": {"ref": f"r{n}"}} for n in range(20)]
        published = await api.run(PUBLISH, {"events": events}, key=key)
        await asyncio.sleep(1.5)

        async with running_receiver(port) as receiver:
            got = await receiver.wait_for(20, timeout=30)
            statuses = await _settle(api, key)

    delivery_ids = {d["id"] for d in published["publishStatusEvents"]["deliveries"]}
    assert {r.headers["webhook-id"] for r in got} == delivery_ids
    assert set(statuses.values()) == {"SUCCEEDED"}


async def _settle(api: Api, key: str) -> dict[str, str]:
    async with asyncio.timeout(30):
        while True:
            page = (await api.run(DELIVERIES, {}, key=key))["deliveries"]
            statuses = {e["node"]["id"]: e["node"]["status"] for e in page["edges"]}
            if set(statuses.values()) == {"SUCCEEDED"}:
                return statuses
            await asyncio.sleep(0.1)
