"""Seals secrets at rest with the server's own key (AES-256-GCM, random nonce per value)."""

from __future__ import annotations

import base64
import binascii
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PREFIX = "v1."


class InvalidServerKey(ValueError):
    pass


def parse_server_key(text: str) -> bytes:
    """Reads CALLBACKD_SECRET_KEY: 32 bytes in standard or URL-safe base64."""
    cleaned = text.strip()
    try:
        raw = base64.b64decode(
            cleaned.replace("-", "+").replace("_", "/") + "=" * (-len(cleaned) % 4),
            validate=True,
        )
    except binascii.Error as exc:
        raise InvalidServerKey("the secret key is not base64") from exc
    if len(raw) != 32:
        raise InvalidServerKey(f"the secret key must be 32 bytes, got {len(raw)}")
    return raw


def generate_server_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


class SecretBox:
    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, plain: str) -> str:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plain.encode(), None)
        return _PREFIX + base64.b64encode(nonce + sealed).decode()

    def open(self, sealed: str) -> str:
        if not sealed.startswith(_PREFIX):
            raise ValueError("not a sealed value")
        raw = base64.b64decode(sealed[len(_PREFIX) :])
        try:
            return self._aead.decrypt(raw[:12], raw[12:], None).decode()
        except InvalidTag as exc:
            raise ValueError("sealed with another server key") from exc
