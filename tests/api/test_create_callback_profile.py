"""createCallbackProfile: what a valid input stores, and a clear user error for each bad one,
with nothing written."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.support.api import Api

CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile {
      id title channel { kind } event { name } httpMethod endpoint
      variables { name placeholder } bodyTemplate queryTemplate bodyFormat
      headers { name value secret } encryption { algorithm parameters randomIv }
      responseMessage createdAt
    }
    signingSecret
    userErrors { field message code }
  }
}
"""

COUNT = "query { callbackProfiles(first: 100) { edges { node { id } } } }"

ID = re.compile(r"^IN_[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def sms_post(**changes: Any) -> dict[str, Any]:
    return {
        "title": "SMS campaign",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": "https://hooks.example.com/sms",
        "variables": ["status", "sender"],
        **changes,
    }


async def create(api: Api, key: str, input: dict[str, Any]) -> dict[str, Any]:
    data = await api.run(CREATE, {"input": input}, key=key)
    payload: dict[str, Any] = data["createCallbackProfile"]
    return payload


async def stored_count(api: Api, key: str) -> int:
    data = await api.run(COUNT, key=key)
    return len(data["callbackProfiles"]["edges"])


async def test_post_profile_gets_a_generated_body_template(api: Api, key: str) -> None:
    payload = await create(api, key, sms_post())

    profile = payload["callbackProfile"]
    assert payload["userErrors"] == []
    assert ID.match(profile["id"])
    assert profile["title"] == "SMS campaign"
    assert profile["channel"] == {"kind": "SMS"}
    assert profile["event"] == {"name": "SMS Send"}
    assert profile["variables"] == [
        {"name": "status", "placeholder": "<status>"},
        {"name": "sender", "placeholder": "<sender>"},
    ]
    assert profile["bodyTemplate"] == {"status": "<status>", "sender": "<sender>"}
    assert profile["queryTemplate"] is None
    assert profile["bodyFormat"] == "JSON"
    assert payload["signingSecret"].startswith("whsec_")


async def test_get_profile_gets_a_query_template(api: Api, key: str) -> None:
    payload = await create(api, key, sms_post(httpMethod="GET"))

    assert payload["callbackProfile"]["queryTemplate"] == "status=<status>&sender=<sender>"


async def test_region_of_the_account_prefixes_the_id(api: Api) -> None:
    key = await api.account("eu-customer", region="EU")

    payload = await create(api, key, sms_post())

    assert payload["callbackProfile"]["id"].startswith("EU_")


async def test_own_template_with_nested_keys_and_constants(api: Api, key: str) -> None:
    template = {"event": "sms", "data": {"state": "<status>", "note": "from <sender> ok"}}

    payload = await create(api, key, sms_post(variables=None, bodyTemplate=template))

    profile = payload["callbackProfile"]
    assert payload["userErrors"] == []
    assert profile["bodyTemplate"] == template
    assert [v["name"] for v in profile["variables"]] == ["status", "sender"]


async def test_secret_header_values_are_masked(api: Api, key: str) -> None:
    headers = [
        {"name": "api-key", "value": "A71151f2c0ac28bb", "secret": True},
        {"name": "X-Team", "value": "ops"},
    ]

    payload = await create(api, key, sms_post(headers=headers))

    assert payload["callbackProfile"]["headers"] == [
        {"name": "api-key", "value": "********", "secret": True},
        {"name": "X-Team", "value": "ops", "secret": False},
    ]


async def test_encryption_settings_are_stored_without_key_or_iv(api: Api, key: str) -> None:
    encryption = {
        "algorithm": "AES_256_GCM",
        "key": "k" * 32,
        "iv": "000102030405060708090a0b",
        "ivEncoding": "HEX",
        "parameters": ["status"],
    }

    payload = await create(api, key, sms_post(encryption=encryption))

    assert payload["userErrors"] == []
    assert payload["callbackProfile"]["encryption"] == {
        "algorithm": "AES_256_GCM",
        "parameters": ["status"],
        "randomIv": False,
    }


async def test_email_profile_with_urlencoded_body(api: Api, key: str) -> None:
    payload = await create(
        api,
        key,
        {
            "title": "email_callback_profile",
            "channel": "EMAIL",
            "httpMethod": "POST",
            "endpoint": "https://hooks.example.com/email",
            "variables": ["delivery_status", "from_mail"],
            "bodyFormat": "URLENCODED",
        },
    )

    profile = payload["callbackProfile"]
    assert profile["event"] == {"name": "Email Send"}
    assert profile["bodyFormat"] == "URLENCODED"
    assert profile["responseMessage"] is None


BAD_INPUTS = [
    pytest.param({"title": "   "}, ["input", "title"], "REQUIRED", id="empty-title"),
    pytest.param({"title": "ab"}, ["input", "title"], "TOO_SHORT", id="short-title"),
    pytest.param({"title": "x" * 101}, ["input", "title"], "TOO_LONG", id="long-title"),
    pytest.param(
        {"title": "Hi <there>!"}, ["input", "title"], "INVALID_CHARACTERS", id="title-characters"
    ),
    pytest.param(
        {"channel": "VOICE"}, ["input", "channel"], "UNKNOWN_CHANNEL", id="unknown-channel"
    ),
    pytest.param({"httpMethod": "PUT"}, ["input", "httpMethod"], "METHOD_NOT_ALLOWED", id="put"),
    pytest.param(
        {"httpMethod": "DELETE"}, ["input", "httpMethod"], "METHOD_NOT_ALLOWED", id="delete"
    ),
    pytest.param(
        {"endpoint": "not a url"}, ["input", "endpoint"], "INVALID_URL", id="malformed-endpoint"
    ),
    pytest.param(
        {"endpoint": "ftp://example.com/x"}, ["input", "endpoint"], "INVALID_URL", id="ftp-endpoint"
    ),
    pytest.param(
        {"endpoint": "https://user:pw@example.com/"},
        ["input", "endpoint"],
        "INVALID_URL",
        id="endpoint-credentials",
    ),
    pytest.param(
        {"endpoint": "https://example.com:99999/"},
        ["input", "endpoint"],
        "INVALID_URL",
        id="endpoint-port",
    ),
    pytest.param(
        {"variables": ["status", "colour"]},
        ["input", "variables", "1"],
        "UNKNOWN_VARIABLE",
        id="unknown-variable",
    ),
    pytest.param({"variables": []}, ["input", "variables"], "REQUIRED", id="no-variables"),
    pytest.param(
        {"variables": None, "bodyTemplate": {"s": "<status> <colour>"}},
        ["input", "bodyTemplate"],
        "UNKNOWN_PLACEHOLDER",
        id="unknown-placeholder",
    ),
    pytest.param(
        {"variables": None, "bodyTemplate": ["<status>"]},
        ["input", "bodyTemplate"],
        "INVALID_TEMPLATE",
        id="template-not-object",
    ),
    pytest.param(
        {"httpMethod": "GET", "variables": None, "bodyTemplate": {"a": {"b": "<status>"}}},
        ["input", "bodyTemplate"],
        "INVALID_TEMPLATE",
        id="nested-get-template",
    ),
    pytest.param(
        {"responseMessage": "   "},
        ["input", "responseMessage"],
        "REQUIRED",
        id="blank-response-message",
    ),
    pytest.param(
        {"bodyFormat": "FORM_DATA"},
        ["input", "bodyFormat"],
        "BODY_FORMAT_NOT_ALLOWED",
        id="sms-form-data",
    ),
    pytest.param(
        {"headers": [{"name": "bad header", "value": "x"}]},
        ["input", "headers", "0", "name"],
        "INVALID_HEADER",
        id="header-name",
    ),
    pytest.param(
        {"headers": [{"name": "X-A", "value": "a\r\nX-Injected: 1"}]},
        ["input", "headers", "0", "value"],
        "INVALID_HEADER",
        id="header-crlf",
    ),
    pytest.param(
        {"headers": [{"name": "webhook-signature", "value": "x"}]},
        ["input", "headers", "0", "name"],
        "INVALID_HEADER",
        id="header-reserved",
    ),
    pytest.param(
        {"headers": [{"name": "X-A", "value": "1"}, {"name": "x-a", "value": "2"}]},
        ["input", "headers", "1", "name"],
        "INVALID_HEADER",
        id="header-twice",
    ),
    pytest.param(
        {"encryption": {"algorithm": "AES_128_CFB", "key": "short", "iv": "i" * 16}},
        ["input", "encryption", "key"],
        "INVALID_KEY",
        id="key-length",
    ),
    pytest.param(
        {
            "encryption": {
                "algorithm": "AES_128_CFB",
                "key": "zz" * 16,
                "keyEncoding": "HEX",
                "iv": "i" * 16,
            }
        },
        ["input", "encryption", "key"],
        "INVALID_KEY",
        id="key-encoding",
    ),
    pytest.param(
        {
            "encryption": {
                "algorithm": "AES_192_GCM",
                "key": "k" * 24,
                "iv": "!!!",
                "ivEncoding": "BASE64",
            }
        },
        ["input", "encryption", "iv"],
        "INVALID_IV",
        id="iv-encoding",
    ),
    pytest.param(
        {"encryption": {"algorithm": "AES_256_CFB", "key": "k" * 32, "iv": "i" * 12}},
        ["input", "encryption", "iv"],
        "INVALID_IV",
        id="cfb-iv-length",
    ),
    pytest.param(
        {
            "encryption": {
                "algorithm": "AES_128_GCM",
                "key": "k" * 16,
                "iv": "i" * 12,
                "parameters": ["price"],
            }
        },
        ["input", "encryption", "parameters", "0"],
        "UNKNOWN_VARIABLE",
        id="encryption-parameter",
    ),
]


@pytest.mark.parametrize(("change", "field", "code"), BAD_INPUTS)
async def test_bad_input_is_a_user_error_and_nothing_is_written(
    api: Api, key: str, change: dict[str, Any], field: list[str], code: str
) -> None:
    payload = await create(api, key, sms_post(**change))

    assert payload["callbackProfile"] is None
    assert payload["signingSecret"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    assert payload["userErrors"][0]["message"]
    assert await stored_count(api, key) == 0


async def test_get_is_refused_for_email(api: Api, key: str) -> None:
    payload = await create(
        api,
        key,
        {
            "title": "Email hooks",
            "channel": "EMAIL",
            "httpMethod": "GET",
            "endpoint": "https://example.com/",
            "variables": ["delivery_status"],
        },
    )

    assert payload["userErrors"] == [
        {
            "field": ["input", "httpMethod"],
            "message": "EMAIL callbacks cannot use GET; allowed: POST.",
            "code": "METHOD_NOT_ALLOWED",
        }
    ]


async def test_response_message_is_refused_for_email(api: Api, key: str) -> None:
    payload = await create(
        api,
        key,
        {
            "title": "Email hooks",
            "channel": "EMAIL",
            "httpMethod": "POST",
            "endpoint": "https://example.com/",
            "variables": ["delivery_status"],
            "responseMessage": "The callback option is enabled.",
        },
    )

    assert payload["userErrors"] == [
        {
            "field": ["input", "responseMessage"],
            "message": "EMAIL profiles do not support a response message.",
            "code": "NOT_SUPPORTED",
        }
    ]


async def test_unknown_variable_message_lists_the_valid_names(api: Api, key: str) -> None:
    payload = await create(api, key, sms_post(variables=["colour"]))

    message = payload["userErrors"][0]["message"]
    assert message.startswith("Unknown SMS variable 'colour'; valid: flash, sent_time, total,")
    assert message.endswith("ref, ref1, ref2.")


async def test_unknown_placeholder_message_lists_the_valid_placeholders(api: Api, key: str) -> None:
    payload = await create(
        api,
        key,
        {
            "title": "Email hooks",
            "channel": "EMAIL",
            "httpMethod": "POST",
            "endpoint": "https://example.com/",
            "bodyTemplate": {"s": "<state>"},
        },
    )

    assert payload["userErrors"] == [
        {
            "field": ["input", "bodyTemplate"],
            "message": "Unknown placeholder <state>; valid: <message_id>, <delivery_status>, "
            "<from_mail>, <recipient_mail>, <delivery_time>, <error_code>, <error_status>, "
            "<error_message>.",
            "code": "UNKNOWN_PLACEHOLDER",
        }
    ]


async def test_every_problem_is_reported_at_once(api: Api, key: str) -> None:
    payload = await create(api, key, sms_post(title="", httpMethod="PUT", endpoint="nope"))

    assert [e["code"] for e in payload["userErrors"]] == [
        "REQUIRED",
        "METHOD_NOT_ALLOWED",
        "INVALID_URL",
    ]
