"""Strict JSON for requests: UTF-8 only, nesting bounded, each refusal saying why."""

from __future__ import annotations

import json

# Deeper than any honest variables object; bounds the work of everything that walks them.
MAX_DEPTH = 64


class InvalidJson(json.JSONDecodeError):
    """A request body or message that is not JSON callbackd takes. A JSONDecodeError, so
    Strawberry's WebSocket handler treats it as the non-JSON message it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "", 0)
        self.msg = message

    def __str__(self) -> str:
        return self.msg


def decode(data: str | bytes) -> object:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise InvalidJson(f"The request body is not valid UTF-8 (byte {e.start}).") from e
    try:
        value = json.loads(data)
    except RecursionError as e:
        raise InvalidJson(f"The JSON is nested deeper than {MAX_DEPTH} levels.") from e
    except json.JSONDecodeError as e:
        raise InvalidJson(
            f"The request body is not valid JSON: {e.msg} (line {e.lineno}, column {e.colno})."
        ) from e
    if _depth_exceeds(value, MAX_DEPTH):
        raise InvalidJson(f"The JSON is nested deeper than {MAX_DEPTH} levels.")
    return value


def _depth_exceeds(value: object, limit: int) -> bool:
    pending: list[tuple[object, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
