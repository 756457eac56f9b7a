"""Whether and when to try a callback again, as the best webhook senders do it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from delivery.sender import Result
from domain.models import AttemptOutcome, DeliveryStatus
from domain.store import Outcome

MAX_DELAY_SECONDS = 6 * 3600
MAX_RETRY_AFTER_SECONDS = 3600
RETRYABLE_STATUS = frozenset({408, 429})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    min_throttle_seconds: float

    def decide(self, number: int, result: Result, manual_retry: bool, now: datetime) -> Outcome:
        """What attempt `number` (1-based) that ended at `now` with `result` leaves its
        delivery: finished, SUCCEEDED or FAILED, or PENDING and due again at a later time. A
        manual retry is one attempt, never retried itself."""
        if result.outcome is AttemptOutcome.SUCCEEDED:
            return Outcome(DeliveryStatus.SUCCEEDED, number, None)
        if (
            manual_retry
            or number >= self.max_attempts
            or not self.retryable(result.outcome, result.status_code)
        ):
            return Outcome(DeliveryStatus.FAILED, number, None)
        delay = self.delay(number, result.outcome, result.status_code, result.retry_after)
        return Outcome(DeliveryStatus.PENDING, number, now + timedelta(seconds=delay))

    def allows(self, number: int, manual_retry: bool) -> bool:
        """Whether attempt `number` may go out. An automatic one past the limit may not: the
        attempt before it was the last, and was lost with its process or cut short by a stop,
        which counts it. A manual retry is one more attempt whatever came before."""
        return manual_retry or number <= self.max_attempts

    def retryable(self, outcome: AttemptOutcome, status_code: int | None) -> bool:
        if outcome in (
            AttemptOutcome.TIMEOUT,
            AttemptOutcome.CONNECTION_ERROR,
            AttemptOutcome.UNEXPECTED_RESPONSE,
            # The cause may pass (the secret key that sealed a header restored, the template
            # edited); the attempt limit still ends the delivery if it does not.
            AttemptOutcome.INVALID_REQUEST,
            AttemptOutcome.AUTH_FAILED,
        ):
            return True
        if outcome is AttemptOutcome.HTTP_ERROR and status_code is not None:
            return status_code in RETRYABLE_STATUS or status_code >= 500
        return False

    def delay(
        self,
        attempt_number: int,
        outcome: AttemptOutcome,
        status_code: int | None,
        retry_after: float | None,
    ) -> float:
        """Seconds before the next try after attempt `attempt_number` (1-based) failed."""
        delay = self.base_seconds * 2.0 ** (attempt_number - 1) * random.uniform(0.8, 1.2)
        if outcome is AttemptOutcome.TIMEOUT or status_code == 429:
            delay = max(delay, self.min_throttle_seconds)
        if retry_after is not None:
            delay = max(delay, min(retry_after, MAX_RETRY_AFTER_SECONDS))
        return min(delay, MAX_DELAY_SECONDS)
