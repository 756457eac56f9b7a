"""Bounds on a parsed document, checked in one linear walk before it is validated.

graphql-core's validation compares every pair of fields that answer under the same response
name, recursively, so its cost grows with the square of repeated selections and multiplies
with each level they are nested in: 300 copies of `channels { kind }` (5 KB) take a second.
This walk merges the document the way execution would (fragments spread in place, inline
fragments flattened) and stops at the first bound passed, so no document under the limits
costs validation more than a few milliseconds, and none over them costs more than the walk.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

# Levels of fields below the root field; introspection fields (`__schema`, `__type`) are not
# counted, as GraphiQL's own introspection query nests `ofType` deeper than any real query.
MAX_DEPTH = 10
# Aliased fields in the whole document: each alias is a field that can be asked once more.
MAX_ALIASES = 30
# Selections (fields, fragment spreads, inline fragments) once fragments are spread in
# place, over the whole operation: bounds the walk itself against fragments that spread
# each other twice, twenty times over.
MAX_SELECTIONS = 1000
# Fields answering at one response path (`channels.kind` asked twice counts 2).
MAX_REPEATS = 10


@dataclass(frozen=True, slots=True)
class LimitExceeded:
    limit: str
    value: int
    message: str


class _Stop(Exception):
    def __init__(self, found: LimitExceeded) -> None:
        self.found = found


def check(document: DocumentNode) -> LimitExceeded | None:
    """The first bound `document` passes, or None."""
    aliases = _aliases(document)
    if aliases > MAX_ALIASES:
        return LimitExceeded(
            "aliases",
            MAX_ALIASES,
            f"The document has {aliases} aliases; at most {MAX_ALIASES} are allowed.",
        )
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    try:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                _Walk(fragments).selections(definition.selection_set, (), 0)
    except _Stop as stop:
        return stop.found
    return None


def _aliases(document: DocumentNode) -> int:
    count = 0
    pending: list[SelectionSetNode] = [
        d.selection_set
        for d in document.definitions
        if isinstance(d, OperationDefinitionNode | FragmentDefinitionNode)
    ]
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode) and selection.alias is not None:
                count += 1
            selection_set = getattr(selection, "selection_set", None)
            if selection_set is not None:
                pending.append(selection_set)
    return count


class _Walk:
    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self._fragments = fragments
        self._selections = 0
        self._at_path: Counter[tuple[str, ...]] = Counter()
        self._spreading: set[str] = set()

    def selections(
        self, selection_set: SelectionSetNode, path: tuple[str, ...], depth: int
    ) -> None:
        for selection in selection_set.selections:
            self._selections += 1
            if self._selections > MAX_SELECTIONS:
                raise _Stop(
                    LimitExceeded(
                        "selections",
                        MAX_SELECTIONS,
                        f"The operation makes more than {MAX_SELECTIONS} selections once its "
                        "fragments are spread.",
                    )
                )
            if isinstance(selection, FieldNode):
                self._field(selection, path, depth)
            elif isinstance(selection, InlineFragmentNode):
                self.selections(selection.selection_set, path, depth)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self._fragments.get(name)
                # Unknown and cyclic spreads are left to validation, which names them.
                if fragment is None or name in self._spreading:
                    continue
                self._spreading.add(name)
                try:
                    self.selections(fragment.selection_set, path, depth)
                finally:
                    self._spreading.discard(name)

    def _field(self, field: FieldNode, path: tuple[str, ...], depth: int) -> None:
        name = field.name.value
        if name.startswith("__") and field.selection_set is not None:
            return
        key = (*path, (field.alias or field.name).value)
        self._at_path[key] += 1
        if self._at_path[key] > MAX_REPEATS:
            raise _Stop(
                LimitExceeded(
                    "repeats",
                    MAX_REPEATS,
                    f"`{'.'.join(key)}` is selected more than {MAX_REPEATS} times.",
                )
            )
        if depth > MAX_DEPTH:
            raise _Stop(
                LimitExceeded(
                    "depth",
                    MAX_DEPTH,
                    f"`{'.'.join(key)}` is nested {depth} levels deep; at most {MAX_DEPTH} "
                    "are allowed.",
                )
            )
        if field.selection_set is not None:
            self.selections(field.selection_set, key, depth + 1)
