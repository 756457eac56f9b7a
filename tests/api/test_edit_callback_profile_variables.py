"""editCallbackProfileVariables: only variables and template change; foreign ids are missing."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api

CREATE = """
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) { callbackProfile { id } }
}
"""

EDIT = """
mutation ($id: ID!, $input: EditCallbackProfileVariablesInput!) {
  editCallbackProfileVariables(id: $id, input: $input) {
    callbackProfile { id channel { kind } httpMethod variables { name } bodyTemplate }
    userErrors { field message code }
  }
}
"""

PROFILE = "query ($id: ID!) { callbackProfile(id: $id) { bodyTemplate } }"


async def a_profile(api: Api, key: str, **changes: Any) -> str:
    input = {
        "title": "Orders",
        "channel": "SMS",
        "httpMethod": "POST",
        "endpoint": "https://example.com/hook",
        "variables": ["status"],
        **changes,
    }
    data = await api.run(CREATE, {"input": input}, key=key)
    profile_id: str = data["createCallbackProfile"]["callbackProfile"]["id"]
    return profile_id


async def edit(api: Api, key: str, profile_id: str, input: dict[str, Any]) -> dict[str, Any]:
    data = await api.run(EDIT, {"id": profile_id, "input": input}, key=key)
    payload: dict[str, Any] = data["editCallbackProfileVariables"]
    return payload


async def test_new_variables_regenerate_the_template(api: Api, key: str) -> None:
    profile_id = await a_profile(api, key)

    payload = await edit(api, key, profile_id, {"variables": ["status", "recipient", "ref"]})

    assert payload["userErrors"] == []
    assert payload["callbackProfile"]["bodyTemplate"] == {
        "status": "<status>",
        "recipient": "<recipient>",
        "ref": "<ref>",
    }
    assert payload["callbackProfile"]["channel"] == {"kind": "SMS"}
    assert payload["callbackProfile"]["httpMethod"] == "POST"


async def test_own_template_replaces_the_old_one(api: Api, key: str) -> None:
    profile_id = await a_profile(api, key)

    payload = await edit(api, key, profile_id, {"bodyTemplate": {"sms": {"s": "<status_trace>"}}})

    assert [v["name"] for v in payload["callbackProfile"]["variables"]] == ["status_trace"]


async def test_unknown_variable_changes_nothing(api: Api, key: str) -> None:
    profile_id = await a_profile(api, key)

    payload = await edit(api, key, profile_id, {"variables": ["status", "mood"]})

    assert payload["callbackProfile"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "variables", "1"], "UNKNOWN_VARIABLE")
    ]
    stored = await api.run(PROFILE, {"id": profile_id}, key=key)
    assert stored["callbackProfile"]["bodyTemplate"] == {"status": "<status>"}


async def test_encrypted_parameters_must_stay_selected(api: Api, key: str) -> None:
    encryption = {
        "algorithm": "AES_128_GCM",
        "key": "k" * 16,
        "iv": "i" * 12,
        "parameters": ["status"],
    }
    profile_id = await a_profile(api, key, encryption=encryption)

    payload = await edit(api, key, profile_id, {"variables": ["sender"]})

    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        (["input", "variables"], "INVALID_VALUE")
    ]


async def test_missing_and_foreign_ids_answer_the_same(api: Api, key: str, other_key: str) -> None:
    profile_id = await a_profile(api, key)

    foreign = await edit(api, key=other_key, profile_id=profile_id, input={"variables": ["ref"]})
    missing = await edit(
        api, key, "IN_00000000-0000-4000-8000-000000000000", {"variables": ["ref"]}
    )

    expected = {
        "callbackProfile": None,
        "userErrors": [
            {"field": ["id"], "message": "No callback profile with this id.", "code": "NOT_FOUND"}
        ],
    }
    assert foreign == expected
    assert missing == expected
    stored = await api.run(PROFILE, {"id": profile_id}, key=key)
    assert stored["callbackProfile"]["bodyTemplate"] == {"status": "<status>"}
