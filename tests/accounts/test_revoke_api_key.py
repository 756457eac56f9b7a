"""`revokeApiKey` refuses a key at once; the account's last key cannot be revoked."""

from __future__ import annotations

from tests.support.api import Api

CREATE = 'mutation { createApiKey(label: "second") { key } }'
REVOKE = """
mutation ($prefix: String!) {
  revokeApiKey(prefix: $prefix) {
    apiKey { prefix revokedAt }
    userErrors { field message code }
  }
}
"""
API_KEYS = "query { apiKeys { prefix revokedAt } }"
CHANNELS = "query { channels { kind } }"
UNAUTHENTICATED = {
    "errors": [
        {
            "message": "Authentication required: send `Authorization: Bearer <API key>`.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}


async def second_key(api: Api, key: str) -> str:
    created: str = (await api.run(CREATE, key=key))["createApiKey"]["key"]
    return created


async def test_a_revoked_key_is_refused_at_once(api: Api, key: str) -> None:
    other = await second_key(api, key)

    revoked = (await api.run(REVOKE, {"prefix": key[:12]}, key=other))["revokeApiKey"]
    refused = await api.raw(CHANNELS, key=key)

    assert revoked["userErrors"] == []
    assert revoked["apiKey"]["prefix"] == key[:12]
    assert revoked["apiKey"]["revokedAt"] is not None
    assert refused == UNAUTHENTICATED
    listed = (await api.run(API_KEYS, key=other))["apiKeys"]
    assert [(k["prefix"], k["revokedAt"] is None) for k in listed] == [
        (key[:12], False),
        (other[:12], True),
    ]


async def test_a_key_may_revoke_itself_while_another_is_active(api: Api, key: str) -> None:
    other = await second_key(api, key)

    revoked = (await api.run(REVOKE, {"prefix": key[:12]}, key=key))["revokeApiKey"]

    assert revoked["userErrors"] == []
    assert await api.raw(CHANNELS, key=key) == UNAUTHENTICATED
    assert (await api.run(CHANNELS, key=other))["channels"] != []


async def test_the_last_active_key_is_not_revoked(api: Api, key: str) -> None:
    refused = (await api.run(REVOKE, {"prefix": key[:12]}, key=key))["revokeApiKey"]

    assert refused == {
        "apiKey": None,
        "userErrors": [
            {
                "field": ["prefix"],
                "message": "This is the account's last active key; create another before "
                "revoking it.",
                "code": "LAST_KEY",
            }
        ],
    }
    assert (await api.run(CHANNELS, key=key))["channels"] != []


async def test_a_key_revoked_already_is_reported(api: Api, key: str) -> None:
    other = await second_key(api, key)
    await second_key(api, key)
    await api.run(REVOKE, {"prefix": other[:12]}, key=key)

    again = (await api.run(REVOKE, {"prefix": other[:12]}, key=key))["revokeApiKey"]

    assert again["apiKey"] is None
    assert [(e["field"], e["code"]) for e in again["userErrors"]] == [
        (["prefix"], "ALREADY_REVOKED")
    ]


async def test_an_unknown_prefix_changes_nothing(api: Api, key: str) -> None:
    await second_key(api, key)

    refused = (await api.run(REVOKE, {"prefix": "cbk_nothere"}, key=key))["revokeApiKey"]

    assert refused["userErrors"] == [
        {
            "field": ["prefix"],
            "message": "No API key with prefix 'cbk_nothere'.",
            "code": "NOT_FOUND",
        }
    ]
    assert all(k["revokedAt"] is None for k in (await api.run(API_KEYS, key=key))["apiKeys"])


async def test_another_accounts_key_answers_like_an_unknown_one(
    api: Api, key: str, other_key: str
) -> None:
    await second_key(api, other_key)

    refused = (await api.run(REVOKE, {"prefix": other_key[:12]}, key=key))["revokeApiKey"]

    assert [e["code"] for e in refused["userErrors"]] == ["NOT_FOUND"]
    assert (await api.run(CHANNELS, key=other_key))["channels"] != []
