"""The auto-disable rule: both the number of failures and the time since the first of them
must be reached."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from delivery.health import DisableRule
from tests.support.factories import at, profile

RULE = DisableRule(after=timedelta(hours=120), failures=100)
HOURS = 3600


@pytest.mark.parametrize(
    ("failures", "hours_failing", "reached"),
    [
        (100, 120, True),
        (250, 500, True),
        (99, 500, False),
        (5000, 119.99, False),
        (0, 0, False),
    ],
)
def test_both_thresholds_must_be_met(failures: int, hours_failing: float, reached: bool) -> None:
    failing = replace(profile("acc"), failures=failures, failing_since=at(0))

    assert RULE.reached(failing, at(hours_failing * HOURS)) is reached


def test_a_profile_that_never_failed_is_not_disabled() -> None:
    assert RULE.reached(profile("acc"), at(10_000 * HOURS)) is False
