"""Query execution with a short way through plain fields.

A page of 50 profiles or deliveries is some 400 scalar and enum fields and 100 nested objects
(`node`, `channel`) that only read an attribute. graphql-core gives each of them the full
field machinery (resolve info, argument coercion, two rounds of value completion, awaitable
checks), which made up most of what a dashboard request cost. Here such a field reads its
attribute as Strawberry's basic resolver does; a leaf serialises it with its type's own
`serialize`, an object executes its selection on it directly. Any other field, and any
value that is null, does not serialise, or fails inside, takes graphql-core's way (again,
from the start), so answers, errors and their paths are exactly graphql-core's.

graphql-core documents only how to pass an executor class, not the methods it executes
fields with, and no public hook of graphql-core or Strawberry skips the per-field work. So
this module, and only this one, relies on more than their public API; pyproject.toml pins
both to the minor line it was written for, and tests/api/test_executor_seams.py fails when
any of these changes shape:
- Strawberry's default executor class, extended here (Strawberry does not export it);
- graphql-core's `Executor.execute_fields`, overridden, and `Executor.collect_subfields`,
  called, with their parameters, and the `grouped_field_set` and `new_defer_usages` of the
  `CollectedFields` the latter answers;
- the key under which Strawberry keeps a field's definition in the field's `extensions`.

`python -m bench.execution` measures what this saves against Strawberry's own executor, the
public way, on the dashboard's documents: that way a page costs well over twice as much.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, cast

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLString,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

_NO_SHORTCUT: Any = object()


@dataclass(frozen=True, slots=True)
class _Leaf:
    read: Callable[[Any], Any]
    nullable: bool
    serialize: Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Child:
    """An object, or a list of objects when `items_nullable` is not None."""

    read: Callable[[Any], Any]
    nullable: bool
    type: GraphQLObjectType
    items_nullable: bool | None = None


def _shortcut(field: GraphQLField) -> _Leaf | _Child | None:
    """The shortcut for a field without arguments that Strawberry resolves by reading an
    attribute (no resolver function, no permissions, no extensions) and whose type is a leaf,
    an object or a list of objects, not an abstract type."""
    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if (
        field.args
        or not isinstance(definition, StrawberryField)
        or not definition.is_basic_field
        or definition.default_resolver is not getattr
        or field.resolve is None
        or not is_default_resolver(field.resolve)
    ):
        return None
    read = attrgetter(definition.python_name)
    field_type: Any = field.type
    nullable = not isinstance(field_type, GraphQLNonNull)
    if not nullable:
        field_type = field_type.of_type
    if isinstance(field_type, GraphQLScalarType | GraphQLEnumType):
        return _Leaf(read, nullable, field_type.serialize)
    if isinstance(field_type, GraphQLObjectType):
        return _Child(read, nullable, field_type)
    if isinstance(field_type, GraphQLList):
        item_type = field_type.of_type
        items_nullable = not isinstance(item_type, GraphQLNonNull)
        if not items_nullable:
            item_type = item_type.of_type
        if isinstance(item_type, GraphQLObjectType):
            return _Child(read, nullable, item_type, items_nullable)
    return None


# Per object type, its fields' shortcuts (None where there is none), found on first use.
_shortcuts: dict[GraphQLObjectType, dict[str, _Leaf | _Child | None]] = {}


def _shortcuts_of(parent_type: GraphQLObjectType) -> dict[str, _Leaf | _Child | None]:
    found = _shortcuts.get(parent_type)
    if found is None:
        found = _shortcuts[parent_type] = {
            name: _shortcut(field) for name, field in parent_type.fields.items()
        }
        # Clients such as Apollo ask every object for its type's name.
        type_name = parent_type.name
        found["__typename"] = _Leaf(lambda _: type_name, False, GraphQLString.serialize)
    return found


def _leaf_value(leaf: _Leaf, source: Any) -> Any:
    try:
        value = leaf.read(source)
        if value is None:
            return None if leaf.nullable else _NO_SHORTCUT
        serialized = leaf.serialize(value)
    except Exception:
        return _NO_SHORTCUT
    if serialized is None or serialized is Undefined:
        return _NO_SHORTCUT
    return serialized


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plain_selections: dict[int, tuple[GroupedFieldSet, bool]] = {}

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        middleware = self.middleware_manager
        if position_context is not None or (middleware is not None and middleware.middlewares):
            # Deferred fragments need graphql-core's incremental delivery, and field
            # middleware (Strawberry extensions with a `resolve` hook) must see every field.
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        shortcuts = _shortcuts_of(parent_type)
        done: dict[str, Any] = {}
        rest: GroupedFieldSet = {}
        for response_name, field_details_list in grouped_field_set.items():
            shortcut = shortcuts.get(field_details_list[0].node.name.value)
            if shortcut is None:
                value = _NO_SHORTCUT
            elif isinstance(shortcut, _Leaf):
                value = _leaf_value(shortcut, source_value)
            else:
                value = self._child_value(
                    shortcut, parent_type, source_value, path, response_name, field_details_list
                )
            if value is _NO_SHORTCUT:
                rest[response_name] = field_details_list
            else:
                done[response_name] = value
        if not rest:
            return done
        others = super().execute_fields(parent_type, source_value, path, rest, None)
        if not done:
            return others
        if not isinstance(others, dict):
            return _merge_later(grouped_field_set, done, others)
        return _merge(grouped_field_set, done, others)

    def _child_value(
        self,
        child: _Child,
        parent_type: GraphQLObjectType,
        source: Any,
        path: Path | None,
        response_name: str,
        field_details_list: FieldDetailsList,
    ) -> Any:
        try:
            value = child.read(source)
            if value is None:
                return None if child.nullable else _NO_SHORTCUT
            grouped = self._plain_subfields(child.type, field_details_list)
            if grouped is None:
                return _NO_SHORTCUT
            field_path = Path(path, response_name, parent_type.name)
            if child.items_nullable is None:
                return self._object(child.type, value, field_path, grouped)
            if not isinstance(value, list | tuple):
                return _NO_SHORTCUT
            items: list[dict[str, Any] | None] = []
            for index, item in enumerate(value):
                if item is None:
                    if not child.items_nullable:
                        return _NO_SHORTCUT
                    items.append(None)
                else:
                    item_path = Path(field_path, index, None)
                    items.append(self._object(child.type, item, item_path, grouped))
            return items
        except Exception:
            return _NO_SHORTCUT

    def _object(
        self, object_type: GraphQLObjectType, value: Any, path: Path, grouped: GroupedFieldSet
    ) -> dict[str, Any]:
        """The selection on one object; raises where graphql-core's way must take over."""
        is_type_of = object_type.is_type_of
        # Strawberry's own checks (for types with interfaces) never look at the info.
        if is_type_of is not None and is_type_of(value, cast(Any, None)) is not True:
            raise TypeError(f"not a {object_type.name}")
        return cast(dict[str, Any], self.execute_fields(object_type, value, path, grouped, None))

    def _plain_subfields(
        self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> GroupedFieldSet | None:
        """The selection on an object field, when it defers nothing and is plain."""
        collected = self.collect_subfields(object_type, field_details_list)
        if collected.new_defer_usages:
            return None
        grouped = collected.grouped_field_set
        return grouped if self._plain(object_type, grouped) else None

    def _plain(self, object_type: GraphQLObjectType, grouped: GroupedFieldSet) -> bool:
        """Whether every field of a selection, nested ones too, has a shortcut: executing it
        then reads attributes only, never starts anything awaitable, so an error inside can
        be left to graphql-core's way without leaving work behind."""
        known = self._plain_selections.get(id(grouped))
        if known is not None:
            return known[1]
        shortcuts = _shortcuts_of(object_type)
        plain = True
        for field_details_list in grouped.values():
            shortcut = shortcuts.get(field_details_list[0].node.name.value)
            if shortcut is None:
                plain = False
            elif isinstance(shortcut, _Child):
                plain = self._plain_subfields(shortcut.type, field_details_list) is not None
            if not plain:
                break
        # Kept with the selection, so that its id is not reused while this request runs.
        self._plain_selections[id(grouped)] = (grouped, plain)
        return plain


def _merge(
    grouped_field_set: GroupedFieldSet, done: dict[str, Any], others: dict[str, Any]
) -> dict[str, Any]:
    """Both parts in the order the query asks for them, as the response must be."""
    merged = {}
    for name in grouped_field_set:
        if name in done:
            merged[name] = done[name]
        elif name in others:
            merged[name] = others[name]
    return merged


async def _merge_later(
    grouped_field_set: GroupedFieldSet, done: dict[str, Any], others: Awaitable[dict[str, Any]]
) -> dict[str, Any]:
    return _merge(grouped_field_set, done, await others)
