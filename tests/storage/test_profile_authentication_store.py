"""Both stores keep a profile's authentication, sealed secrets included, and replace it."""

from __future__ import annotations

from dataclasses import replace

from domain.authentication import (
    Authentication,
    CallbackAuthType,
    TokenCredentials,
    TokenMethod,
    TokenSettings,
)
from domain.models import Header
from domain.store import Store
from tests.support.factories import at, profile

ACC = "acc_one"
TOKEN = Authentication(
    type=CallbackAuthType.TOKEN,
    token=TokenSettings(
        url="https://auth.example.com/oauth/token",
        method=TokenMethod.POST,
        credentials=TokenCredentials.JSON_BODY,
        client_id="acme-client",
        sealed_client_secret="sealed:client-secret",
        token_field="data.token",
        expires_in_field="data.ttl",
        headers=(Header("X-Tenant", "acme"), Header("X-Api-Key", "sealed:key", secret=True)),
    ),
)
BASIC = Authentication(type=CallbackAuthType.BASIC, username="acme", sealed_password="sealed:pw")


async def test_a_profile_with_token_authentication_reads_back_equal(store: Store) -> None:
    given = profile(ACC, authentication=TOKEN)
    await store.insert_profile(given)

    assert await store.get_profile(ACC, given.id) == given


async def test_authentication_is_replaced_for_the_account_s_profile_only(store: Store) -> None:
    given = profile(ACC, authentication=TOKEN)
    await store.insert_profile(given)

    foreign = await store.update_profile_authentication("acc_two", given.id, BASIC, at(5))
    updated = await store.update_profile_authentication(ACC, given.id, BASIC, at(9))

    assert foreign is None
    assert updated == replace(given, authentication=BASIC, updated_at=at(9))
    assert await store.get_profile(ACC, given.id) == updated


async def test_authentication_is_removed(store: Store) -> None:
    given = profile(ACC, authentication=BASIC)
    await store.insert_profile(given)

    updated = await store.update_profile_authentication(ACC, given.id, None, at(3))

    assert updated is not None
    assert updated.authentication is None
    assert (await store.get_profile(ACC, given.id)) == updated
