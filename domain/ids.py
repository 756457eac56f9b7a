"""Ids that sort in creation order, so listings of rows created in the same millisecond
(a published batch, say) still come out newest first."""

from __future__ import annotations

import itertools
import secrets
import time

_counter = itertools.count()


def sortable_id(prefix: str) -> str:
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{millis:012x}{next(_counter) % 0xFFFFFF:06x}{secrets.token_hex(7)}"
