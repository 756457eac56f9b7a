"""Errors a caller can fix: each names the input it is about and carries a stable code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ErrorCode(Enum):
    REQUIRED = "REQUIRED"
    TOO_SHORT = "TOO_SHORT"
    TOO_LONG = "TOO_LONG"
    INVALID_CHARACTERS = "INVALID_CHARACTERS"
    UNKNOWN_CHANNEL = "UNKNOWN_CHANNEL"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    BODY_FORMAT_NOT_ALLOWED = "BODY_FORMAT_NOT_ALLOWED"
    INVALID_URL = "INVALID_URL"
    UNKNOWN_VARIABLE = "UNKNOWN_VARIABLE"
    UNKNOWN_PLACEHOLDER = "UNKNOWN_PLACEHOLDER"
    INVALID_TEMPLATE = "INVALID_TEMPLATE"
    NOT_SUPPORTED = "NOT_SUPPORTED"
    INVALID_KEY = "INVALID_KEY"
    INVALID_IV = "INVALID_IV"
    INVALID_HEADER = "INVALID_HEADER"
    INVALID_VALUE = "INVALID_VALUE"
    TOO_MANY = "TOO_MANY"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    LAST_KEY = "LAST_KEY"
    ALREADY_REVOKED = "ALREADY_REVOKED"
    PROFILE_NOT_ACTIVE = "PROFILE_NOT_ACTIVE"


@dataclass(frozen=True, slots=True)
class UserError:
    field: tuple[str, ...]
    message: str
    code: ErrorCode


def prefixed(errors: list[UserError], *prefix: str) -> list[UserError]:
    """Moves errors found in a nested input under the path of that input."""
    return [UserError((*prefix, *e.field), e.message, e.code) for e in errors]


class InvalidInput(Exception):
    """A malformed argument outside any mutation input (a bad cursor, say); shown as is."""
