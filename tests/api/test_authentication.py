"""Every operation needs an API key; accounts never see each other's profiles."""

from __future__ import annotations

import pytest
from strawberry.permission import PermissionExtension
from strawberry.types.base import get_object_definition

from resolvers.auth import IsAuthenticated
from resolvers.schema import Mutation, Query, Subscription
from tests.support.api import Api

CHANNELS = "query { channels { kind } }"
CREATE = """
mutation {
  createCallbackProfile(input: {title: "Mine", channel: SMS, httpMethod: POST,
                                endpoint: "https://example.com/", variables: ["status"]}) {
    callbackProfile { id }
  }
}
"""
PROFILE = "query ($id: ID!) { callbackProfile(id: $id) { id } }"
PROFILES = "query { callbackProfiles { edges { node { id } } } }"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer cbk_wrong", "Basic Zm9vOmJhcg==", "Bearer", "cbk_no_scheme"],
    ids=["missing", "wrong-key", "basic", "empty-bearer", "no-scheme"],
)
async def test_missing_or_wrong_key_is_unauthenticated(api: Api, authorization: str | None) -> None:
    headers = {"authorization": authorization} if authorization else {}

    response = await api.http.post("/graphql", json={"query": CHANNELS}, headers=headers)

    assert response.status_code == 401
    assert response.json() == {
        "errors": [
            {
                "message": "Authentication required: send `Authorization: Bearer <API key>`.",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ]
    }


async def test_the_key_is_checked_before_the_document_is_read(api: Api) -> None:
    response = await api.http.post("/graphql", json={"query": "this is { not GraphQL"})

    assert response.status_code == 401
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]


async def test_mutation_without_key_writes_nothing(api: Api, key: str) -> None:
    body = await api.raw(CREATE)

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await api.run(PROFILES, key=key))["callbackProfiles"]["edges"] == []


async def test_every_root_field_requires_authentication() -> None:
    roots: list[type] = [Query, Mutation, Subscription]

    unguarded = [
        f"{root.__name__}.{field.name}"
        for root in roots
        for field in get_object_definition(root, strict=True).fields
        if IsAuthenticated not in {type(p) for p in _permissions(field)}
    ]

    assert unguarded == []


def _permissions(field: object) -> list[object]:
    return [
        p
        for ext in getattr(field, "extensions", [])
        if isinstance(ext, PermissionExtension)
        for p in ext.permissions
    ]


async def test_one_account_never_sees_anothers_profiles(api: Api, key: str, other_key: str) -> None:
    mine = (await api.run(CREATE, key=key))["createCallbackProfile"]["callbackProfile"]["id"]

    theirs = await api.run(PROFILE, {"id": mine}, key=other_key)
    listing = await api.run(PROFILES, key=other_key)

    assert theirs == {"callbackProfile": None}
    assert listing["callbackProfiles"]["edges"] == []


async def test_introspection_needs_a_key_like_any_document(api: Api, key: str) -> None:
    anonymous = await api.raw("query { __schema { queryType { name } } }")
    with_key = await api.raw("query { __schema { queryType { name } } }", key=key)

    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["UNAUTHENTICATED"]
    assert with_key == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
