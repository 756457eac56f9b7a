"""Stores each attempt, whatever happened, and so announces it to subscribers."""

from __future__ import annotations

from collections.abc import Callable

from delivery.dispatch import Dispatched
from domain.ids import attempt_id, sortable_id
from domain.models import Attempt, AttemptTrigger, Profile
from domain.store import Store


class Recorder:
    def __init__(self, store: Store, on_attempt: Callable[[Attempt], None] = lambda _: None):
        self._store = store
        self._on_attempt = on_attempt

    async def record(
        self,
        profile: Profile,
        dispatched: Dispatched,
        delivery_id: str | None,
        number: int,
        trigger: AttemptTrigger,
        saved: bool = True,
    ) -> Attempt:
        """Attempt `number` of a delivery, or a test when `delivery_id` is None; a test of
        an unsaved profile names no profile."""
        result = dispatched.result
        attempt = Attempt(
            id=sortable_id("att") if delivery_id is None else attempt_id(delivery_id, number),
            account_id=profile.account_id,
            profile_id=profile.id if saved else None,
            delivery_id=delivery_id,
            channel=profile.channel,
            number=number,
            trigger=trigger,
            outcome=result.outcome,
            request=dispatched.request,
            status_code=result.status_code,
            response_body=result.response_body,
            duration_ms=result.duration_ms,
            error=result.error,
            started_at=dispatched.started_at,
        )
        await self._store.insert_attempt(attempt)
        self._on_attempt(attempt)
        return attempt
