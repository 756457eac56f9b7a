"""`apiKeys` lists the caller's keys by prefix, never the keys themselves."""

from __future__ import annotations

from tests.support.api import Api

API_KEYS = "query { apiKeys { prefix label createdAt lastUsedAt revokedAt } }"


async def test_a_new_account_lists_its_one_key_by_prefix(api: Api, key: str) -> None:
    body = await api.raw(API_KEYS, key=key)

    [listed] = body["data"]["apiKeys"]
    assert listed["prefix"] == key[:12]
    assert listed["prefix"].startswith("cbk_")
    assert listed["label"] is None
    assert listed["revokedAt"] is None
    # This very request used the key.
    assert listed["lastUsedAt"] is not None
    assert key not in str(body)


async def test_another_accounts_keys_are_not_listed(api: Api, key: str, other_key: str) -> None:
    listed = (await api.run(API_KEYS, key=key))["apiKeys"]

    assert [k["prefix"] for k in listed] == [key[:12]]
    assert other_key[:12] not in str(listed)
