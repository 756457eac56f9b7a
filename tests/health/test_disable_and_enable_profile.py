"""disableCallbackProfile and enableCallbackProfile: a profile's status, when and why it
changed, and callbackProfiles(status:)."""

from __future__ import annotations

from typing import Any

from tests.support.api import Api
from tests.support.profiles import create_profile

DISABLE = """
mutation ($id: ID!) {
  disableCallbackProfile(id: $id) {
    callbackProfile { id status statusChangedAt statusReason }
    userErrors { field message code }
  }
}
"""
ENABLE = """
mutation ($id: ID!) {
  enableCallbackProfile(id: $id) {
    callbackProfile { id status statusChangedAt statusReason }
    userErrors { field message code }
  }
}
"""
PROFILE = "query ($id: ID!) { callbackProfile(id: $id) { status statusChangedAt statusReason } }"
LIST = """
query ($status: ProfileStatus) {
  callbackProfiles(status: $status) { edges { node { title status } } }
}
"""


async def make(api: Api, key: str, title: str = "Orders") -> str:
    profile_id, _ = await create_profile(
        api,
        key,
        title=title,
        channel="SMS",
        httpMethod="POST",
        endpoint="https://hooks.example.com/",
        variables=["status"],
    )
    return profile_id


def listed(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["node"]["title"], e["node"]["status"]) for e in data["callbackProfiles"]["edges"]]


async def test_a_new_profile_is_active_and_has_never_changed_status(api: Api, key: str) -> None:
    profile_id = await make(api, key)

    data = await api.run(PROFILE, {"id": profile_id}, key=key)

    assert data["callbackProfile"] == {
        "status": "ACTIVE",
        "statusChangedAt": None,
        "statusReason": None,
    }


async def test_disabling_says_who_and_when(api: Api, key: str) -> None:
    profile_id = await make(api, key)

    data = await api.run(DISABLE, {"id": profile_id}, key=key)

    payload = data["disableCallbackProfile"]
    assert payload["userErrors"] == []
    assert payload["callbackProfile"]["status"] == "DISABLED"
    assert payload["callbackProfile"]["statusReason"] == "Disabled by the account."
    assert payload["callbackProfile"]["statusChangedAt"] is not None
    stored = await api.run(PROFILE, {"id": profile_id}, key=key)
    assert stored["callbackProfile"] == {
        k: payload["callbackProfile"][k] for k in ("status", "statusChangedAt", "statusReason")
    }


async def test_enabling_makes_it_active_again(api: Api, key: str) -> None:
    profile_id = await make(api, key)
    await api.run(DISABLE, {"id": profile_id}, key=key)

    data = await api.run(ENABLE, {"id": profile_id}, key=key)

    payload = data["enableCallbackProfile"]
    assert payload["userErrors"] == []
    assert payload["callbackProfile"]["status"] == "ACTIVE"
    assert payload["callbackProfile"]["statusReason"] is None
    assert payload["callbackProfile"]["statusChangedAt"] is not None


async def test_disabling_twice_changes_nothing_the_second_time(api: Api, key: str) -> None:
    profile_id = await make(api, key)
    first = await api.run(DISABLE, {"id": profile_id}, key=key)

    second = await api.run(DISABLE, {"id": profile_id}, key=key)

    assert second["disableCallbackProfile"] == first["disableCallbackProfile"]


async def test_profiles_are_listed_by_status(api: Api, key: str) -> None:
    await make(api, key, "Kept")
    off = await make(api, key, "Switched off")
    await make(api, key, "Also kept")
    await api.run(DISABLE, {"id": off}, key=key)

    active = await api.run(LIST, {"status": "ACTIVE"}, key=key)
    disabled = await api.run(LIST, {"status": "DISABLED"}, key=key)
    auto_disabled = await api.run(LIST, {"status": "AUTO_DISABLED"}, key=key)
    everything = await api.run(LIST, {}, key=key)

    assert listed(active) == [("Also kept", "ACTIVE"), ("Kept", "ACTIVE")]
    assert listed(disabled) == [("Switched off", "DISABLED")]
    assert listed(auto_disabled) == []
    assert len(listed(everything)) == 3


async def test_a_foreign_or_missing_profile_is_not_found(
    api: Api, key: str, other_key: str
) -> None:
    theirs = await make(api, other_key)

    for document, field in ((DISABLE, "disableCallbackProfile"), (ENABLE, "enableCallbackProfile")):
        for profile_id in (theirs, "IN_00000000-0000-0000-0000-000000000000"):
            data = await api.run(document, {"id": profile_id}, key=key)
            assert data[field] == {
                "callbackProfile": None,
                "userErrors": [
                    {
                        "field": ["id"],
                        "message": "No callback profile with this id.",
                        "code": "NOT_FOUND",
                    }
                ],
            }
    untouched = await api.run(PROFILE, {"id": theirs}, key=other_key)
    assert untouched["callbackProfile"]["status"] == "ACTIVE"
