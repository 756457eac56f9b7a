"""Settings read from the environment: retention, the secret keys, auto-disable thresholds."""

from __future__ import annotations

import base64

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


KEY_A = "q2l1cGtLb2Vlc2VjcmV0a2V5Zm9ydGVzdHNvbmx5MTI="
KEY_B = "bm90aGVyLXNlY3JldC1rZXktZm9yLXRoZS10ZXN0cy0="


def test_the_secret_key_may_list_several_keys_newest_first() -> None:
    loaded = load(environ={"CALLBACKD_SECRET_KEY": f"{KEY_B}, {KEY_A}"})

    assert loaded.secret_keys == (base64.b64decode(KEY_B), base64.b64decode(KEY_A))


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (f"{KEY_A},", "CALLBACKD_SECRET_KEY: secret key 2 of 2 is empty"),
        (f"{KEY_A},,{KEY_B}", "CALLBACKD_SECRET_KEY: secret key 2 of 3 is empty"),
        (f"{KEY_A},not base64!", "CALLBACKD_SECRET_KEY: secret key 2 of 2 is not base64"),
        ("c2hvcnQ=", "CALLBACKD_SECRET_KEY: the secret key must be 32 bytes, got 5"),
        (f"{KEY_A},c2hvcnQ=", "CALLBACKD_SECRET_KEY: secret key 2 of 2 must be 32 bytes, got 5"),
        (f"{KEY_A},{KEY_A}", "CALLBACKD_SECRET_KEY: secret key 2 of 2 repeats an earlier key"),
    ],
    ids=["trailing-comma", "empty-entry", "not-base64", "short", "short-second", "repeated"],
)
def test_a_malformed_key_list_is_refused_with_the_reason(given: str, message: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(environ={"CALLBACKD_SECRET_KEY": given})

    assert str(raised.value) == message


def test_a_profile_is_auto_disabled_after_120_hours_and_100_failures_unless_told() -> None:
    default = load(environ={})
    told = load(
        environ={
            "CALLBACKD_DISABLE_AFTER_HOURS": "0.5",
            "CALLBACKD_DISABLE_AFTER_FAILURES": "3",
        }
    )

    assert (default.disable_after_hours, default.disable_after_failures) == (120.0, 100)
    assert (told.disable_after_hours, told.disable_after_failures) == (0.5, 3)


@pytest.mark.parametrize(
    ("env", "given"),
    [
        ("CALLBACKD_DISABLE_AFTER_HOURS", "-1"),
        ("CALLBACKD_DISABLE_AFTER_FAILURES", "0"),
        ("CALLBACKD_DISABLE_AFTER_FAILURES", "many"),
    ],
)
def test_auto_disable_thresholds_out_of_range_are_refused(env: str, given: str) -> None:
    with pytest.raises(ConfigError, match=f"{env} must be"):
        load(environ={env: given})
