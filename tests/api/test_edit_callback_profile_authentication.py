"""editCallbackProfileAuthentication replaces a profile's authentication whole; invalid input
and foreign ids change nothing."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.profiles import create_profile

EDIT = """
mutation ($id: ID!, $input: CallbackAuthenticationInput!) {
  editCallbackProfileAuthentication(id: $id, input: $input) {
    callbackProfile { id authentication { type username tokenUrl clientId } }
    userErrors { field message code }
  }
}
"""
READ = "query ($id: ID!) { callbackProfile(id: $id) { authentication { type username } } }"
BASIC = {"type": "BASIC", "username": "acme", "password": "pw-1"}


async def a_profile(api: Api, key: str, **changes: Any) -> str:
    profile_id, _ = await create_profile(
        api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint="https://example.com/hook",
        variables=["status"],
        **changes,
    )
    return profile_id


async def edit(api: Api, key: str, profile_id: str, input: dict[str, Any]) -> dict[str, Any]:
    data = await api.run(EDIT, {"id": profile_id, "input": input}, key=key)
    payload: dict[str, Any] = data["editCallbackProfileAuthentication"]
    return payload


async def test_token_replaces_basic(api: Api, key: str) -> None:
    profile_id = await a_profile(api, key, authentication=BASIC)

    payload = await edit(
        api,
        key,
        profile_id,
        {
            "type": "TOKEN",
            "tokenUrl": "https://auth.example.com/token",
            "clientId": "acme-client",
            "clientSecret": "cs-2",
        },
    )

    assert payload["userErrors"] == []
    assert payload["callbackProfile"]["authentication"] == {
        "type": "TOKEN",
        "username": None,
        "tokenUrl": "https://auth.example.com/token",
        "clientId": "acme-client",
    }


async def test_none_removes_authentication(api: Api, key: str) -> None:
    profile_id = await a_profile(api, key, authentication=BASIC)

    payload = await edit(api, key, profile_id, {"type": "NONE"})
    data = await api.run(READ, {"id": profile_id}, key=key)

    assert payload["userErrors"] == []
    assert data["callbackProfile"]["authentication"] == {"type": "NONE", "username": None}


async def test_invalid_input_changes_nothing(api: Api, key: str) -> None:
    profile_id = await a_profile(api, key, authentication=BASIC)

    payload = await edit(api, key, profile_id, {"type": "TOKEN", "clientId": "x"})
    data = await api.run(READ, {"id": profile_id}, key=key)

    assert payload["callbackProfile"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "tokenUrl"], "REQUIRED"),
        (["input", "clientSecret"], "REQUIRED"),
    ]
    assert data["callbackProfile"]["authentication"] == {"type": "BASIC", "username": "acme"}


async def test_the_profile_s_own_authorization_header_conflicts(api: Api, key: str) -> None:
    profile_id = await a_profile(
        api, key, headers=[{"name": "Authorization", "value": "Bearer x", "secret": True}]
    )

    payload = await edit(api, key, profile_id, BASIC)

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "type"], "CONFLICT")
    ]


async def test_a_foreign_profile_is_not_found(api: Api, key: str, other_key: str) -> None:
    profile_id = await a_profile(api, key, authentication=BASIC)

    payload = await edit(api, other_key, profile_id, {"type": "NONE"})
    data = await api.run(READ, {"id": profile_id}, key=key)

    assert payload == {
        "callbackProfile": None,
        "userErrors": [
            {"field": ["id"], "message": "No callback profile with this id.", "code": "NOT_FOUND"}
        ],
    }
    assert data["callbackProfile"]["authentication"]["type"] == "BASIC"
