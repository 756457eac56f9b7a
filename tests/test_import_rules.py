"""The layers of ARCHITECTURE.md, enforced: product modules import one another without
circles, and no package imports what its layer may not. An import under
`if TYPE_CHECKING:` never runs and is left out; one inside a function runs and counts."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).parent.parent
# Top to bottom, as in ARCHITECTURE.md: a package imports none of those above it.
LAYERS = ("callbackd", "resolvers", "graph", "delivery", "storage", "live", "domain", "catalog")
STRAWBERRY = frozenset({"strawberry", "graphql"})
DATABASE_DRIVER = frozenset({"motor", "pymongo", "bson"})
# What a package may not import beyond the packages above it.
ALSO_NEVER: Mapping[str, frozenset[str]] = {
    "resolvers": frozenset({"storage"}),
    "delivery": frozenset({"storage"}) | STRAWBERRY,
    "storage": STRAWBERRY,
    "domain": STRAWBERRY,
}


def may_not_import(package: str) -> frozenset[str]:
    above = frozenset(LAYERS[: LAYERS.index(package)])
    driver = DATABASE_DRIVER if package != "storage" else frozenset()
    return above | ALSO_NEVER.get(package, frozenset()) | driver


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Dotted module name -> its file, for every module of the packages."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def type_checking_only(tree: ast.Module) -> set[int]:
    """Ids of the nodes under `if TYPE_CHECKING:`."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
            (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
            or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
        ):
            skipped.update(id(inner) for branch in node.body for inner in ast.walk(branch))
    return skipped


def imported(module: str, path: Path, modules: Mapping[str, Path]) -> Iterator[str]:
    """Every module or package `module` imports when it runs: `from p import m` names the
    submodule p.m when there is one, else p."""
    tree = ast.parse(path.read_text(), str(path))
    skipped = type_checking_only(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*parts, *([node.module] if node.module else [])])
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                yield submodule if submodule in modules else source


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, set[str]]:
    """Module -> the product modules it imports."""
    files = module_files(root, packages)
    return {
        module: {name for name in imported(module, path, files) if name in files} - {module}
        for module, path in files.items()
    }


def circles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import one another, directly or round a circle (strongly
    connected components of more than one module), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group: list[str] = []
            while not group or group[-1] != module:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(found)


def forbidden_imports(root: Path, packages: tuple[str, ...]) -> list[str]:
    """`module imports name` for each import its package may not make."""
    files = module_files(root, packages)
    found: set[str] = set()
    for module, path in files.items():
        banned = may_not_import(module.split(".")[0])
        found |= {
            f"{module} imports {name}"
            for name in imported(module, path, files)
            if name.split(".")[0] in banned
        }
    return sorted(found)


def test_no_product_modules_import_one_another_round_a_circle() -> None:
    # Given every product module and what it imports when it runs
    graph = import_graph(ROOT, LAYERS)

    # When the circles among them are looked for
    found = circles(graph)

    # Then there are none
    assert found == []


def test_no_package_imports_what_its_layer_may_not() -> None:
    # Given the layers' rules: no package imports one above it (so domain imports only
    # catalog, graph no resolver, catalog nothing of ours); domain, storage and delivery no
    # Strawberry; delivery and resolvers see stores only through domain.store; only storage
    # the database driver

    # When every product module's imports are checked against its package's rules
    found = forbidden_imports(ROOT, LAYERS)

    # Then none breaks them
    assert found == []


def test_the_checks_find_a_circle_through_a_function_and_skip_type_checking(
    tmp_path: Path,
) -> None:
    # Given a package whose modules a and b import each other, b inside a function, and
    # whose modules c and d do so only for the type checker
    package = tmp_path / "domain"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from domain import b\nimport pymongo\n")
    (package / "b.py").write_text("def f() -> None:\n    from domain.a import f\n")
    (package / "c.py").write_text("from domain.d import X\n")
    (package / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from domain import c\n"
    )

    # When its circles and forbidden imports are looked for
    graph = import_graph(tmp_path, ("domain",))

    # Then the circle of a and b is found, c and d are not one, and the driver is refused
    assert circles(graph) == [["domain.a", "domain.b"]]
    assert forbidden_imports(tmp_path, ("domain",)) == ["domain.a imports pymongo"]
