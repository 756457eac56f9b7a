"""Seals name the key that made them; a box with several keys seals with the first and opens
with any."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.secretbox import SecretBox, UnknownSealKey, key_id

A, B, C = os.urandom(32), os.urandom(32), os.urandom(32)


def old_seal(key: bytes, plain: str) -> str:
    """A value sealed the way callbackd did before seals named their key."""
    nonce = os.urandom(12)
    return (
        "v1." + base64.b64encode(nonce + AESGCM(key).encrypt(nonce, plain.encode(), None)).decode()
    )


def test_a_seal_names_its_key_and_opens_again() -> None:
    box = SecretBox([A])

    sealed = box.seal("whsec_abc")

    assert sealed.startswith(f"v2.{key_id(A)}.")
    assert "whsec_abc" not in sealed
    assert box.open(sealed) == "whsec_abc"


def test_the_first_key_seals_and_every_key_opens() -> None:
    made_with_a = SecretBox([A]).seal("secret header")
    rotating = SecretBox([B, A])

    sealed = rotating.seal("new secret")

    assert sealed.startswith(f"v2.{key_id(B)}.")
    assert rotating.open(made_with_a) == "secret header"
    assert rotating.is_current(sealed)
    assert not rotating.is_current(made_with_a)


def test_reseal_moves_a_value_to_the_first_key_and_leaves_current_ones() -> None:
    made_with_a = SecretBox([A]).seal("iv-123")
    rotating = SecretBox([B, A])

    moved = rotating.reseal(made_with_a)

    assert moved.startswith(f"v2.{key_id(B)}.")
    assert SecretBox([B]).open(moved) == "iv-123"
    assert rotating.reseal(moved) == moved


def test_a_value_sealed_before_key_ids_opens_with_whichever_key_fits() -> None:
    legacy = old_seal(A, "legacy secret")

    assert SecretBox([B, A]).open(legacy) == "legacy secret"
    assert SecretBox([B, A]).reseal(legacy).startswith(f"v2.{key_id(B)}.")
    with pytest.raises(UnknownSealKey):
        SecretBox([B, C]).open(legacy)


def test_a_value_sealed_with_a_removed_key_names_that_key() -> None:
    made_with_a = SecretBox([A]).seal("gone")

    with pytest.raises(UnknownSealKey, match=f"sealed with key {key_id(A)}, which is not"):
        SecretBox([B]).open(made_with_a)


def test_a_seal_moved_to_another_key_id_does_not_open() -> None:
    sealed = SecretBox([A]).seal("bound to its key")
    relabelled = sealed.replace(key_id(A), key_id(B), 1)

    with pytest.raises(UnknownSealKey, match="does not open"):
        SecretBox([B, A]).open(relabelled)
