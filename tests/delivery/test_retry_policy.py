"""RetryPolicy: which failed attempts are tried again, and after how long, and so what an
attempt leaves its delivery: finished, or due again at a given time.

Delays double per attempt from the base with ±20 % jitter; a timeout or a 429 waits at
least the throttle floor; a Retry-After is honoured up to one hour; no delay exceeds six
hours. The attempt limit and a manual retry end a delivery whatever the failure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from delivery.retry import RetryPolicy
from delivery.sender import Result
from domain.models import AttemptOutcome, DeliveryStatus
from domain.store import Outcome

POLICY = RetryPolicy(max_attempts=8, base_seconds=10.0, min_throttle_seconds=60.0)
SAMPLES = 200
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def ended(
    outcome: AttemptOutcome, status_code: int | None = None, retry_after: float | None = None
) -> Result:
    return Result(outcome, status_code, None, 12.5, None, retry_after)


def after(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


SUCCEEDED = ended(AttemptOutcome.SUCCEEDED, 200)
UNAVAILABLE = ended(AttemptOutcome.HTTP_ERROR, 503)


def delays(
    policy: RetryPolicy,
    attempt_number: int,
    outcome: AttemptOutcome = AttemptOutcome.HTTP_ERROR,
    status_code: int | None = 503,
    retry_after: float | None = None,
) -> list[float]:
    return [policy.delay(attempt_number, outcome, status_code, retry_after) for _ in range(SAMPLES)]


@pytest.mark.parametrize(
    ("outcome", "status_code"),
    [
        (AttemptOutcome.TIMEOUT, None),
        (AttemptOutcome.CONNECTION_ERROR, None),
        (AttemptOutcome.INVALID_REQUEST, None),
        (AttemptOutcome.UNEXPECTED_RESPONSE, 200),
        (AttemptOutcome.HTTP_ERROR, 408),
        (AttemptOutcome.HTTP_ERROR, 429),
        (AttemptOutcome.HTTP_ERROR, 500),
        (AttemptOutcome.HTTP_ERROR, 503),
        (AttemptOutcome.HTTP_ERROR, 599),
    ],
)
def test_transient_failures_are_tried_again(
    outcome: AttemptOutcome, status_code: int | None
) -> None:
    assert POLICY.retryable(outcome, status_code) is True


@pytest.mark.parametrize(
    ("outcome", "status_code"),
    [
        (AttemptOutcome.SUCCEEDED, 200),
        (AttemptOutcome.BLOCKED, None),
        (AttemptOutcome.HTTP_ERROR, 400),
        (AttemptOutcome.HTTP_ERROR, 401),
        (AttemptOutcome.HTTP_ERROR, 404),
        (AttemptOutcome.HTTP_ERROR, 410),
        (AttemptOutcome.HTTP_ERROR, 422),
        (AttemptOutcome.HTTP_ERROR, None),
    ],
)
def test_answers_that_will_not_change_are_not_tried_again(
    outcome: AttemptOutcome, status_code: int | None
) -> None:
    assert POLICY.retryable(outcome, status_code) is False


@pytest.mark.parametrize(("attempt_number", "nominal"), [(1, 10.0), (2, 20.0), (3, 40.0)])
def test_the_delay_doubles_per_attempt_within_twenty_percent_jitter(
    attempt_number: int, nominal: float
) -> None:
    # When the same failure is scheduled many times
    got = delays(POLICY, attempt_number)

    # Then every delay lies within ±20 % of base * 2^(n-1), and they are not all the same
    assert all(nominal * 0.8 <= d <= nominal * 1.2 for d in got)
    assert min(got) < max(got)


@pytest.mark.parametrize(
    ("outcome", "status_code"),
    [(AttemptOutcome.TIMEOUT, None), (AttemptOutcome.HTTP_ERROR, 429)],
)
def test_a_timeout_or_a_429_waits_at_least_the_throttle_floor(
    outcome: AttemptOutcome, status_code: int | None
) -> None:
    # Given a backoff (10 s ± 20 %) below the 60 s floor
    got = delays(POLICY, 1, outcome, status_code)

    # Then the floor is the delay
    assert set(got) == {60.0}


def test_the_throttle_floor_does_not_shorten_a_longer_backoff() -> None:
    # Given attempt 4, whose backoff is 80 s ± 20 %
    got = delays(POLICY, 4, AttemptOutcome.HTTP_ERROR, 429)

    assert all(64.0 <= d <= 96.0 for d in got)


def test_other_failures_are_not_held_to_the_throttle_floor() -> None:
    got = delays(POLICY, 1, AttemptOutcome.HTTP_ERROR, 503)

    assert all(8.0 <= d <= 12.0 for d in got)


def test_a_longer_retry_after_is_waited_for() -> None:
    got = delays(POLICY, 1, AttemptOutcome.HTTP_ERROR, 503, retry_after=120.0)

    assert set(got) == {120.0}


def test_a_retry_after_beyond_one_hour_is_cut_to_one_hour() -> None:
    got = delays(POLICY, 1, AttemptOutcome.HTTP_ERROR, 503, retry_after=86_400.0)

    assert set(got) == {3600.0}


def test_a_shorter_retry_after_does_not_shorten_the_backoff() -> None:
    got = delays(POLICY, 3, AttemptOutcome.HTTP_ERROR, 503, retry_after=1.0)

    assert all(32.0 <= d <= 48.0 for d in got)


def test_no_delay_exceeds_six_hours() -> None:
    # Given attempt 20, whose backoff would be 10 s * 2^19 (about 61 days)
    got = delays(POLICY, 20)

    assert set(got) == {6 * 3600.0}


def test_a_success_finishes_the_delivery() -> None:
    assert POLICY.decide(3, SUCCEEDED, False, NOW) == Outcome(DeliveryStatus.SUCCEEDED, 3, None)


def test_a_transient_failure_with_attempts_left_is_due_again_after_the_backoff() -> None:
    # Given attempt 2 of 8 answered 503, whose backoff is 20 s ± 20 %
    decided = [POLICY.decide(2, UNAVAILABLE, False, NOW) for _ in range(SAMPLES)]

    # Then the delivery stays pending, its two attempts counted, due within the jitter range
    assert {(d.status, d.attempt_count) for d in decided} == {(DeliveryStatus.PENDING, 2)}
    due = [d.next_attempt_at for d in decided]
    assert all(d is not None and after(16) <= d <= after(24) for d in due)
    assert len(set(due)) > 1


def test_a_429_is_due_again_no_sooner_than_the_throttle_floor() -> None:
    decided = POLICY.decide(1, ended(AttemptOutcome.HTTP_ERROR, 429), False, NOW)

    assert decided == Outcome(DeliveryStatus.PENDING, 1, after(60))


def test_a_timeout_is_due_again_no_sooner_than_the_throttle_floor() -> None:
    decided = POLICY.decide(1, ended(AttemptOutcome.TIMEOUT), False, NOW)

    assert decided == Outcome(DeliveryStatus.PENDING, 1, after(60))


def test_a_retry_after_sets_the_due_time_up_to_one_hour() -> None:
    asked = POLICY.decide(1, ended(AttemptOutcome.HTTP_ERROR, 503, 300.0), False, NOW)
    too_long = POLICY.decide(1, ended(AttemptOutcome.HTTP_ERROR, 503, 7200.0), False, NOW)

    assert asked == Outcome(DeliveryStatus.PENDING, 1, after(300))
    assert too_long == Outcome(DeliveryStatus.PENDING, 1, after(3600))


def test_the_last_attempt_fails_the_delivery() -> None:
    assert POLICY.decide(8, UNAVAILABLE, False, NOW) == Outcome(DeliveryStatus.FAILED, 8, None)


def test_an_answer_that_will_not_change_fails_the_delivery_at_once() -> None:
    gone = ended(AttemptOutcome.HTTP_ERROR, 404)

    assert POLICY.decide(1, gone, False, NOW) == Outcome(DeliveryStatus.FAILED, 1, None)


def test_a_manual_retry_is_tried_once() -> None:
    # Given a delivery retried by hand, on its ninth attempt
    decided = POLICY.decide(9, UNAVAILABLE, True, NOW)

    # Then a transient failure fails it again rather than scheduling more attempts
    assert decided == Outcome(DeliveryStatus.FAILED, 9, None)


def test_a_manual_retry_that_succeeds_finishes_the_delivery() -> None:
    assert POLICY.decide(9, SUCCEEDED, True, NOW) == Outcome(DeliveryStatus.SUCCEEDED, 9, None)


def test_an_automatic_attempt_past_the_limit_is_not_allowed_and_a_manual_one_always_is() -> None:
    allowed = [
        POLICY.allows(number, manual_retry)
        for number, manual_retry in ((8, False), (9, False), (9, True), (20, True))
    ]

    assert allowed == [True, False, True, True]
