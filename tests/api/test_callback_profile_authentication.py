"""createCallbackProfile with authentication: the profile shows the type, the token URL, the
client id and the field paths, never a password, a client secret or a secret header."""

from __future__ import annotations

import json
from typing import Any

from tests.support.api import Api

CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) {
    callbackProfile {
      id
      authentication {
        type username tokenUrl tokenMethod credentials clientId tokenField expiresInField
        headers { name value secret }
      }
    }
    userErrors { field message code }
  }
}
"""
READ = """
query ($id: ID!) {
  callbackProfile(id: $id) { authentication { type username tokenUrl clientId } }
}
"""
PROFILE = {
    "title": "Orders",
    "channel": "SMS",
    "httpMethod": "POST",
    "endpoint": "https://example.com/hook",
    "variables": ["status"],
}
NOTHING: dict[str, Any] = {
    "username": None,
    "tokenUrl": None,
    "tokenMethod": None,
    "credentials": None,
    "clientId": None,
    "tokenField": None,
    "expiresInField": None,
    "headers": [],
}


async def create(api: Api, key: str, **changes: Any) -> dict[str, Any]:
    data = await api.run(CREATE, {"input": {**PROFILE, **changes}}, key=key)
    payload: dict[str, Any] = data["createCallbackProfile"]
    return payload


async def test_a_profile_without_authentication_shows_none(api: Api, key: str) -> None:
    payload = await create(api, key)

    assert payload["callbackProfile"]["authentication"] == {"type": "NONE", **NOTHING}


async def test_basic_shows_the_username_and_not_the_password(api: Api, key: str) -> None:
    payload = await create(
        api, key, authentication={"type": "BASIC", "username": "acme", "password": "pw-0451"}
    )

    assert payload["userErrors"] == []
    assert payload["callbackProfile"]["authentication"] == {
        **NOTHING,
        "type": "BASIC",
        "username": "acme",
    }
    assert "pw-0451" not in json.dumps(payload)


async def test_token_shows_its_settings_with_defaults_and_not_its_secrets(
    api: Api, key: str
) -> None:
    payload = await create(
        api,
        key,
        authentication={
            "type": "TOKEN",
            "tokenUrl": "https://auth.example.com/oauth/token",
            "clientId": "acme-client",
            "clientSecret": "cs-99817",
            "headers": [
                {"name": "X-Tenant", "value": "acme"},
                {"name": "X-Api-Key", "value": "ak-5521", "secret": True},
            ],
        },
    )

    assert payload["userErrors"] == []
    assert payload["callbackProfile"]["authentication"] == {
        "type": "TOKEN",
        "username": None,
        "tokenUrl": "https://auth.example.com/oauth/token",
        "tokenMethod": "POST",
        "credentials": "OAUTH2_FORM",
        "clientId": "acme-client",
        "tokenField": "access_token",
        "expiresInField": "expires_in",
        "headers": [
            {"name": "X-Tenant", "value": "acme", "secret": False},
            {"name": "X-Api-Key", "value": "********", "secret": True},
        ],
    }
    text = json.dumps(payload)
    assert "cs-99817" not in text
    assert "ak-5521" not in text


async def test_a_get_token_request_sends_credentials_in_a_basic_header_by_default(
    api: Api, key: str
) -> None:
    payload = await create(
        api,
        key,
        authentication={
            "type": "TOKEN",
            "tokenUrl": "https://auth.example.com/token",
            "tokenMethod": "GET",
            "clientId": "acme-client",
            "clientSecret": "cs-99817",
            "tokenField": "data.token",
            "expiresInField": "data.ttl",
        },
    )

    shown = payload["callbackProfile"]["authentication"]
    assert (shown["tokenMethod"], shown["credentials"]) == ("GET", "BASIC_HEADER")
    assert (shown["tokenField"], shown["expiresInField"]) == ("data.token", "data.ttl")


async def test_the_authentication_reads_back(api: Api, key: str) -> None:
    payload = await create(
        api, key, authentication={"type": "BASIC", "username": "acme", "password": "pw-0451"}
    )
    profile_id = payload["callbackProfile"]["id"]

    data = await api.run(READ, {"id": profile_id}, key=key)

    assert data["callbackProfile"]["authentication"] == {
        "type": "BASIC",
        "username": "acme",
        "tokenUrl": None,
        "clientId": None,
    }
