"""Settings read from the environment: retention."""

from __future__ import annotations

import pytest

from callbackd.config import ConfigError, load


def test_finished_deliveries_are_kept_30_days_unless_told() -> None:
    assert load(environ={}).retention_days == 30.0
    assert load(environ={"CALLBACKD_RETENTION_DAYS": "0.5"}).retention_days == 0.5


def test_a_retention_of_zero_keeps_them_forever() -> None:
    assert load(environ={"CALLBACKD_RETENTION_DAYS": "0"}).retention_days is None


@pytest.mark.parametrize("given", ["-1", "a month"])
def test_a_retention_that_is_not_a_number_of_days_is_refused(given: str) -> None:
    with pytest.raises(ConfigError, match="CALLBACKD_RETENTION_DAYS must be"):
        load(environ={"CALLBACKD_RETENTION_DAYS": given})
