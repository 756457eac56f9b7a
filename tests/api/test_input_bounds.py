"""Every input has a bound (README.md, "Limits"): one past it is a user error with the path
and code, and nothing is written; at the bound the input is taken."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.profiles import create_profile

CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile { id }
    userErrors { field message code }
  }
}
"""
PUBLISH = """
mutation ($events: [StatusEventInput!]!) {
  publishStatusEvents(events: $events) {
    deliveries { id }
    userErrors { field message code }
  }
}
"""
SEARCH = "query ($s: String) { callbackProfiles(search: $s) { edges { cursor } } }"
PROFILES = "query { callbackProfiles(first: 100) { edges { node { id } } } }"
DELIVERIES = "query { deliveries(first: 100) { edges { node { id } } } }"
GCM = {"algorithm": "AES_128_GCM", "key": "k" * 16, "iv": "i" * 12}


def sms(**changes: Any) -> dict[str, Any]:
    return {
        "title": "Bounds",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": "https://hooks.example.com/a",
        "variables": ["status"],
        **changes,
    }


def nested(levels: int) -> dict[str, Any]:
    """A template whose placeholder sits `levels` objects deep."""
    node: Any = "<status>"
    for _ in range(levels):
        node = {"n": node}
    template: dict[str, Any] = node
    return template


def headers(count: int, name: str = "X-H", value: str = "v") -> list[dict[str, str]]:
    return [{"name": f"{name}{i}" if count > 1 else name, "value": value} for i in range(count)]


PROFILE_BOUNDS = [
    pytest.param(
        {"title": "t" * 101},
        ["input", "title"],
        "Title takes at most 100 characters.",
        "TOO_LONG",
        id="title",
    ),
    pytest.param(
        {"endpoint": "https://hooks.example.com/" + "p" * 2023},
        ["input", "endpoint"],
        "Endpoint takes at most 2048 characters.",
        "TOO_LONG",
        id="endpoint",
    ),
    pytest.param(
        {"headers": headers(31)},
        ["input", "headers"],
        "At most 30 headers.",
        "TOO_MANY",
        id="headers",
    ),
    pytest.param(
        {"headers": headers(1, name="X" * 257)},
        ["input", "headers", "0", "name"],
        "Header names take at most 256 characters.",
        "TOO_LONG",
        id="header-name",
    ),
    pytest.param(
        {"headers": headers(1, value="v" * 4097)},
        ["input", "headers", "0", "value"],
        "Header values take at most 4096 characters.",
        "TOO_LONG",
        id="header-value",
    ),
    pytest.param(
        {"variables": ["status"] * 51},
        ["input", "variables"],
        "Select at most 50 variables.",
        "TOO_MANY",
        id="variables",
    ),
    pytest.param(
        {"variables": ["v" * 65]},
        ["input", "variables", "0"],
        "Variable names take at most 64 characters.",
        "TOO_LONG",
        id="variable-name",
    ),
    pytest.param(
        {"variables": None, "bodyTemplate": {"s": "<status>", "pad": "x" * 16_384}},
        ["input", "bodyTemplate"],
        "bodyTemplate takes at most 16384 bytes.",
        "TOO_LONG",
        id="template-size",
    ),
    pytest.param(
        {"variables": None, "bodyTemplate": nested(9)},
        ["input", "bodyTemplate"],
        "bodyTemplate nests at most 8 levels.",
        "INVALID_TEMPLATE",
        id="template-depth",
    ),
    pytest.param(
        {"responseMessage": "r" * 501},
        ["input", "responseMessage"],
        "Response message takes at most 500 characters.",
        "TOO_LONG",
        id="response-message",
    ),
    pytest.param(
        {"encryption": {**GCM, "key": "k" * 129}},
        ["input", "encryption", "key"],
        "Key takes at most 128 characters as written.",
        "TOO_LONG",
        id="encryption-key",
    ),
    pytest.param(
        {"encryption": {**GCM, "iv": "i" * 129}},
        ["input", "encryption", "iv"],
        "IV takes at most 128 characters as written.",
        "TOO_LONG",
        id="encryption-iv",
    ),
    pytest.param(
        {"encryption": {**GCM, "parameters": ["status"] * 51}},
        ["input", "encryption", "parameters"],
        "Encrypt at most 50 parameters.",
        "TOO_MANY",
        id="encryption-parameters",
    ),
]


@pytest.mark.parametrize(("change", "field", "message", "code"), PROFILE_BOUNDS)
async def test_profile_input_past_its_bound_is_refused(
    api: Api, key: str, change: dict[str, Any], field: list[str], message: str, code: str
) -> None:
    data = await api.run(CREATE, {"input": sms(**change)}, key=key)

    assert data["createCallbackProfile"] == {
        "callbackProfile": None,
        "userErrors": [{"field": field, "message": message, "code": code}],
    }
    assert (await api.run(PROFILES, key=key))["callbackProfiles"]["edges"] == []


async def test_profile_input_at_its_bounds_is_taken(api: Api, key: str) -> None:
    input = sms(
        title="t" * 100,
        endpoint="https://hooks.example.com/" + "p" * 2022,
        headers=[
            {"name": "X" * 256, "value": "v" * 4096},
            *headers(29),
        ],
        variables=None,
        bodyTemplate=nested(8),
        responseMessage="r" * 500,
    )

    data = await api.run(CREATE, {"input": input}, key=key)

    assert data["createCallbackProfile"]["userErrors"] == []


def reports(profile_id: str, count: int = 1, **changes: Any) -> list[dict[str, Any]]:
    return [{"callbackProfileId": profile_id, "values": {"status": "Delivered"}, **changes}] * count


REPORT_BOUNDS = [
    pytest.param(
        {"count": 1001},
        ["events"],
        "Send 1 to 1000 events per call.",
        "TOO_MANY",
        id="events",
    ),
    pytest.param(
        {"values": {f"v{i}": i for i in range(51)}},
        ["events", "0", "values"],
        "values holds at most 50 variables.",
        "TOO_MANY",
        id="values",
    ),
    pytest.param(
        {"values": {"n" * 65: 1}},
        ["events", "0", "values", "n" * 65],
        "Variable names take at most 64 characters.",
        "TOO_LONG",
        id="values-name",
    ),
    pytest.param(
        {"values": {"status_trace": "t" * 2001}},
        ["events", "0", "values", "status_trace"],
        "status_trace must be text of at most 2000 characters; got a value of 2003 characters.",
        "INVALID_VALUE",
        id="value-text",
    ),
    pytest.param(
        {"idempotencyKey": "k" * 201},
        ["events", "0", "idempotencyKey"],
        "Idempotency keys take 1 to 200 characters.",
        "INVALID_VALUE",
        id="idempotency-key",
    ),
]


@pytest.mark.parametrize(("change", "field", "message", "code"), REPORT_BOUNDS)
async def test_report_past_its_bound_is_refused(
    api: Api, key: str, change: dict[str, Any], field: list[str], message: str, code: str
) -> None:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint="https://hooks.example.com/a",
        variables=["status"],
    )

    data = await api.run(PUBLISH, {"events": reports(profile_id, **change)}, key=key)

    payload = data["publishStatusEvents"]
    assert {"field": field, "message": message, "code": code} in payload["userErrors"]
    assert {e["code"] for e in payload["userErrors"]} == {code}
    assert (await api.run(DELIVERIES, key=key))["deliveries"]["edges"] == []


async def test_search_past_its_bound_is_refused(api: Api, key: str) -> None:
    body = await api.raw(SEARCH, {"s": "s" * 101}, key)

    assert body["data"] is None
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("`search` takes at most 100 characters", "BAD_USER_INPUT")
    ]


async def test_search_at_its_bound_is_taken(api: Api, key: str) -> None:
    data = await api.run(SEARCH, {"s": "s" * 100}, key=key)

    assert data["callbackProfiles"]["edges"] == []
