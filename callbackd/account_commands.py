"""`callbackd account list | keys | key create | key revoke`: accounts and keys for operators.

Each command prints what it did on stdout and answers an exit code: 0 done, 1 refused (an
unknown account or prefix, the last key, a bad label), with the reason on stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime

from domain.accounts import Accounts
from domain.errors import UserError
from domain.models import Account
from domain.store import Store

REFUSED = 1


def _say(line: str = "") -> None:
    print(line, flush=True)


def _refuse(message: str) -> int:
    print(f"callbackd: {message}", file=sys.stderr, flush=True)
    return REFUSED


def _when(at: datetime | None, otherwise: str) -> str:
    return otherwise if at is None else at.strftime("%Y-%m-%dT%H:%M:%SZ")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        _say("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


async def _one(accounts: Accounts, name: str) -> Account | str:
    """The account called `name` (or with that id), or why there is not exactly one."""
    found = await accounts.named(name)
    if not found:
        return f"no account is named {name!r}; `callbackd account list` shows them"
    if len(found) > 1:
        ids = ", ".join(a.id for a in found)
        return f"{len(found)} accounts are named {name!r}; give one of their ids: {ids}"
    return found[0]


def _errors(errors: list[UserError]) -> str:
    return " ".join(e.message for e in errors)


async def list_accounts(store: Store) -> int:
    rows = []
    for account in await Accounts(store).every():
        keys = await store.list_api_keys(account.id)
        active = sum(k.active for k in keys)
        rows.append(
            [
                account.name,
                account.id,
                account.region,
                str(active),
                str(len(keys) - active),
                _when(account.created_at, ""),
            ]
        )
    _table(["NAME", "ID", "REGION", "ACTIVE KEYS", "REVOKED KEYS", "CREATED"], rows)
    return 0


async def list_keys(store: Store, name: str) -> int:
    accounts = Accounts(store)
    account = await _one(accounts, name)
    if isinstance(account, str):
        return _refuse(account)
    rows = [
        [
            k.prefix,
            k.label or "",
            _when(k.created_at, ""),
            _when(k.last_used_at, "never"),
            _when(k.revoked_at, "-"),
        ]
        for k in await accounts.keys(account)
    ]
    _table(["PREFIX", "LABEL", "CREATED", "LAST USED", "REVOKED"], rows)
    return 0


async def create_key(store: Store, name: str, label: str | None) -> int:
    accounts = Accounts(store)
    account = await _one(accounts, name)
    if isinstance(account, str):
        return _refuse(account)
    created, errors = await accounts.create_key(account, label)
    if created is None:
        return _refuse(_errors(errors))
    _say(f"API key {created.api_key.prefix} created for account {account.name} ({account.id}).")
    _say("It is shown only now:")
    _say(created.key)
    return 0


async def revoke_key(store: Store, name: str, prefix: str) -> int:
    accounts = Accounts(store)
    account = await _one(accounts, name)
    if isinstance(account, str):
        return _refuse(account)
    revoked, errors = await accounts.revoke_key(account, prefix)
    if revoked is None:
        return _refuse(f"account {account.name}: {_errors(errors)}")
    _say(
        f"API key {revoked.prefix} of account {account.name} revoked at "
        f"{_when(revoked.revoked_at, '')}; every server sharing this database refuses it now."
    )
    return 0
