"""The fields of a profile document that say how its endpoint is doing, written the same way
by both stores: status changes, failure counts and pauses."""

from __future__ import annotations

from domain.models import ProfileStatus
from domain.store import StatusChange
from storage.codec import Doc


def status_fields(change: StatusChange) -> Doc:
    fields: Doc = {
        "status": change.status.value,
        "status_reason": change.reason,
        "status_changed_at": change.at,
        "updated_at": change.at,
    }
    if change.status is ProfileStatus.ACTIVE:
        fields |= {"failures": 0, "failing_since": None, "paused_until": None}
    return fields


def status_allows(doc: Doc, change: StatusChange) -> bool:
    """Whether the profile stored as `doc` may take `change`; a profile stored before
    statuses were kept has none and is active."""
    return ProfileStatus(doc.get("status") or ProfileStatus.ACTIVE.value) in change.allowed_from
