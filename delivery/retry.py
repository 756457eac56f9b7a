"""When to try a failed callback again, as the best webhook senders do it."""

from __future__ import annotations

import random
from dataclasses import dataclass

from domain.models import AttemptOutcome

MAX_DELAY_SECONDS = 6 * 3600
MAX_RETRY_AFTER_SECONDS = 3600
RETRYABLE_STATUS = frozenset({408, 429})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    base_seconds: float
    min_throttle_seconds: float

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
