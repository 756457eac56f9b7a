"""Ids that sort in creation order, so listings of rows created in the same millisecond
(a published batch, say) still come out newest first."""

from __future__ import annotations

import itertools
import secrets
import time
import uuid

_counter = itertools.count()


def sortable_id(prefix: str) -> str:
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{millis:012x}{next(_counter) % 0xFFFFFF:06x}{secrets.token_hex(7)}"


def attempt_id(delivery_id: str, number: int) -> str:
    """The id of attempt `number` of a delivery: derived, not drawn, so that its outcome and
    a LOST record for it cannot both be stored (the second insert of the id fails)."""
    return f"att_{delivery_id}_{number}"


class _Uuid7:
    """RFC 9562 version 7 UUIDs: milliseconds, then a counter within the millisecond, then
    random bits; so they sort in creation order within this process."""

    def __init__(self) -> None:
        self._millis = 0
        self._sequence = 0

    def __call__(self) -> uuid.UUID:
        millis = time.time_ns() // 1_000_000
        if millis > self._millis:
            self._millis, self._sequence = millis, 0
        else:
            self._sequence += 1
            if self._sequence > 0xFFF:
                # 4,096 in one millisecond: borrow the next one rather than lose the order.
                self._millis, self._sequence = self._millis + 1, 0
        value = (
            (self._millis << 80)
            | (0x7 << 76)
            | (self._sequence << 64)
            | (0b10 << 62)
            | secrets.randbits(62)
        )
        return uuid.UUID(int=value)


uuid7 = _Uuid7()
