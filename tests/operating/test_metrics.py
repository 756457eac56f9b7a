"""/metrics: Prometheus text with attempts, deliveries, operations and requests counted in
the process."""

from __future__ import annotations

import asyncio

from prometheus_client.parser import text_string_to_metric_families
from starlette.responses import Response

from tests.support.api import Api, running_api, settings
from tests.support.profiles import create_profile
from tests.support.receiver import Received, Receiver

TEST = """
mutation Probe($id: ID!) { testCallbackProfile(id: $id) { attempt { outcome } } }
"""
PUBLISH = """
mutation Publish($id: ID!) {
  publishStatusEvents(events: [{callbackProfileId: $id, values: {status: "Delivered"}}]) {
    deliveries { id }
  }
}
"""
DELIVERY = """
query Delivery($id: ID!) { delivery(id: $id) { status } }
"""
BROKEN = "query Broken { nothingHere }"


async def samples(api: Api) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of the scrape, by name and sorted labels."""
    response = await api.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=1.0.0; charset=utf-8"
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


async def delivered(api: Api, key: str, delivery_id: str) -> None:
    async with asyncio.timeout(10):
        while True:
            data = await api.run(DELIVERY, {"id": delivery_id}, key=key)
            if data["delivery"]["status"] in ("SUCCEEDED", "FAILED"):
                return
            await asyncio.sleep(0.02)


async def test_attempts_are_counted_by_channel_trigger_and_outcome(
    api: Api, key: str, receiver: Receiver
) -> None:
    profile_id, _ = await create_profile(
        api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
    )

    await api.run(TEST, {"id": profile_id}, key=key)
    await api.run(TEST, {"id": profile_id}, key=key)
    found = await samples(api)

    tests = (
        "callbackd_attempts_total",
        (("channel", "SMS"), ("outcome", "SUCCEEDED"), ("trigger", "TEST")),
    )
    durations = ("callbackd_attempt_duration_seconds_count", (("channel", "SMS"),))
    assert found[tests] == 2.0
    assert found[durations] == 2.0


async def test_a_delivery_that_fails_for_good_is_counted_as_failed(
    api: Api, key: str, receiver: Receiver
) -> None:
    async def gone(_: Received) -> Response:
        return Response("gone", status_code=410)

    receiver.answer = gone
    profile_id, _ = await create_profile(
        api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
    )

    data = await api.run(PUBLISH, {"id": profile_id}, key=key)
    await delivered(api, key, data["publishStatusEvents"]["deliveries"][0]["id"])
    found = await samples(api)

    reports = ("callbackd_reports_published_total", ())
    failed = ("callbackd_deliveries_released_total", (("status", "FAILED"),))
    event = (
        "callbackd_attempts_total",
        (("channel", "SMS"), ("outcome", "HTTP_ERROR"), ("trigger", "EVENT")),
    )
    assert found[reports] == 1.0
    assert found[failed] == 1.0
    assert found[event] == 1.0


async def test_operations_are_counted_by_name_and_result(api: Api, key: str) -> None:
    await api.raw(BROKEN, key=key)
    await api.raw(BROKEN, key=key)
    await api.raw("query Channels { channels { kind } }", key=key)
    found = await samples(api)

    assert (
        found[("callbackd_graphql_operations_total", (("operation", "Channels"), ("result", "ok")))]
        == 1.0
    )
    assert (
        found[
            ("callbackd_graphql_operations_total", (("operation", "Broken"), ("result", "error")))
        ]
        == 2.0
    )
    assert (
        found[("callbackd_graphql_operation_duration_seconds_count", (("operation", "Channels"),))]
        == 1.0
    )


async def test_http_requests_are_counted_by_route_and_status(api: Api) -> None:
    await api.http.get("/healthz")
    await api.http.get("/no/such/page")
    found = await samples(api)

    health = (
        "callbackd_http_requests_total",
        (("method", "GET"), ("route", "/healthz"), ("status", "200")),
    )
    missing = (
        "callbackd_http_requests_total",
        (("method", "GET"), ("route", "other"), ("status", "404")),
    )
    assert found[health] == 1.0
    assert found[missing] == 1.0


async def test_no_one_subscribed_reads_as_zero_live_subscribers(api: Api) -> None:
    found = await samples(api)

    assert found[("callbackd_live_subscribers", ())] == 0.0
    assert found[("callbackd_live_streams", ())] == 0.0


async def test_the_backlog_is_read_from_the_store_at_most_once_per_interval(
    receiver: Receiver,
) -> None:
    async with running_api(settings(CALLBACKD_WORKERS="0")) as api:
        key = await api.account("idle")
        profile_id, _ = await create_profile(
            api, key, channel="SMS", httpMethod="POST", endpoint=receiver.url, variables=["status"]
        )
        await api.run(PUBLISH, {"id": profile_id}, key=key)
        await api.run(PUBLISH, {"id": profile_id}, key=key)
        first = await samples(api)
        await api.run(PUBLISH, {"id": profile_id}, key=key)
        second = await samples(api)

    pending = ("callbackd_deliveries", (("status", "PENDING"),))
    assert first[pending] == 2.0
    assert first[("callbackd_due_deliveries", ())] == 2.0
    assert ("callbackd_oldest_due_delivery_age_seconds", ()) in first
    assert first[("callbackd_deliveries", (("status", "FAILED"),))] == 0.0
    assert second[pending] == 2.0
    assert second[("callbackd_reports_published_total", ())] == 3.0
