"""Accounts and their API keys; keys are random and kept only as SHA-256 hashes."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid

from domain import clock
from domain.models import Account
from storage import Store

REGION = re.compile(r"^[A-Z]{2,3}$")
_KEY_PREFIX = "cbk_"


def hash_key(key: str) -> str:
    # The keys carry 256 random bits, so a fast hash is as good as a slow one here.
    return hashlib.sha256(key.encode()).hexdigest()


class InvalidRegion(ValueError):
    pass


class Accounts:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def create(self, name: str, region: str = "IN") -> tuple[Account, str]:
        """Creates an account and answers it with its API key, which is never stored."""
        if not REGION.match(region):
            raise InvalidRegion(f"region must be 2 or 3 capital letters, got {region!r}")
        key = _KEY_PREFIX + secrets.token_urlsafe(32)
        account = Account(
            id=f"acc_{uuid.uuid4().hex}",
            name=name,
            region=region,
            key_hash=hash_key(key),
            created_at=clock.now(),
        )
        await self._store.insert_account(account)
        return account, key

    async def authenticate(self, authorization: str | None) -> Account | None:
        """Finds the account of an `Authorization: Bearer <key>` value."""
        if not authorization:
            return None
        scheme, _, key = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not key.strip().startswith(_KEY_PREFIX):
            return None
        return await self._store.find_account_by_key_hash(hash_key(key.strip()))
