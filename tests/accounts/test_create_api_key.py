"""`createApiKey` gives the account another working key, shown once."""

from __future__ import annotations

from tests.support.api import Api

CREATE = """
mutation ($label: String) {
  createApiKey(label: $label) {
    apiKey { prefix label revokedAt lastUsedAt }
    key
    userErrors { field message code }
  }
}
"""
API_KEYS = "query { apiKeys { prefix label } }"


async def test_the_new_key_works_and_is_shown_only_once(api: Api, key: str) -> None:
    created = (await api.run(CREATE, {"label": " deploy bot "}, key=key))["createApiKey"]

    new_key = created["key"]
    assert created["userErrors"] == []
    assert created["apiKey"] == {
        "prefix": new_key[:12],
        "label": "deploy bot",
        "revokedAt": None,
        "lastUsedAt": None,
    }
    listed = await api.raw(API_KEYS, key=new_key)
    assert listed["data"]["apiKeys"] == [
        {"prefix": key[:12], "label": None},
        {"prefix": new_key[:12], "label": "deploy bot"},
    ]
    assert new_key not in str(listed)


async def test_a_key_needs_no_label(api: Api, key: str) -> None:
    created = (await api.run(CREATE, key=key))["createApiKey"]

    assert created["userErrors"] == []
    assert created["apiKey"]["label"] is None


async def test_a_label_too_long_saves_nothing(api: Api, key: str) -> None:
    created = (await api.run(CREATE, {"label": "x" * 101}, key=key))["createApiKey"]

    assert created == {
        "apiKey": None,
        "key": None,
        "userErrors": [
            {
                "field": ["label"],
                "message": "A label has at most 100 characters.",
                "code": "TOO_LONG",
            }
        ],
    }
    assert len((await api.run(API_KEYS, key=key))["apiKeys"]) == 1


async def test_a_label_with_control_characters_is_refused(api: Api, key: str) -> None:
    created = (await api.run(CREATE, {"label": "line\nbreak"}, key=key))["createApiKey"]

    assert [e["code"] for e in created["userErrors"]] == ["INVALID_CHARACTERS"]


async def test_an_account_has_at_most_twenty_active_keys(api: Api, key: str) -> None:
    for _ in range(19):
        assert (await api.run(CREATE, key=key))["createApiKey"]["userErrors"] == []

    refused = (await api.run(CREATE, key=key))["createApiKey"]

    assert refused["key"] is None
    assert refused["userErrors"] == [
        {
            "field": ["label"],
            "message": "An account has at most 20 active keys; revoke one first.",
            "code": "TOO_MANY",
        }
    ]
    assert len((await api.run(API_KEYS, key=key))["apiKeys"]) == 20
