"""Re-keying moves every sealed value of every profile to the first secret key, a batch at a
time, and can be run again or resumed."""

from __future__ import annotations

import base64
import os
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.authentication import (
    Authentication,
    CallbackAuthType,
    TokenCredentials,
    TokenMethod,
    TokenSettings,
)
from domain.models import Encryption, EncryptionAlgorithm, Header, Profile, SigningSecret
from domain.rekeying import Counts, Rekey, RekeyFailed
from domain.secretbox import SecretBox, key_id
from domain.store import Store
from tests.support.factories import at, profile

A, B, C = os.urandom(32), os.urandom(32), os.urandom(32)
ACC = "acc_one"


def sealed_profile(box: SecretBox, number: int, encrypted: bool = True) -> Profile:
    """A profile whose secrets are `secret-<number>-<what>`, sealed by `box`."""
    return profile(
        ACC if number % 2 else "acc_two",
        id=f"IN_{number:03}",
        headers=(
            Header("X-Team", "v1.plain value that only looks sealed"),
            Header("Authorization", box.seal(f"secret-{number}-header"), secret=True),
        ),
        encryption=Encryption(
            algorithm=EncryptionAlgorithm.AES_128_GCM,
            sealed_key=box.seal(f"secret-{number}-key"),
            sealed_iv=box.seal(f"secret-{number}-iv"),
            parameters=("status",),
            random_iv=False,
        )
        if encrypted
        else None,
        sealed_signing_secrets=(
            SigningSecret(box.seal(f"secret-{number}-whsec-new"), at(10), None),
            SigningSecret(box.seal(f"secret-{number}-whsec-old"), at(0), at(86_400)),
        ),
    )


def sealed_values(p: Profile) -> list[str]:
    values = [h.value for h in p.headers if h.secret]
    if p.encryption is not None:
        values += [p.encryption.sealed_key, p.encryption.sealed_iv]
    return values + [s.sealed for s in p.sealed_signing_secrets]


def opened(p: Profile, box: SecretBox) -> list[str]:
    return [box.open(v) for v in sealed_values(p)]


async def stored(store: Store) -> list[Profile]:
    return [p async for batch in store.profiles_in_id_order(None, 100) for p in batch]


async def test_every_sealed_value_moves_to_the_first_key(store: Store) -> None:
    old = SecretBox([A])
    given = [sealed_profile(old, n, encrypted=n != 3) for n in range(1, 6)]
    for p in given:
        await store.insert_profile(p)
    batches: list[Counts] = []

    totals = await Rekey(store, SecretBox([B, A]), batch_size=2).run(None, batches.append)

    after = await stored(store)
    only_b = SecretBox([B])
    assert [opened(p, only_b) for p in after] == [opened(p, old) for p in given]
    assert all(v.startswith(f"v2.{key_id(B)}.") for p in after for v in sealed_values(p))
    assert [p.headers[0] for p in after] == [p.headers[0] for p in given]
    assert [replace(p, headers=(), encryption=None, sealed_signing_secrets=()) for p in after] == [
        replace(p, headers=(), encryption=None, sealed_signing_secrets=()) for p in given
    ]
    assert [(b.profiles, b.resealed_profiles, b.resealed_values, b.last_id) for b in batches] == [
        (2, 2, 10, "IN_002"),
        (2, 2, 8, "IN_004"),
        (1, 1, 5, "IN_005"),
    ]
    assert (totals.profiles, totals.resealed_profiles, totals.resealed_values) == (5, 5, 23)


async def test_a_second_run_reads_everything_and_writes_nothing(store: Store) -> None:
    for n in range(1, 4):
        await store.insert_profile(sealed_profile(SecretBox([A]), n))
    rekey = Rekey(store, SecretBox([B, A]), batch_size=2)
    await rekey.run(None, lambda _: None)
    before = await stored(store)

    again = await rekey.run(None, lambda _: None)

    assert (again.profiles, again.resealed_profiles, again.resealed_values) == (3, 0, 0)
    assert await stored(store) == before


async def test_a_run_resumes_after_the_last_id_reported(store: Store) -> None:
    for n in range(1, 5):
        await store.insert_profile(sealed_profile(SecretBox([A]), n))

    totals = await Rekey(store, SecretBox([B, A]), batch_size=2).run("IN_002", lambda _: None)

    current = [
        all(v.startswith(f"v2.{key_id(B)}.") for v in sealed_values(p)) for p in await stored(store)
    ]
    assert current == [False, False, True, True]
    assert (totals.profiles, totals.resealed_profiles, totals.last_id) == (2, 2, "IN_004")


def old_seal(key: bytes, plain: str) -> str:
    """A value sealed the way callbackd did before seals named their key."""
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, plain.encode(), None)
    return "v1." + base64.b64encode(nonce + sealed).decode()


async def test_values_sealed_before_key_ids_are_moved_too(store: Store) -> None:
    given = sealed_profile(SecretBox([A]), 1, encrypted=False)
    legacy = Header("Authorization", old_seal(A, "secret-1-header"), secret=True)
    await store.insert_profile(replace(given, headers=(given.headers[0], legacy)))

    totals = await Rekey(store, SecretBox([B, A])).run(None, lambda _: None)

    [after] = await stored(store)
    assert after.headers[1].value.startswith(f"v2.{key_id(B)}.")
    assert SecretBox([B]).open(after.headers[1].value) == "secret-1-header"
    assert totals.resealed_values == 3


async def test_a_value_no_configured_key_opens_stops_the_run_at_that_profile(store: Store) -> None:
    await store.insert_profile(sealed_profile(SecretBox([A]), 1))
    await store.insert_profile(sealed_profile(SecretBox([C]), 2))
    await store.insert_profile(sealed_profile(SecretBox([A]), 3))

    with pytest.raises(RekeyFailed) as failed:
        await Rekey(store, SecretBox([B, A]), batch_size=1).run(None, lambda _: None)

    assert str(failed.value) == (
        f"profile IN_002: sealed with key {key_id(C)}, which is not configured; add that key "
        "to CALLBACKD_SECRET_KEY after the first and run again"
    )
    first, second, third = await stored(store)
    assert all(v.startswith(f"v2.{key_id(B)}.") for v in sealed_values(first))
    assert all(v.startswith(f"v2.{key_id(C)}.") for v in sealed_values(second))
    assert all(v.startswith(f"v2.{key_id(A)}.") for v in sealed_values(third))


async def test_callback_authentication_secrets_move_to_the_first_key_too(store: Store) -> None:
    old = SecretBox([A])
    basic = replace(
        sealed_profile(old, 7),
        authentication=Authentication(
            CallbackAuthType.BASIC, username="acme", sealed_password=old.seal("secret-7-password")
        ),
    )
    token = replace(
        sealed_profile(old, 8),
        authentication=Authentication(
            CallbackAuthType.TOKEN,
            token=TokenSettings(
                url="https://auth.example.com/token",
                method=TokenMethod.POST,
                credentials=TokenCredentials.OAUTH2_FORM,
                client_id="acme",
                sealed_client_secret=old.seal("secret-8-client"),
                token_field="access_token",
                expires_in_field="expires_in",
                headers=(Header("X-Tenant", old.seal("secret-8-tenant"), secret=True),),
            ),
        ),
    )
    for p in (basic, token):
        await store.insert_profile(p)

    await Rekey(store, SecretBox([B, A]), batch_size=10).run(None, lambda _: None)

    only_b = SecretBox([B])
    after = {p.id: p.authentication for p in await stored(store)}
    basic_after, token_after = after[basic.id], after[token.id]
    assert basic_after is not None and basic_after.sealed_password is not None
    assert token_after is not None and token_after.token is not None
    sealed = [
        basic_after.sealed_password,
        token_after.token.sealed_client_secret,
        token_after.token.headers[0].value,
    ]
    assert [only_b.open(v) for v in sealed] == [
        "secret-7-password",
        "secret-8-client",
        "secret-8-tenant",
    ]
