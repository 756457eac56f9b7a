"""Header names and values follow HTTP field syntax (RFC 9110): a name is a token, a value
visible ASCII with spaces or tabs between. Anything else is a user error with its path, for
saved profiles and for tested drafts alike, and nothing is written or sent."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.api import Api
from tests.support.receiver import Receiver

CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile { headers { name value secret } }
    userErrors { field message code }
  }
}
"""
TEST = """
mutation ($draft: CreateCallbackProfileInput!) {
  testCallbackProfile(draft: $draft) {
    attempt { outcome }
    userErrors { field message code }
  }
}
"""
COUNT = "query { callbackProfiles(first: 100) { edges { node { id } } } }"

VALUE_RULE = (
    "visible ASCII characters only, with spaces or tabs between them (RFC 9110): no control "
    "characters, no non-ASCII text, no leading or trailing space"
)
NAME_RULE = "letters, digits and !#$%&'*+-.^_`|~ only"


def draft(endpoint: str, *headers: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": "Headers",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": endpoint,
        "variables": ["status"],
        "headers": list(headers),
    }


BAD_VALUES = [
    pytest.param("日本", id="non-ASCII"),
    pytest.param("caf\u00e9", id="Latin-1"),
    pytest.param("a\x01b", id="control-character"),
    pytest.param("a\x7fb", id="delete"),
    pytest.param("a\x00b", id="nul"),
    pytest.param("a\nb", id="line-feed"),
    pytest.param(" padded", id="leading-space"),
    pytest.param("padded\t", id="trailing-tab"),
]


@pytest.mark.parametrize("secret", [False, True], ids=["plain", "secret"])
@pytest.mark.parametrize("value", BAD_VALUES)
async def test_header_value_outside_visible_ascii_is_refused(
    api: Api, key: str, value: str, secret: bool
) -> None:
    header = {"name": "X-Name", "value": value, "secret": secret}

    data = await api.run(CREATE, {"input": draft("https://hooks.example.com/a", header)}, key=key)

    assert data["createCallbackProfile"] == {
        "callbackProfile": None,
        "userErrors": [
            {
                "field": ["input", "headers", "0", "value"],
                "message": f"Header X-Name value may hold {VALUE_RULE}.",
                "code": "INVALID_HEADER",
            }
        ],
    }
    assert (await api.run(COUNT, key=key))["callbackProfiles"]["edges"] == []


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("X-Name\n", id="trailing-line-feed"),
        pytest.param("X Name", id="space"),
        pytest.param("X-Nämé", id="non-ASCII"),
        pytest.param("X:Name", id="colon"),
        pytest.param("", id="empty"),
    ],
)
async def test_header_name_that_is_not_a_token_is_refused(api: Api, key: str, name: str) -> None:
    header = {"name": name, "value": "ok"}

    data = await api.run(CREATE, {"input": draft("https://hooks.example.com/a", header)}, key=key)

    assert data["createCallbackProfile"] == {
        "callbackProfile": None,
        "userErrors": [
            {
                "field": ["input", "headers", "0", "name"],
                "message": f"Header name {name!r} is not a valid HTTP header name ({NAME_RULE}).",
                "code": "INVALID_HEADER",
            }
        ],
    }
    assert (await api.run(COUNT, key=key))["callbackProfiles"]["edges"] == []


async def test_draft_with_a_bad_header_is_refused_and_nothing_is_sent(
    api: Api, key: str, receiver: Receiver
) -> None:
    header = {"name": "X-Name", "value": "日本"}

    data = await api.run(TEST, {"draft": draft(receiver.url, header)}, key=key)

    assert data["testCallbackProfile"] == {
        "attempt": None,
        "userErrors": [
            {
                "field": ["draft", "headers", "0", "value"],
                "message": f"Header X-Name value may hold {VALUE_RULE}.",
                "code": "INVALID_HEADER",
            }
        ],
    }
    assert receiver.received == []


async def test_visible_ascii_with_inner_spaces_and_tabs_is_sent_as_given(
    api: Api, key: str, receiver: Receiver
) -> None:
    value = 'Token a=1, b="two"\tc=~!@#$%^&*()'
    header = {"name": "X-Custom_Header.v1", "value": value}

    data = await api.run(TEST, {"draft": draft(receiver.url, header)}, key=key)

    assert data["testCallbackProfile"] == {"attempt": {"outcome": "SUCCEEDED"}, "userErrors": []}
    [got] = receiver.received
    assert got.headers["x-custom_header.v1"] == value


@pytest.mark.parametrize(
    "name", ["User-Agent", "Content-Type", "webhook-id", "Callbackd-Delivery-Id", "Host"]
)
async def test_a_header_callbackd_or_the_transport_sets_is_refused(
    api: Api, key: str, receiver: Receiver, name: str
) -> None:
    data = await api.run(
        CREATE, {"input": draft(receiver.url, {"name": name, "value": "x"})}, key=key
    )

    assert data["createCallbackProfile"] == {
        "callbackProfile": None,
        "userErrors": [
            {
                "field": ["input", "headers", "0", "name"],
                "message": f"Header {name} is set by callbackd itself and cannot be configured.",
                "code": "INVALID_HEADER",
            }
        ],
    }
