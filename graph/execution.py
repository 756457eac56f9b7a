"""Query execution with a short way through plain leaf fields.

A page of 50 profiles or deliveries is some 400 scalar and enum fields that only read an
attribute. graphql-core gives each of them the full field machinery (resolve info, argument
coercion, two rounds of value completion, awaitable checks), which made up most of what a
dashboard request cost. Here such a field reads its attribute as Strawberry's basic resolver
does and serialises it with its type's own `serialize`, as graphql-core would; any other
field, and any value that is null or does not serialise, takes graphql-core's way, so errors
and their paths are exactly graphql-core's.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, cast

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    Undefined,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField


@dataclass(frozen=True, slots=True)
class _Leaf:
    read: Callable[[Any], Any]
    serialize: Callable[[Any], Any]
    nullable: bool


def _leaf(field: GraphQLField) -> _Leaf | None:
    """The shortcut for a field without arguments that Strawberry resolves by reading an
    attribute (no resolver function, no permissions, no extensions) and whose type is a
    leaf."""
    definition = field.extensions.get("strawberry-definition")
    if (
        field.args
        or not isinstance(definition, StrawberryField)
        or not definition.is_basic_field
        or definition.default_resolver is not getattr
        or not getattr(field.resolve, "_is_default", False)
    ):
        return None
    field_type: Any = field.type
    nullable = not isinstance(field_type, GraphQLNonNull)
    if not nullable:
        field_type = field_type.of_type
    if not isinstance(field_type, GraphQLScalarType | GraphQLEnumType):
        return None
    return _Leaf(attrgetter(definition.python_name), field_type.serialize, nullable)


# Per object type, its fields' shortcuts (None where there is none), found on first use.
_leaves: dict[GraphQLObjectType, dict[str, _Leaf | None]] = {}


def _leaves_of(parent_type: GraphQLObjectType) -> dict[str, _Leaf | None]:
    fields = _leaves.get(parent_type)
    if fields is None:
        fields = _leaves[parent_type] = {
            name: _leaf(field) for name, field in parent_type.fields.items()
        }
    return fields


_NO_SHORTCUT = object()


def _leaf_value(leaf: _Leaf, source: Any) -> Any:
    try:
        value = leaf.read(source)
        if value is None:
            return None if leaf.nullable else _NO_SHORTCUT
        serialized = leaf.serialize(value)
    except Exception:
        # graphql-core's way reports it, with its path.
        return _NO_SHORTCUT
    if serialized is None or serialized is Undefined:
        return _NO_SHORTCUT
    return serialized


class ExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        leaves = _leaves_of(parent_type)
        done: dict[str, Any] = {}
        rest: GroupedFieldSet = {}
        for response_name, field_details_list in grouped_field_set.items():
            leaf = leaves.get(field_details_list[0].node.name.value)
            value = _NO_SHORTCUT if leaf is None else _leaf_value(leaf, source_value)
            if value is _NO_SHORTCUT:
                rest[response_name] = field_details_list
            else:
                done[response_name] = value
        if not rest:
            return done
        others = super().execute_fields(parent_type, source_value, path, rest, position_context)
        if not done:
            return others
        if self.is_awaitable(others):
            return self._merge_later(grouped_field_set, done, others)
        return _merge(grouped_field_set, done, cast(dict[str, Any], others))

    async def _merge_later(
        self,
        grouped_field_set: GroupedFieldSet,
        done: dict[str, Any],
        others: Awaitable[dict[str, Any]],
    ) -> dict[str, Any]:
        return _merge(grouped_field_set, done, await others)


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
