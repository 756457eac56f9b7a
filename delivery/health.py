"""What an attempt's outcome says about the endpoint as a whole: a success forgets earlier
failures; failures without a success for long enough, or a `410 Gone`, auto-disable the
profile; a `429` with `Retry-After` pauses every delivery of the profile."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from delivery.retry import MAX_RETRY_AFTER_SECONDS
from delivery.sender import Result
from domain.models import AttemptOutcome, Profile, ProfileEventKind
from domain.statuses import Statuses, event_of
from domain.store import Store

GONE = 410
TOO_MANY_REQUESTS = 429
GONE_REASON = "The endpoint answered 410 Gone."


@dataclass(frozen=True, slots=True)
class DisableRule:
    """Both must be met: failures alone may be a burst, time alone may be one slow retry."""

    after: timedelta
    failures: int

    def reached(self, profile: Profile, now: datetime) -> bool:
        since = profile.failing_since
        return since is not None and profile.failures >= self.failures and now - since >= self.after

    def reason(self, profile: Profile) -> str:
        assert profile.failing_since is not None
        return (
            f"No success in {profile.failures} attempts since {profile.failing_since.isoformat()}."
        )


class Health:
    def __init__(self, store: Store, statuses: Statuses, rule: DisableRule) -> None:
        self._store = store
        self._statuses = statuses
        self._rule = rule
        # One count at a time per profile in this process: FerretDB's $inc is a read and
        # then a write, so concurrent counts could be lost. Between processes on FerretDB
        # one may still be, which only makes the auto-disable come a failure later.
        self._counting: dict[str, asyncio.Lock] = {}

    async def judge(self, profile: Profile, result: Result, now: datetime) -> None:
        """Counts the attempt just made to `profile` (as read before it was sent)."""
        if result.outcome is AttemptOutcome.SUCCEEDED:
            if profile.failures:
                self._counting.pop(profile.id, None)
                await self._store.forget_failures(profile.account_id, profile.id)
            return
        if result.status_code == TOO_MANY_REQUESTS and result.retry_after is not None:
            await self._pause(profile, now, result.retry_after)
        async with self._counting.setdefault(profile.id, asyncio.Lock()):
            counted = await self._store.count_failure(profile.account_id, profile.id, now)
        if counted is None:
            return
        if result.status_code == GONE:
            await self._statuses.auto_disable(profile.account_id, profile.id, GONE_REASON)
        elif self._rule.reached(counted, now):
            await self._statuses.auto_disable(
                profile.account_id, profile.id, self._rule.reason(counted)
            )

    async def _pause(self, profile: Profile, now: datetime, seconds: float) -> None:
        until = now + timedelta(seconds=min(seconds, MAX_RETRY_AFTER_SECONDS))
        paused = await self._store.pause_profile(profile.account_id, profile.id, until)
        if paused is not None:
            reason = f"The endpoint answered 429 with Retry-After: {seconds:g} s."
            await self._store.announce_profile_event(
                event_of(paused, ProfileEventKind.PAUSED, now, reason=reason)
            )
