"""Settings for operators: log format, metrics address, shutdown bound."""

from __future__ import annotations

import pytest

from callbackd.config import ConfigError, load


def test_defaults_are_text_logs_metrics_on_the_api_and_twenty_seconds_to_stop() -> None:
    settings = load(environ={})

    assert settings.log_format == "text"
    assert settings.metrics_addr is None
    assert settings.shutdown_seconds == 20


def test_each_is_read_from_its_variable() -> None:
    settings = load(
        environ={
            "CALLBACKD_LOG_FORMAT": "json",
            "CALLBACKD_METRICS_ADDR": "0.0.0.0:9100",
            "CALLBACKD_SHUTDOWN_SECONDS": "3",
        }
    )

    assert settings.log_format == "json"
    assert settings.metrics_addr == ("0.0.0.0", 9100)
    assert settings.shutdown_seconds == 3


def test_an_ipv6_metrics_address_loses_its_brackets() -> None:
    assert load(environ={"CALLBACKD_METRICS_ADDR": "[::1]:9100"}).metrics_addr == ("::1", 9100)


@pytest.mark.parametrize(
    ("variable", "given", "message"),
    [
        ("CALLBACKD_LOG_FORMAT", "xml", "CALLBACKD_LOG_FORMAT must be text or json"),
        ("CALLBACKD_METRICS_ADDR", "9100", "CALLBACKD_METRICS_ADDR must be HOST:PORT"),
        ("CALLBACKD_SHUTDOWN_SECONDS", "-1", "CALLBACKD_SHUTDOWN_SECONDS must be at least 0"),
    ],
)
def test_a_value_that_makes_no_sense_is_refused(variable: str, given: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load(environ={variable: given})
