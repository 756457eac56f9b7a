"""Numbers the store cannot hold (integers beyond 64 signed bits, infinities and NaN) are
refused where they enter, in report values and in body templates, as user errors with their
path; nothing is written. The largest numbers it can hold go through."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.support.api import Api
from tests.support.profiles import create_profile

PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) {
    deliveries { id }
    userErrors { field message code }
  }
}
"""
CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile { id }
    userErrors { field message code }
  }
}
"""
DELIVERIES = "query { deliveries(first: 100) { edges { node { id } } } }"
PROFILES = "query { callbackProfiles(first: 100) { edges { node { id } } } }"

INTEGER_RANGE = "an integer from -9223372036854775808 to 9223372036854775807"
STORABLE = f"{INTEGER_RANGE} or a finite number"


async def post(api: Api, key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Sends the variables as JSON text written here: NaN and Infinity are not JSON, but
    Python's and so the server's reader take them."""
    response = await api.http.post(
        "/graphql",
        content=json.dumps({"query": query, "variables": variables}),
        headers={"authorization": f"Bearer {key}", "content-type": "application/json"},
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        pytest.param("units", 2**63, f"units must be {STORABLE}; got {2**63}.", id="int-2^63"),
        pytest.param(
            "units", -(2**63) - 1, f"units must be {STORABLE}; got {-(2**63) - 1}.", id="int-below"
        ),
        pytest.param("units", 1e308, f"units must be {INTEGER_RANGE}; got 1e+308.", id="int-1e308"),
        pytest.param(
            "units",
            "99999999999999999999",
            f"units must be {INTEGER_RANGE}; got '99999999999999999999'.",
            id="int-text",
        ),
        pytest.param("price", 2**64, f"price must be {STORABLE}; got {2**64}.", id="number-2^64"),
        pytest.param(
            "price", float("inf"), f"price must be {STORABLE}; got inf.", id="number-infinity"
        ),
        pytest.param("price", float("nan"), f"price must be {STORABLE}; got nan.", id="number-nan"),
        pytest.param(
            "price",
            "18446744073709551616",
            f"price must be {INTEGER_RANGE}; got '18446744073709551616'.",
            id="number-text",
        ),
        pytest.param(
            "status_trace", 2**70, f"status_trace must be {STORABLE}; got {2**70}.", id="text-2^70"
        ),
        pytest.param(
            "status_trace",
            float("-inf"),
            f"status_trace must be {STORABLE}; got -inf.",
            id="text-minus-infinity",
        ),
    ],
)
async def test_report_value_the_store_cannot_hold_is_refused(
    api_on_each_store: Api, variable: str, value: Any, message: str
) -> None:
    api = api_on_each_store
    key = await api.account()
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint="https://hooks.example.com/a",
        variables=["status", variable],
    )
    events = [{"callbackProfileId": profile_id, "values": {"status": "Delivered", variable: value}}]

    data = await post(api, key, PUBLISH, {"events": events})

    assert data["publishStatusEvents"] == {
        "deliveries": [None],
        "userErrors": [
            {
                "field": ["events", "0", "values", variable],
                "message": message,
                "code": "INVALID_VALUE",
            }
        ],
    }
    assert (await api.run(DELIVERIES, key=key))["deliveries"]["edges"] == []


async def test_largest_numbers_the_store_holds_are_queued(api_on_each_store: Api) -> None:
    api = api_on_each_store
    key = await api.account()
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint="https://hooks.example.com/a",
        variables=["units", "total", "price"],
    )
    values = {"units": 2**63 - 1, "total": -(2**63), "price": 1e308}

    data = await post(
        api, key, PUBLISH, {"events": [{"callbackProfileId": profile_id, "values": values}]}
    )

    assert data["publishStatusEvents"]["userErrors"] == []
    [delivery] = data["publishStatusEvents"]["deliveries"]
    account = await api.runtime.services.accounts.authenticate(f"Bearer {key}")
    assert account is not None
    stored = await api.runtime.services.store.get_delivery(account.id, delivery["id"])
    assert stored is not None
    assert stored.values == values


@pytest.mark.parametrize(
    "number",
    [
        pytest.param(2**63, id="2^63"),
        pytest.param(-(2**63) - 1, id="below-int64"),
        pytest.param(float("inf"), id="infinity"),
        pytest.param(float("nan"), id="nan"),
    ],
)
async def test_body_template_number_the_store_cannot_hold_is_refused(
    api_on_each_store: Api, number: Any
) -> None:
    api = api_on_each_store
    key = await api.account()
    template = {"status": "<status>", "meta": {"weights": [1, number]}}
    input = {
        "title": "Numbers",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": "https://hooks.example.com/a",
        "bodyTemplate": template,
    }

    data = await post(api, key, CREATE, {"input": input})

    assert data["createCallbackProfile"] == {
        "callbackProfile": None,
        "userErrors": [
            {
                "field": ["input", "bodyTemplate"],
                "message": f"bodyTemplate numbers must each be {STORABLE}.",
                "code": "INVALID_VALUE",
            }
        ],
    }
    assert (await api.run(PROFILES, key=key))["callbackProfiles"]["edges"] == []
