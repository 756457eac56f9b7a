"""Authentication input a caller can fix is answered as userErrors with a path and a code,
and nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api

CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile { id }
    userErrors { field message code }
  }
}
"""
LONG_URL = "https://auth.example.com/" + "t" * (2048 - len("https://auth.example.com/"))
LISTING = "query { callbackProfiles { edges { cursor } } }"
PROFILE = {
    "title": "Orders",
    "channel": "SMS",
    "httpMethod": "POST",
    "endpoint": "https://example.com/hook",
    "variables": ["status"],
}
TOKEN = {
    "type": "TOKEN",
    "tokenUrl": "https://auth.example.com/token",
    "clientId": "acme",
    "clientSecret": "cs-1",
}


async def errors_of(api: Api, key: str, **changes: Any) -> list[tuple[list[str], str]]:
    data = await api.run(CREATE, {"input": {**PROFILE, **changes}}, key=key)
    payload = data["createCallbackProfile"]
    assert payload["callbackProfile"] is None
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


@pytest.mark.parametrize(
    ("authentication", "expected"),
    [
        (
            {"type": "BASIC"},
            [
                (["input", "authentication", "username"], "REQUIRED"),
                (["input", "authentication", "password"], "REQUIRED"),
            ],
        ),
        (
            {"type": "TOKEN"},
            [
                (["input", "authentication", "tokenUrl"], "REQUIRED"),
                (["input", "authentication", "clientId"], "REQUIRED"),
                (["input", "authentication", "clientSecret"], "REQUIRED"),
            ],
        ),
        (
            {"type": "BASIC", "username": "a:b", "password": "x"},
            [(["input", "authentication", "username"], "INVALID_CHARACTERS")],
        ),
        (
            {**TOKEN, "tokenUrl": "ftp://auth.example.com/token"},
            [(["input", "authentication", "tokenUrl"], "INVALID_URL")],
        ),
        (
            {**TOKEN, "tokenUrl": "https://user:pw@auth.example.com/token"},
            [(["input", "authentication", "tokenUrl"], "INVALID_URL")],
        ),
        (
            {**TOKEN, "tokenField": "data..token", "expiresInField": "a b"},
            [
                (["input", "authentication", "tokenField"], "INVALID_VALUE"),
                (["input", "authentication", "expiresInField"], "INVALID_VALUE"),
            ],
        ),
        (
            {**TOKEN, "headers": [{"name": "bad name", "value": "x"}]},
            [(["input", "authentication", "headers", "0", "name"], "INVALID_HEADER")],
        ),
        (
            {**TOKEN, "headers": [{"name": "X-Key", "value": "a\r\nInjected: 1"}]},
            [(["input", "authentication", "headers", "0", "value"], "INVALID_HEADER")],
        ),
        (
            {**TOKEN, "tokenMethod": "GET", "credentials": "OAUTH2_FORM"},
            [(["input", "authentication", "credentials"], "NOT_SUPPORTED")],
        ),
        (
            {
                **TOKEN,
                "credentials": "BASIC_HEADER",
                "headers": [{"name": "Authorization", "value": "x"}],
            },
            [(["input", "authentication", "headers", "0", "name"], "CONFLICT")],
        ),
        (
            {**TOKEN, "headers": [{"name": "X-Tenant", "value": "Zürich"}]},
            [(["input", "authentication", "headers", "0", "value"], "INVALID_HEADER")],
        ),
        (
            {**TOKEN, "clientSecret": "s" * 1025, "tokenField": "f" * 201},
            [
                (["input", "authentication", "clientSecret"], "TOO_LONG"),
                (["input", "authentication", "tokenField"], "TOO_LONG"),
            ],
        ),
        (
            {**TOKEN, "tokenUrl": LONG_URL + "x"},
            [(["input", "authentication", "tokenUrl"], "TOO_LONG")],
        ),
        (
            {"type": "BASIC", "username": "acme", "password": "pw\u0007"},
            [(["input", "authentication", "password"], "INVALID_VALUE")],
        ),
        (
            {"type": "NONE", "password": "pw"},
            [(["input", "authentication", "password"], "NOT_SUPPORTED")],
        ),
        (
            {"type": "BASIC", "username": "acme", "password": "pw", "clientSecret": "cs"},
            [(["input", "authentication", "clientSecret"], "NOT_SUPPORTED")],
        ),
    ],
    ids=[
        "basic-missing",
        "token-missing",
        "basic-colon",
        "token-url-scheme",
        "token-url-credentials",
        "field-paths",
        "header-name",
        "header-value",
        "get-with-body",
        "basic-header-twice",
        "header-value-not-ascii",
        "credential-and-path-bounds",
        "token-url-bound",
        "control-character",
        "none-with-secret",
        "basic-with-token-field",
    ],
)
async def test_invalid_authentication_is_a_user_error_and_nothing_is_saved(
    api: Api, key: str, authentication: dict[str, Any], expected: list[tuple[list[str], str]]
) -> None:
    errors = await errors_of(api, key, authentication=authentication)

    assert errors == expected
    listing = await api.run(LISTING, key=key)
    assert listing["callbackProfiles"]["edges"] == []


@pytest.mark.parametrize("kind", ["BASIC", "TOKEN"])
async def test_authentication_conflicts_with_an_authorization_header(
    api: Api, key: str, kind: str
) -> None:
    authentication = (
        {"type": "BASIC", "username": "acme", "password": "pw"} if kind == "BASIC" else TOKEN
    )

    data = await api.run(
        CREATE,
        {
            "input": {
                **PROFILE,
                "headers": [{"name": "authorization", "value": "Bearer x", "secret": True}],
                "authentication": authentication,
            }
        },
        key=key,
    )

    assert data["createCallbackProfile"]["userErrors"] == [
        {
            "field": ["input", "authentication", "type"],
            "message": f"{kind} authentication sets the Authorization header, which the "
            "profile's headers already set; remove that header first.",
            "code": "CONFLICT",
        }
    ]


async def test_authentication_at_its_bounds_is_taken(api: Api, key: str) -> None:
    authentication = {
        **TOKEN,
        "tokenUrl": LONG_URL,
        "clientId": "i" * 1024,
        "clientSecret": "s" * 1024,
        "tokenField": "f" * 200,
        "expiresInField": "e" * 200,
    }

    data = await api.run(CREATE, {"input": {**PROFILE, "authentication": authentication}}, key=key)

    assert data["createCallbackProfile"]["userErrors"] == []
