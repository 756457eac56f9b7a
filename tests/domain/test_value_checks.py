"""values.check: a report's values against its channel's variables, put in canonical form.

Integers, numbers and booleans are taken as JSON values or as their text; booleans become
1 or 0; an enum value matches in any case and takes the listed spelling; date-times and
text stay as given. Every wrong value is reported at its own path, and then no values are
answered at all."""

from __future__ import annotations

from typing import Any

import pytest

from catalog import ChannelKind, channel_of
from domain import values
from domain.errors import ErrorCode, UserError

SMS = channel_of(ChannelKind.SMS)
EMAIL = channel_of(ChannelKind.EMAIL)
WHERE = ("events", "0", "values")


def checked(name: str, value: Any) -> Any:
    clean, errors = values.check(SMS, {name: value}, WHERE)
    assert errors == []
    assert clean is not None
    return clean[name]


def refused(name: str, value: Any) -> list[UserError]:
    clean, errors = values.check(SMS, {name: value}, WHERE)
    assert clean is None
    return errors


@pytest.mark.parametrize(
    ("name", "given", "canonical"),
    [
        ("total", 3, 3),
        ("total", 3.0, 3),
        ("total", "42", 42),
        ("total", " -7 ", -7),
        ("price", 0.05, 0.05),
        ("price", "0.05", 0.05),
        ("price", "3", 3),
        ("price", 2, 2),
        ("flash", True, 1),
        ("flash", 1, 1),
        ("flash", "1", 1),
        ("flash", "true", 1),
        ("flash", False, 0),
        ("flash", 0, 0),
        ("flash", "0", 0),
        ("flash", "false", 0),
        ("type", "otp", "OTP"),
        ("type", " Txn ", "TXN"),
        ("sent_time", "2023-05-17 12:05:14", "2023-05-17 12:05:14"),
        ("sent_time", "2023-09-29T11:23:35.586Z", "2023-09-29T11:23:35.586Z"),
        ("status", "Delivered", "Delivered"),
        ("status", 42, "42"),
        ("status", 1.5, "1.5"),
        ("status", None, None),
    ],
)
def test_a_good_value_is_answered_in_canonical_form(name: str, given: Any, canonical: Any) -> None:
    got = checked(name, given)

    assert got == canonical
    assert type(got) is type(canonical)


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("total", "4.5", "total must be an integer; got '4.5'."),
        ("total", True, "total must be an integer; got True."),
        ("total", "many", "total must be an integer; got 'many'."),
        ("price", "cheap", "price must be a number; got 'cheap'."),
        ("price", False, "price must be a number; got False."),
        ("flash", "yes", "flash must be 1 or 0; got 'yes'."),
        ("flash", 2, "flash must be 1 or 0; got 2."),
        ("type", "BULK", "type must be one of OTP, TXN, MKT; got 'BULK'."),
        (
            "sent_time",
            "yesterday",
            "sent_time must be a date-time such as 2023-05-17 12:05:14; got 'yesterday'.",
        ),
        ("status", True, "status must be text; got True."),
        ("status", ["a"], "status must be text; got ['a']."),
    ],
)
def test_a_wrong_value_is_refused_at_its_path_saying_what_it_must_be(
    name: str, given: Any, message: str
) -> None:
    assert refused(name, given) == [UserError((*WHERE, name), message, ErrorCode.INVALID_VALUE)]


def test_a_name_that_is_no_variable_of_the_channel_is_refused_with_the_valid_names() -> None:
    clean, errors = values.check(EMAIL, {"status": "Open"}, WHERE)

    assert clean is None
    assert errors == [
        UserError(
            (*WHERE, "status"),
            "Unknown EMAIL variable 'status'; valid: message_id, delivery_status, from_mail, "
            "recipient_mail, delivery_time, error_code, error_status, error_message.",
            ErrorCode.UNKNOWN_VARIABLE,
        )
    ]


def test_values_that_are_not_an_object_are_refused_as_a_whole() -> None:
    clean, errors = values.check(SMS, ["Delivered"], WHERE)

    assert clean is None
    assert errors == [UserError(WHERE, "values must be a JSON object.", ErrorCode.INVALID_VALUE)]


def test_every_wrong_value_is_reported_and_the_good_ones_are_not_answered() -> None:
    clean, errors = values.check(
        SMS, {"status": "Delivered", "total": "x", "flash": "y", "nope": 1}, WHERE
    )

    assert clean is None
    assert [(e.field, e.code) for e in errors] == [
        ((*WHERE, "total"), ErrorCode.INVALID_VALUE),
        ((*WHERE, "flash"), ErrorCode.INVALID_VALUE),
        ((*WHERE, "nope"), ErrorCode.UNKNOWN_VARIABLE),
    ]


def test_a_report_of_good_values_is_answered_whole_in_canonical_form() -> None:
    clean, errors = values.check(
        SMS, {"status": "Delivered", "total": "2", "flash": True, "type": "mkt"}, WHERE
    )

    assert errors == []
    assert clean == {"status": "Delivered", "total": 2, "flash": 1, "type": "MKT"}
