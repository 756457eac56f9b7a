"""Callback templates: generated from selected variables, or given, checked, and filled.

A template is a JSON object. For POST it is the body; for GET its (flat) pairs are appended
to the endpoint's query string. Placeholders are `<name>` inside string values.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from catalog import Channel

PLACEHOLDER = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>")

Template = dict[str, Any]


def generate(variables: tuple[str, ...]) -> Template:
    return {name: f"<{name}>" for name in variables}


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def placeholders(template: Template) -> list[str]:
    """Names used as placeholders, in order of first appearance."""
    seen: dict[str, None] = {}
    for text in _strings(template):
        for match in PLACEHOLDER.finditer(text):
            seen.setdefault(match.group(1), None)
    return list(seen)


def depth(node: Any) -> int:
    if isinstance(node, dict):
        return 1 + max((depth(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((depth(v) for v in node), default=0)
    return 0


def is_flat(template: Template) -> bool:
    return all(not isinstance(v, dict | list) for v in template.values())


def size(template: Template) -> int:
    return len(json.dumps(template, separators=(",", ":")).encode())


def text_form(value: Any) -> str:
    """How a value reads inside a longer string, in a query string or a form field."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def fill(node: Any, values: Mapping[str, Any], channel: Channel) -> Any:
    """Replaces placeholders by report values: a whole-string placeholder takes the value as
    it is (a missing one becomes null), one inside a longer string its text form."""
    if isinstance(node, dict):
        return {k: fill(v, values, channel) for k, v in node.items()}
    if isinstance(node, list):
        return [fill(v, values, channel) for v in node]
    if not isinstance(node, str):
        return node
    whole = PLACEHOLDER.fullmatch(node)
    if whole and channel.variable(whole.group(1)) is not None:
        return values.get(whole.group(1))

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if channel.variable(name) is None:
            return match.group(0)
        return text_form(values.get(name))

    return PLACEHOLDER.sub(substitute, node)


def query_string(template: Template) -> str:
    """The GET template as users see it: `status=<status>&sender=<sender>`."""
    return "&".join(f"{k}={text_form(v)}" for k, v in template.items())
