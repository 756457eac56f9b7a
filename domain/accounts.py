"""Accounts and their API keys; keys are random and kept only as SHA-256 hashes.

An account has any number of keys, each with a label, its first characters (the prefix,
shown to tell keys apart), its creation time, its last use and, once revoked, the time of
revocation. A process keeps an active key it has read for `KEYS_KEPT_FOR` seconds, so a
busy client's requests do not each read it: a revocation holds at once in the process that
wrote it, and in every other process sharing the store at most that long after.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain import clock
from domain.errors import ErrorCode, UserError
from domain.models import Account, ApiKey
from domain.recent import Recent
from domain.store import DuplicateRecord, Store

REGION = re.compile(r"^[A-Z]{2,3}$")
KEY_PREFIX = "cbk_"
# "cbk_" and 8 random characters: 48 bits, unique within an account and meaningless alone.
SHOWN_CHARACTERS = 12
# A key's last use is written at most this often, so requests do not each write.
LAST_USED_EVERY = timedelta(minutes=1)
MAX_LABEL = 100
MAX_ACTIVE_KEYS = 20
# How long a process goes on accepting a key another process has revoked, at most.
KEYS_KEPT_FOR = 1.0
# Accounts never change once created, so each process keeps those it has read; this many.
_ACCOUNTS_KEPT = 10_000
_TOUCHES_KEPT = 100_000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def hash_key(key: str) -> str:
    # The keys carry 256 random bits, so a fast hash is as good as a slow one here.
    return hashlib.sha256(key.encode()).hexdigest()


def bearer_key(authorization: str | None) -> str | None:
    """The API key of an `Authorization: Bearer <key>` value, if it holds one."""
    if not authorization:
        return None
    scheme, _, key = authorization.strip().partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key.startswith(KEY_PREFIX):
        return None
    return key


class InvalidRegion(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class NewKey:
    """A key just created: the record, and the key itself, which is never shown again."""

    api_key: ApiKey
    key: str


def _new_key_text() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def _label_errors(label: str | None) -> list[UserError]:
    if label is None:
        return []
    if len(label) > MAX_LABEL:
        return [
            UserError(
                ("label",), f"A label has at most {MAX_LABEL} characters.", ErrorCode.TOO_LONG
            )
        ]
    if _CONTROL.search(label):
        return [
            UserError(
                ("label",),
                "A label cannot hold control characters.",
                ErrorCode.INVALID_CHARACTERS,
            )
        ]
    return []


def _no_key(prefix: str) -> UserError:
    return UserError(("prefix",), f"No API key with prefix {prefix!r}.", ErrorCode.NOT_FOUND)


def _last_key() -> UserError:
    return UserError(
        ("prefix",),
        "This is the account's last active key; create another before revoking it.",
        ErrorCode.LAST_KEY,
    )


class Accounts:
    def __init__(self, store: Store, keys: Recent[str, ApiKey] | None = None) -> None:
        self._store = store
        self._known: dict[str, Account] = {}
        # Active keys by hash. Unknown and revoked keys are read again each time: a key
        # created in another process works at once, and guessed keys fill nothing.
        self._keys = keys if keys is not None else Recent[str, ApiKey](KEYS_KEPT_FOR)
        # When this process last recorded each key's use.
        self._touched: dict[str, datetime] = {}

    async def create(self, name: str, region: str = "IN") -> tuple[Account, str]:
        """Creates an account with one API key, and answers it with that key."""
        if not REGION.match(region):
            raise InvalidRegion(f"region must be 2 or 3 capital letters, got {region!r}")
        account = Account(
            id=f"acc_{uuid.uuid4().hex}", name=name, region=region, created_at=clock.now()
        )
        await self._store.insert_account(account)
        created = await self._insert_key(account, [], None)
        return account, created.key

    async def _insert_key(
        self, account: Account, existing: Sequence[ApiKey], label: str | None
    ) -> NewKey:
        taken = {k.prefix for k in existing}
        while True:
            key = _new_key_text()
            if key[:SHOWN_CHARACTERS] in taken:
                continue
            record = ApiKey(
                key_hash=hash_key(key),
                account_id=account.id,
                prefix=key[:SHOWN_CHARACTERS],
                label=label,
                created_at=clock.now(),
                last_used_at=None,
                revoked_at=None,
            )
            try:
                await self._store.insert_api_key(record)
            except DuplicateRecord:
                continue
            return NewKey(record, key)

    async def create_key(
        self, account: Account, label: str | None
    ) -> tuple[NewKey | None, list[UserError]]:
        if label is not None:
            label = label.strip() or None
        errors = _label_errors(label)
        if errors:
            return None, errors
        existing = await self._store.list_api_keys(account.id)
        if sum(k.active for k in existing) >= MAX_ACTIVE_KEYS:
            return None, [
                UserError(
                    ("label",),
                    f"An account has at most {MAX_ACTIVE_KEYS} active keys; revoke one first.",
                    ErrorCode.TOO_MANY,
                )
            ]
        return await self._insert_key(account, existing, label), []

    async def keys(self, account: Account) -> list[ApiKey]:
        return await self._store.list_api_keys(account.id)

    async def revoke_key(
        self, account: Account, prefix: str
    ) -> tuple[ApiKey | None, list[UserError]]:
        """Revokes the account's key with this prefix, unless it is its last active one."""
        keys = await self._store.list_api_keys(account.id)
        key = next((k for k in keys if k.prefix == prefix.strip()), None)
        if key is None:
            return None, [_no_key(prefix)]
        if not key.active:
            return None, [
                UserError(("prefix",), "This key is revoked already.", ErrorCode.ALREADY_REVOKED)
            ]
        if not any(k.active and k.key_hash != key.key_hash for k in keys):
            return None, [_last_key()]
        revoked = await self._store.set_api_key_revoked(key.key_hash, None, clock.now())
        self._keys.forget(key.key_hash)
        if revoked is None:
            return None, [
                UserError(("prefix",), "This key is revoked already.", ErrorCode.ALREADY_REVOKED)
            ]
        # Two revocations at once could each have seen the other's key still active: the one
        # that finds no active key left takes its own back.
        if not any(k.active for k in await self._store.list_api_keys(account.id)):
            await self._store.set_api_key_revoked(key.key_hash, revoked.revoked_at, None)
            return None, [_last_key()]
        return revoked, []

    async def authenticate(self, authorization: str | None) -> Account | None:
        """Finds the account of an `Authorization: Bearer <key>` value whose key is active,
        and records the key's use."""
        key = bearer_key(authorization)
        if key is None:
            return None
        key_hash = hash_key(key)
        record = self._keys.get(key_hash)
        if record is None:
            reading = self._keys.reading()
            record = await self._store.find_api_key(key_hash)
            if record is None or not record.active:
                return None
            self._keys.keep(key_hash, record, reading)
        account = await self._account(record.account_id)
        if account is not None:
            await self._record_use(record)
        return account

    async def _account(self, account_id: str) -> Account | None:
        account = self._known.get(account_id)
        if account is None:
            account = await self._store.get_account(account_id)
            if account is not None:
                if len(self._known) >= _ACCOUNTS_KEPT:
                    self._known.clear()
                self._known[account_id] = account
        return account

    async def _record_use(self, key: ApiKey) -> None:
        now = clock.now()
        since = now - LAST_USED_EVERY
        last = max(filter(None, (key.last_used_at, self._touched.get(key.key_hash))), default=None)
        if last is not None and last > since:
            return
        if len(self._touched) >= _TOUCHES_KEPT:
            self._touched.clear()
        self._touched[key.key_hash] = now
        await self._store.touch_api_key(key.key_hash, now, since)

    async def active_among(self, key_hashes: Sequence[str]) -> set[str]:
        """Those of `key_hashes` that belong to active keys."""
        return {k.key_hash for k in await self._store.find_api_keys(key_hashes) if k.active}

    async def named(self, name_or_id: str) -> list[Account]:
        """The accounts with this name, or the one with this id."""
        return [a for a in await self._store.list_accounts() if name_or_id in (a.name, a.id)]

    async def every(self) -> list[Account]:
        return await self._store.list_accounts()
