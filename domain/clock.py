"""Time as the stores keep it: UTC, to the millisecond (MongoDB's date precision)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    t = datetime.now(UTC)
    return t.replace(microsecond=t.microsecond // 1000 * 1000)
