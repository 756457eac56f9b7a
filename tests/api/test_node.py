"""node(id:) and callbackProfile(id:) fetch the caller's objects by id."""

from __future__ import annotations

from tests.support.api import Api

CREATE = """
mutation {
  createCallbackProfile(input: {title: "Node me", channel: SMS, httpMethod: GET,
                                endpoint: "https://example.com/?a=1", variables: ["status"]}) {
    callbackProfile { id }
  }
}
"""
NODE = """
query ($id: ID!) {
  node(id: $id) { __typename id ... on CallbackProfile { title endpoint } }
}
"""


async def test_node_answers_a_profile(api: Api, key: str) -> None:
    created = await api.run(CREATE, key=key)
    profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]

    data = await api.run(NODE, {"id": profile_id}, key=key)

    assert data["node"] == {
        "__typename": "CallbackProfile",
        "id": profile_id,
        "title": "Node me",
        "endpoint": "https://example.com/?a=1",
    }


async def test_node_of_unknown_or_foreign_id_is_null(api: Api, key: str, other_key: str) -> None:
    created = await api.run(CREATE, key=key)
    profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]

    foreign = await api.run(NODE, {"id": profile_id}, key=other_key)
    unknown = await api.run(NODE, {"id": "dlv_nothing"}, key=key)

    assert foreign == {"node": None}
    assert unknown == {"node": None}
