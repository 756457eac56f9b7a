"""Seals secrets at rest with the server's own keys (AES-256-GCM, random nonce per value).

The server may hold several keys, newest first: new seals use the first, and a seal names
the key that made it (`v2.<key id>.<nonce and ciphertext>`, the key id bound to the
ciphertext as associated data), so a rotation can find and re-seal what an older key made.
Seals from before key ids (`v1.`) are opened with whichever key fits.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Sequence

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_LEGACY = "v1."
_CURRENT = "v2."
_KEY_BYTES = 32


class InvalidServerKey(ValueError):
    pass


class UnknownSealKey(ValueError):
    """A sealed value that none of the configured keys opens."""


def _parse_one(text: str) -> bytes:
    cleaned = text.strip()
    try:
        return base64.b64decode(
            cleaned.replace("-", "+").replace("_", "/") + "=" * (-len(cleaned) % 4),
            validate=True,
        )
    except binascii.Error as exc:
        raise InvalidServerKey("is not base64") from exc


def parse_server_keys(text: str) -> tuple[bytes, ...]:
    """Reads CALLBACKD_SECRET_KEY: one or more comma-separated keys, newest first, each 32
    bytes in standard or URL-safe base64."""
    parts = text.split(",")
    keys: list[bytes] = []
    for number, part in enumerate(parts, 1):
        where = "the secret key" if len(parts) == 1 else f"secret key {number} of {len(parts)}"
        if not part.strip():
            raise InvalidServerKey(f"{where} is empty")
        try:
            raw = _parse_one(part)
        except InvalidServerKey as exc:
            raise InvalidServerKey(f"{where} {exc}") from exc
        if len(raw) != _KEY_BYTES:
            raise InvalidServerKey(f"{where} must be {_KEY_BYTES} bytes, got {len(raw)}")
        if raw in keys:
            raise InvalidServerKey(f"{where} repeats an earlier key")
        keys.append(raw)
    return tuple(keys)


def generate_server_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(_KEY_BYTES)).decode()


def key_id(key: bytes) -> str:
    """A short public name of a key: it tells keys apart and reveals nothing of them."""
    digest = hashlib.sha256(b"callbackd secret key id\x00" + key).digest()
    return base64.urlsafe_b64encode(digest[:6]).decode()


class SecretBox:
    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise InvalidServerKey("at least one secret key is needed")
        self._keys = {key_id(k): AESGCM(k) for k in keys}
        self.current_key_id = key_id(keys[0])
        self._current = self._keys[self.current_key_id]

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        tag = self.current_key_id.encode()
        sealed = self._current.encrypt(nonce, plain.encode(), tag)
        return f"{_CURRENT}{self.current_key_id}.{base64.b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str) -> str:
        if sealed.startswith(_CURRENT):
            kid, _, body = sealed[len(_CURRENT) :].partition(".")
            aead = self._keys.get(kid)
            if aead is None:
                raise UnknownSealKey(f"sealed with key {kid}, which is not configured")
            raw = base64.b64decode(body)
            try:
                return aead.decrypt(raw[:12], raw[12:], kid.encode()).decode()
            except InvalidTag as exc:
                raise UnknownSealKey(f"sealed value does not open with key {kid}") from exc
        if sealed.startswith(_LEGACY):
            raw = base64.b64decode(sealed[len(_LEGACY) :])
            for aead in self._keys.values():
                try:
                    return aead.decrypt(raw[:12], raw[12:], None).decode()
                except InvalidTag:
                    continue
            raise UnknownSealKey("sealed with a key that is not configured")
        raise ValueError("not a sealed value")

    def is_current(self, sealed: str) -> bool:
        """Whether `sealed` was made with the first key, so a rotation may leave it."""
        return sealed.startswith(f"{_CURRENT}{self.current_key_id}.")

    def reseal(self, sealed: str) -> str:
        """The same secret sealed with the first key; `sealed` itself when it already is."""
        return sealed if self.is_current(sealed) else self.seal(self.open(sealed))
