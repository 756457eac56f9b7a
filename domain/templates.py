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
from domain import numbers

PLACEHOLDER = re.compile(r"<([A-Za-z_][A-Za-z0-9_]*)>")

Template = dict[str, Any]


def generate(variables: tuple[str, ...]) -> Template:
    return {name: f"<{name}>" for name in variables}


def _children(node: dict[str, Any] | list[Any]) -> Iterator[Any]:
    return iter(node.values() if isinstance(node, dict) else node)


# The walks below keep their own stack rather than recursing: a template arrives as any JSON
# a caller sends, and is measured before its depth is known to be small.
def _leaves(node: Any) -> Iterator[Any]:
    """Every value that is not an object or a list, in document order."""
    stack = [iter((node,))]
    while stack:
        for item in stack[-1]:
            if isinstance(item, dict | list):
                stack.append(_children(item))
                break
            yield item
        else:
            stack.pop()


def _strings(node: Any) -> Iterator[str]:
    return (leaf for leaf in _leaves(node) if isinstance(leaf, str))


def placeholders(template: Template) -> list[str]:
    """Names used as placeholders, in order of first appearance."""
    seen: dict[str, None] = {}
    for text in _strings(template):
        for match in PLACEHOLDER.finditer(text):
            seen.setdefault(match.group(1), None)
    return list(seen)


def depth(node: Any) -> int:
    deepest = 0
    stack = [iter((node,))]
    while stack:
        for item in stack[-1]:
            if isinstance(item, dict | list):
                stack.append(_children(item))
                deepest = max(deepest, len(stack) - 1)
                break
        else:
            stack.pop()
    return deepest


def unstorable_number(template: Template) -> int | float | None:
    """The first number in the template that the store cannot hold, if any."""
    return next((leaf for leaf in _leaves(template) if not numbers.storable(leaf)), None)


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
