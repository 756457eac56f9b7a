"""Tests hold the product to what it shows: no test reads or sets an underscore attribute of
another object, or imports an underscore name, so a test pins what the code does rather than
how it is built. An object's own methods (`self`, `cls`) are its own business."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).parent
OWN = frozenset({"self", "cls"})
ATTRIBUTE_FUNCTIONS = frozenset({"getattr", "setattr", "hasattr", "delattr"})


def private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def reaches(source: str) -> Iterator[tuple[int, str]]:
    """(line, what) for every underscore name `source` takes from something not its own."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and private(node.attr):
            if not (isinstance(node.value, ast.Name) and node.value.id in OWN):
                yield node.lineno, ast.unparse(node)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ATTRIBUTE_FUNCTIONS
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and private(node.args[1].value)
        ):
            yield node.lineno, ast.unparse(node)
        elif isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if private(alias.name):
                    yield node.lineno, f"from {node.module} import {alias.name}"


def test_no_test_reaches_into_an_underscore_name() -> None:
    found = [
        f"{path.relative_to(TESTS.parent)}:{line} {what}"
        for path in sorted(TESTS.rglob("*.py"))
        for line, what in reaches(path.read_text())
    ]

    assert found == []


SAMPLE = """\
store._db.drop_collection("feed")
getattr(schema, "_schema")
from storage.mongo import _Kind
self._own = 1
cls._cache.clear()
store.__class__
"""


def test_the_scan_finds_attributes_names_and_imports_but_not_own_ones() -> None:
    found = sorted(reaches(SAMPLE))

    assert found == [
        (1, "store._db"),
        (2, "getattr(schema, '_schema')"),
        (3, "from storage.mongo import _Kind"),
    ]
