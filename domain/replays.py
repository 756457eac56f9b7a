"""Replaying what an endpoint missed: finished deliveries of a profile queued again, each for
one manual attempt, in the order they were first published."""

from __future__ import annotations

from datetime import UTC, datetime

from domain import clock
from domain.bounds import IDEMPOTENCY_KEY_MAX as MAX_IDEMPOTENCY_KEY
from domain.errors import ErrorCode, UserError
from domain.models import Account, DeliveryStatus, ProfileEventKind
from domain.profiles import not_found
from domain.statuses import event_of
from domain.store import Span, Store

MAX_REPLAY = 10_000
REPLAYABLE = frozenset({DeliveryStatus.FAILED, DeliveryStatus.SUCCEEDED})


class Replays:
    def __init__(self, store: Store) -> None:
        self._store = store

    async def replay(
        self,
        account: Account,
        profile_id: str,
        since: datetime,
        until: datetime | None,
        status: DeliveryStatus | None,
        key: str | None,
    ) -> tuple[int | None, list[UserError]]:
        """Answers how many deliveries were queued again; with a key used before, how many
        that earlier call queued, and nothing is queued twice."""
        status = status or DeliveryStatus.FAILED
        since, until = _utc(since), None if until is None else _utc(until)
        errors = _check(since, until, status, key)
        profile = await self._store.get_profile(account.id, profile_id)
        if profile is None:
            errors.append(not_found(("profileId",)))
        if errors or profile is None:
            return None, errors
        rows = await self._store.finished_deliveries(
            account.id, Span(profile_id, status, since, until), MAX_REPLAY + 1
        )
        if len(rows) > MAX_REPLAY:
            return None, [
                UserError(
                    ("since",),
                    f"More than {MAX_REPLAY:,} deliveries match; replay a shorter span at a time.",
                    ErrorCode.TOO_MANY,
                )
            ]
        now = clock.now()
        if key is not None:
            earlier = await self._store.take_replay_key(account.id, key, len(rows), now)
            if earlier is not None:
                return earlier, []
        await self._store.requeue_all(account.id, rows, now)
        await self._store.announce_profile_event(
            event_of(profile, ProfileEventKind.REPLAYED, now, replayed=len(rows))
        )
        return len(rows), []


def _utc(moment: datetime) -> datetime:
    """A time given without a zone is taken as UTC, as the stores take it."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _check(
    since: datetime, until: datetime | None, status: DeliveryStatus, key: str | None
) -> list[UserError]:
    errors: list[UserError] = []
    if status not in REPLAYABLE:
        errors.append(
            UserError(
                ("status",),
                "Only finished deliveries are replayed: FAILED or SUCCEEDED.",
                ErrorCode.INVALID_VALUE,
            )
        )
    if until is not None and until <= since:
        errors.append(UserError(("until",), "until must be after since.", ErrorCode.INVALID_VALUE))
    if key is not None and not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        errors.append(
            UserError(
                ("idempotencyKey",),
                f"Idempotency keys take 1 to {MAX_IDEMPOTENCY_KEY} characters.",
                ErrorCode.INVALID_VALUE,
            )
        )
    return errors
