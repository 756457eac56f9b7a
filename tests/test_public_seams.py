"""Product code extends graphql-core, Strawberry, httpx and httpcore through their public
names; the executor internals graph.execution needs (pinned and tested in
tests/api/test_executor_seams.py) are imported there and nowhere else."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).parent.parent
PRODUCT = (
    "callbackd",
    "catalog",
    "delivery",
    "domain",
    "graph",
    "live",
    "resolvers",
    "storage",
)
LIBRARIES = ("graphql", "strawberry", "httpx", "httpcore")
EXECUTOR_INTERNALS = (
    "graphql.execution.collect_fields",
    "strawberry.schema.schema",
    "strawberry.schema.schema_converter",
)


def of_a_library(module: str | None) -> bool:
    return module is not None and module.split(".")[0] in LIBRARIES


def imports() -> Iterator[tuple[str, str, str | None]]:
    """(product file, module, name) for every import of a library module or name."""
    for package in PRODUCT:
        for path in sorted((ROOT / package).rglob("*.py")):
            where = str(path.relative_to(ROOT))
            for node in ast.walk(ast.parse(path.read_text(), where)):
                if isinstance(node, ast.Import):
                    yield from ((where, a.name, None) for a in node.names if of_a_library(a.name))
                elif isinstance(node, ast.ImportFrom) and of_a_library(node.module):
                    assert node.module is not None
                    yield from ((where, node.module, a.name) for a in node.names)


def test_no_product_module_imports_an_underscore_name_of_these_libraries() -> None:
    private = [
        f"{where}: {module}{'' if name is None else ' ' + name}"
        for where, module, name in imports()
        if any(part.startswith("_") for part in module.split("."))
        or (name is not None and name.startswith("_"))
    ]

    assert private == []


def test_only_graph_execution_imports_the_executor_internals() -> None:
    importers = {where for where, module, _ in imports() if module in EXECUTOR_INTERNALS}

    assert importers <= {"graph/execution.py"}
