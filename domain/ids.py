"""Ids that sort in creation order, so listings of rows created in the same millisecond
(a published batch, say) still come out newest first.

Row ids and profile ids are RFC 9562 version 7 UUIDs from `uuid_utils`, whose generator
counts within a millisecond, so the ids one process makes sort in the order it made them."""

from __future__ import annotations

import uuid_utils
from uuid_utils.compat import uuid7

__all__ = ["attempt_id", "sortable_id", "uuid7"]


def sortable_id(prefix: str) -> str:
    """`<prefix>_` and 32 hex digits: a version 7 UUID, milliseconds first."""
    return f"{prefix}_{uuid_utils.uuid7().hex}"


def attempt_id(delivery_id: str, number: int) -> str:
    """The id of attempt `number` of a delivery: derived, not drawn, so that its outcome and
    a LOST record for it cannot both be stored (the second insert of the id fails)."""
    return f"att_{delivery_id}_{number}"
