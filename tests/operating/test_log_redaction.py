"""Log lines never carry secrets: API keys, signing secrets, credentials, key=value secrets."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from callbackd.logs import JsonFormatter, redact

KEY = "cbk_vIpSNjemkdQTca14esudwgsM-i1WwcMjx8lrYje0Ck"


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        (f"authenticating {KEY} now", "authenticating cbk_*** now"),
        ("secret whsec_c2VjcmV0c2VjcmV0c2VjcmV0", "secret whsec_***"),
        ("Authorization: Bearer abc.def-ghi", "Authorization: Bearer ***"),
        ("sent with Basic dXNlcjpwYXNz", "sent with Basic ***"),
        ("GET /hook?status=ok&token=s3cr3t&ref=1", "GET /hook?status=ok&token=***&ref=1"),
        ('{"api-key": "A71151f2c0ac28bb", "ref": "x"}', '{"api-key": "***", "ref": "x"}'),
        ("password=hunter2", "password=***"),
        ("nothing secret here: ref=42", "nothing secret here: ref=42"),
    ],
)
def test_secrets_are_masked_and_the_rest_kept(line: str, shown: str) -> None:
    assert redact(line) == shown


def test_a_json_line_has_level_time_message_and_the_ids_given() -> None:
    record = logging.LogRecord(
        "callbackd.attempts", logging.INFO, __file__, 1, "sent %s", (KEY,), None
    )
    record.account_id = "acc_1"
    record.profile_id = "IN_42"
    record.delivery_id = "del_7"
    record.attempt_id = "att_9"
    record.created = 0.0

    entry = json.loads(JsonFormatter().format(record))

    assert entry == {
        "time": "1970-01-01T00:00:00.000+00:00",
        "level": "info",
        "logger": "callbackd.attempts",
        "message": "sent cbk_***",
        "account_id": "acc_1",
        "profile_id": "IN_42",
        "delivery_id": "del_7",
        "attempt_id": "att_9",
    }


def test_an_exception_is_logged_redacted() -> None:
    try:
        raise ValueError(f"bad key {KEY}")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), None)
        record.exc_info = sys.exc_info()

    entry = json.loads(JsonFormatter().format(record))

    assert KEY not in entry["exception"]
    assert "ValueError: bad key cbk_***" in entry["exception"]
