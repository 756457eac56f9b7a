"""Checks report values against a channel's variable types and puts them in canonical form."""

from __future__ import annotations

import math
import re
from datetime import datetime
from typing import Any

from catalog import Channel, ValueType, Variable
from domain import numbers
from domain.bounds import (
    INTEGER_MAX,
    INTEGER_MIN,
    VALUE_TEXT_MAX,
    VALUES_MAX,
    VARIABLE_NAME_MAX,
)
from domain.errors import ErrorCode, UserError

_INTEGER = re.compile(r"^[+-]?\d+$")
_INTEGER_RANGE = f"an integer from {INTEGER_MIN} to {INTEGER_MAX}"
# Longer values are left out of messages rather than repeated back whole.
_SHOWN_MAX = 100


class _Bad(ValueError):
    pass


def _in_range(value: int) -> int:
    if not INTEGER_MIN <= value <= INTEGER_MAX:
        raise _Bad(_INTEGER_RANGE)
    return value


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        raise _Bad("an integer")
    if isinstance(value, int):
        return _in_range(value)
    if isinstance(value, float) and value.is_integer():
        return _in_range(int(value))
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return _in_range(int(value.strip()))
    raise _Bad("an integer")


def _number(value: Any) -> int | float:
    if isinstance(value, bool):
        raise _Bad("a number")
    if isinstance(value, int):
        return _in_range(value)
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str):
        text = value.strip()
        if _INTEGER.fullmatch(text):
            return _in_range(int(text))
        try:
            parsed = float(text)
        except ValueError:
            raise _Bad("a number") from None
        if math.isfinite(parsed):
            return parsed
    raise _Bad(numbers.RANGE)


def _boolean(value: Any) -> int:
    if value is True or value in (1, "1", "true"):
        return 1
    if value is False or value in (0, "0", "false"):
        return 0
    raise _Bad("1 or 0")


def _datetime(value: Any) -> str:
    if isinstance(value, str):
        text = value.strip()
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise _Bad("a date-time such as 2023-05-17 12:05:14") from None
        return text
    raise _Bad("a date-time such as 2023-05-17 12:05:14")


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise _Bad("text")
    text = value if isinstance(value, str) else str(value)
    if len(text) > VALUE_TEXT_MAX:
        raise _Bad(f"text of at most {VALUE_TEXT_MAX} characters")
    return text


def _enum(variable: Variable, value: Any) -> str:
    allowed = variable.allowed_values or ()
    if isinstance(value, str):
        for option in allowed:
            if option.lower() == value.strip().lower():
                return option
    raise _Bad("one of " + ", ".join(allowed))


def canonical(variable: Variable, value: Any) -> Any:
    if value is None:
        return None
    if not numbers.storable(value):
        raise _Bad(numbers.RANGE)
    match variable.type:
        case ValueType.INTEGER:
            return _integer(value)
        case ValueType.NUMBER:
            return _number(value)
        case ValueType.BOOLEAN:
            return _boolean(value)
        case ValueType.DATETIME:
            return _datetime(value)
        case ValueType.ENUM:
            return _enum(variable, value)
        case _:
            return _text(value)


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_MAX else f"a value of {len(text)} characters"


def check(
    channel: Channel, values: Any, where: tuple[str, ...]
) -> tuple[dict[str, Any] | None, list[UserError]]:
    if not isinstance(values, dict):
        return None, [UserError(where, "values must be a JSON object.", ErrorCode.INVALID_VALUE)]
    if len(values) > VALUES_MAX:
        return None, [
            UserError(where, f"values holds at most {VALUES_MAX} variables.", ErrorCode.TOO_MANY)
        ]
    clean: dict[str, Any] = {}
    errors: list[UserError] = []
    for name, value in values.items():
        if len(name) > VARIABLE_NAME_MAX:
            errors.append(
                UserError(
                    (*where, name),
                    f"Variable names take at most {VARIABLE_NAME_MAX} characters.",
                    ErrorCode.TOO_LONG,
                )
            )
            continue
        variable = channel.variable(name)
        if variable is None:
            errors.append(
                UserError(
                    (*where, name),
                    f"Unknown {channel.kind.value} variable {name!r}; valid: "
                    + ", ".join(channel.variable_names)
                    + ".",
                    ErrorCode.UNKNOWN_VARIABLE,
                )
            )
            continue
        try:
            clean[name] = canonical(variable, value)
        except _Bad as exc:
            errors.append(
                UserError(
                    (*where, name),
                    f"{name} must be {exc}; got {_shown(value)}.",
                    ErrorCode.INVALID_VALUE,
                )
            )
    return (None, errors) if errors else (clean, [])


def examples(channel: Channel) -> dict[str, Any]:
    """The channel's example values in canonical form, as a profile test sends them."""
    return {v.name: canonical(v, v.example) for v in channel.variables}
