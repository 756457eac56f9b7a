"""Opaque keyset cursors and the `first` argument rules shared by every connection."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from domain.bounds import PAGE_MAX
from domain.errors import InvalidInput
from domain.store import Keyset

DEFAULT_PAGE = 20


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 0:
        raise InvalidInput("`first` must not be negative")
    return min(first, PAGE_MAX)


def encode_cursor(created_at: datetime, row_id: str) -> str:
    millis = int(created_at.timestamp() * 1000)
    return base64.urlsafe_b64encode(f"{millis}:{row_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> Keyset | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        millis, _, row_id = text.partition(":")
        created_at = datetime.fromtimestamp(int(millis) / 1000, UTC)
    except (binascii.Error, UnicodeDecodeError, ValueError, OverflowError, OSError) as exc:
        raise InvalidInput("`after` is not a cursor this server gave out") from exc
    if not row_id:
        raise InvalidInput("`after` is not a cursor this server gave out")
    return Keyset(created_at, row_id)
