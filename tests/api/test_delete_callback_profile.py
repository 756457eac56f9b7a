"""deleteCallbackProfile: gone for good; a foreign id answers like a missing one."""

from __future__ import annotations

from tests.support.api import Api

CREATE = """
mutation {
  createCallbackProfile(input: {title: "Doomed", channel: EMAIL, httpMethod: POST,
                                endpoint: "https://example.com/", variables: ["message_id"]}) {
    callbackProfile { id }
  }
}
"""
DELETE = """
mutation ($id: ID!) {
  deleteCallbackProfile(id: $id) { deletedCallbackProfileId userErrors { field message code } }
}
"""
PROFILE = "query ($id: ID!) { callbackProfile(id: $id) { id } }"

NOT_FOUND = {
    "deletedCallbackProfileId": None,
    "userErrors": [
        {"field": ["id"], "message": "No callback profile with this id.", "code": "NOT_FOUND"}
    ],
}


async def a_profile(api: Api, key: str) -> str:
    data = await api.run(CREATE, key=key)
    profile_id: str = data["createCallbackProfile"]["callbackProfile"]["id"]
    return profile_id


async def test_deleted_profile_is_gone(api: Api, key: str) -> None:
    profile_id = await a_profile(api, key)

    data = await api.run(DELETE, {"id": profile_id}, key=key)

    assert data["deleteCallbackProfile"] == {
        "deletedCallbackProfileId": profile_id,
        "userErrors": [],
    }
    assert await api.run(PROFILE, {"id": profile_id}, key=key) == {"callbackProfile": None}


async def test_deleting_twice_answers_not_found(api: Api, key: str) -> None:
    profile_id = await a_profile(api, key)
    await api.run(DELETE, {"id": profile_id}, key=key)

    again = await api.run(DELETE, {"id": profile_id}, key=key)

    assert again["deleteCallbackProfile"] == NOT_FOUND


async def test_foreign_profile_is_not_deleted(api: Api, key: str, other_key: str) -> None:
    profile_id = await a_profile(api, key)

    data = await api.run(DELETE, {"id": profile_id}, key=other_key)

    assert data["deleteCallbackProfile"] == NOT_FOUND
    assert await api.run(PROFILE, {"id": profile_id}, key=key) == {
        "callbackProfile": {"id": profile_id}
    }
