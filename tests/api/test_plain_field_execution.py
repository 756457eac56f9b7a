"""The shortcut for plain fields answers exactly what graphql-core answers: the same values
in the order the query asks, null for a nullable field that is None, and the same error,
path and null propagation for a non-null field that is None, cannot serialise or fails
inside a nested object, synchronously or not."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql import GraphQLObjectType, GraphQLResolveInfo
from strawberry.extensions import SchemaExtension
from strawberry.permission import BasePermission
from strawberry.resolvers import is_default_resolver
from strawberry.types.execution import ExecutionResult

from graph.execution import ExecutionContext


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


class Never(BasePermission):
    message = "not allowed"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.interface
class Named:
    label: str


@strawberry.type
class Tag(Named):
    @strawberry.field
    async def checked(self) -> str:
        if self.label == "bad":
            raise ValueError("bad tag")
        return self.label.upper()


@strawberry.type
class Owner:
    name: str
    tag: Tag | None


@strawberry.type
class Item:
    name: str
    nick: str | None
    colour: Colour
    count: int
    at: datetime
    tag: Tag
    owner: Owner | None = None
    secret: str = strawberry.field(permission_classes=[Never], default="hidden")

    @strawberry.field
    def shout(self) -> str:
        return self.name.upper()


ITEMS: list[Item] = []


@strawberry.type
class Query:
    @strawberry.field
    def items(self) -> list[Item]:
        return ITEMS

    @strawberry.field
    async def later(self) -> list[Item]:
        return ITEMS


def _schemas(query: type = Query) -> tuple[strawberry.Schema, strawberry.Schema]:
    """The same schema executed by graphql-core alone, and with the shortcuts."""
    return (
        strawberry.Schema(query=query),
        strawberry.Schema(query=query, execution_context_class=ExecutionContext),
    )


def _item(**changes: Any) -> Item:
    fields: dict[str, Any] = {
        "name": "a",
        "nick": "b",
        "colour": Colour.BLUE,
        "count": 3,
        "at": datetime(2026, 11, 23, 12, 0, tzinfo=UTC),
        "tag": Tag(label="t"),
    }
    return Item(**(fields | changes))


DOCUMENT = """
{ items { count first: name shout tag { label } nick colour at name } }
"""
NESTED = """
{ items { name owner { tag { checked label } name } tag { ... on Named { label } } } }
"""
NESTED_PLAIN = "{ items { name owner { tag { label } name } } }"
LATER = "{ later { name tag { label } colour } }"
FORBIDDEN = "{ items { name secret } }"


def errors_of(result: ExecutionResult) -> list[tuple[str, Any]]:
    return [(e.message, e.path) for e in result.errors or []]


async def _both(document: str, query: type = Query) -> tuple[Any, Any]:
    plain, ours = _schemas(query)
    expected = await plain.execute(document)
    got = await ours.execute(document)
    return expected, got


@pytest.fixture(autouse=True)
def _no_items() -> Any:
    yield
    ITEMS.clear()


async def test_values_and_order_match_graphql_core() -> None:
    ITEMS[:] = [_item(), _item(name="c", nick=None, colour=Colour.RED)]

    expected, got = await _both(DOCUMENT)

    assert got.errors is None
    assert list(got.data["items"][0]) == [
        "count", "first", "shout", "tag", "nick", "colour", "at", "name",
    ]  # fmt: skip
    assert got.data["items"][1]["nick"] is None
    assert got.data["items"][1]["colour"] == "RED"
    assert got.data["items"][0]["at"] == "2026-11-23T12:00:00+00:00"
    assert got.data == expected.data


async def test_async_parents_merge_in_query_order() -> None:
    ITEMS[:] = [_item()]

    expected, got = await _both(LATER)

    assert got.errors is None
    assert list(got.data["later"][0]) == ["name", "tag", "colour"]
    assert got.data == expected.data


async def test_a_none_in_a_non_null_field_is_graphql_cores_error() -> None:
    ITEMS[:] = [_item(), _item(name=None)]

    expected, got = await _both(DOCUMENT)

    assert got.data is None
    assert errors_of(got) == [
        ("Cannot return null for non-nullable field Item.name.", ["items", 1, "first"])
    ]
    assert errors_of(got) == errors_of(expected)


async def test_a_value_that_does_not_serialise_is_graphql_cores_error() -> None:
    ITEMS[:] = [_item(count="many")]

    expected, got = await _both(DOCUMENT)

    assert got.data is None
    assert [e.path for e in got.errors or []] == [["items", 0, "count"]]
    assert errors_of(got) == errors_of(expected)


async def test_fields_with_permissions_keep_them() -> None:
    ITEMS[:] = [_item()]

    expected, got = await _both(FORBIDDEN)

    assert got.data is None
    assert errors_of(got) == [("not allowed", ["items", 0, "secret"])]
    assert errors_of(got) == errors_of(expected)


async def test_nested_objects_with_async_fields_match_graphql_core() -> None:
    ITEMS[:] = [
        _item(owner=Owner(name="o", tag=Tag(label="x"))),
        _item(owner=Owner(name="p", tag=None)),
        _item(owner=None),
    ]

    expected, got = await _both(NESTED)

    assert got.errors is None
    assert got.data["items"][0]["owner"] == {"tag": {"checked": "X", "label": "x"}, "name": "o"}
    assert got.data["items"][1]["owner"] == {"tag": None, "name": "p"}
    assert got.data["items"][2]["owner"] is None
    assert got.data == expected.data


@pytest.mark.parametrize(
    ("document", "owner", "path"),
    [
        (
            NESTED,
            Owner(name="o", tag=Tag(label="bad")),
            ["items", 0, "owner", "tag", "checked"],
        ),
        (
            NESTED,
            Owner(name=None, tag=Tag(label="x")),  # type: ignore[arg-type]
            ["items", 0, "owner", "name"],
        ),
        (
            NESTED_PLAIN,
            Owner(name=None, tag=Tag(label="x")),  # type: ignore[arg-type]
            ["items", 0, "owner", "name"],
        ),
        (
            NESTED_PLAIN,
            Owner(name="o", tag=Tag(label=None)),  # type: ignore[arg-type]
            ["items", 0, "owner", "tag", "label"],
        ),
    ],
    ids=["async-failure", "null-beside-async", "null-in-plain", "null-two-deep"],
)
async def test_a_failure_inside_a_nested_object_is_graphql_cores_error(
    document: str, owner: Owner, path: list[Any]
) -> None:
    ITEMS[:] = [_item(owner=owner)]

    expected, got = await _both(document)

    # The error nulls the nearest nullable parent: the owner, or its tag.
    assert [e.path for e in got.errors or []] == [path]
    assert got.data == expected.data
    assert errors_of(got) == errors_of(expected)


async def test_a_none_in_a_non_null_object_field_is_graphql_cores_error() -> None:
    ITEMS[:] = [_item(tag=None)]

    expected, got = await _both(DOCUMENT)

    assert got.data is None
    assert errors_of(got) == [
        ("Cannot return null for non-nullable field Item.tag.", ["items", 0, "tag"])
    ]
    assert errors_of(got) == errors_of(expected)


LISTED = "{ box { tags { label } maybe { label } } }"


@strawberry.type
class Box:
    tags: list[Tag]
    maybe: list[Tag | None] | None


@strawberry.type
class BoxQuery:
    @strawberry.field
    def box(self) -> Box:
        return BOX[0]


BOX: list[Box] = []


@pytest.mark.parametrize(
    ("box", "errors"),
    [
        (Box(tags=[Tag(label="a"), Tag(label="b")], maybe=[None, Tag(label="c")]), []),
        (Box(tags=[], maybe=None), []),
        (Box(tags=[Tag(label="a"), None], maybe=None), [["box", "tags", 1]]),  # type: ignore[list-item]
        (Box(tags=[Tag(label=None)], maybe=[]), [["box", "tags", 0, "label"]]),  # type: ignore[arg-type]
        (Box(tags=(Tag(label="t"),), maybe=None), []),  # type: ignore[arg-type]
    ],
    ids=["values", "empty-and-null", "null-item", "null-inside-item", "tuple"],
)
async def test_lists_of_objects_match_graphql_core(box: Box, errors: list[Any]) -> None:
    BOX[:] = [box]

    expected, got = await _both(LISTED, BoxQuery)

    assert [e.path for e in got.errors or []] == errors
    assert got.data == expected.data
    assert errors_of(got) == errors_of(expected)


RESOLVED: list[str] = []


class CountingResolves(SchemaExtension):
    def resolve(
        self, _next: Any, root: Any, info: GraphQLResolveInfo[Any], *args: Any, **kwargs: Any
    ) -> Any:
        RESOLVED.append(info.field_name)
        return _next(root, info, *args, **kwargs)


async def test_extensions_that_hook_every_field_still_see_every_field() -> None:
    ITEMS[:] = [_item()]
    ours = strawberry.Schema(
        query=Query, extensions=[CountingResolves], execution_context_class=ExecutionContext
    )

    got = await ours.execute("{ items { name tag { label } } }")

    assert got.errors is None
    assert sorted(RESOLVED) == ["items", "label", "name", "tag"]


async def test_plain_fields_are_read_without_calling_their_resolvers() -> None:
    ITEMS[:] = [_item()]
    plain, ours = _schemas()
    calls: list[str] = []
    for schema, name in ((plain, "graphql-core"), (ours, "shortcut")):
        item_type = schema.schema_converter.type_map["Item"].implementation
        assert isinstance(item_type, GraphQLObjectType)
        field = item_type.fields["name"]
        original = field.resolve
        assert original is not None

        # Wrapped with the resolver's attributes, so it is still Strawberry's default one.
        @functools.wraps(original)
        def counting(source: Any, info: Any, _name: str = name, _original: Any = original) -> Any:
            calls.append(_name)
            return _original(source, info)

        assert is_default_resolver(counting)
        field.resolve = counting

    expected = await plain.execute("{ items { name } }")
    got = await ours.execute("{ items { name } }")

    assert got.data == expected.data == {"items": [{"name": "a"}]}
    assert calls == ["graphql-core"]


TYPENAMES = "{ __typename items { __typename name tag { __typename label } } }"


async def test_type_names_are_graphql_cores() -> None:
    ITEMS[:] = [_item()]

    expected, got = await _both(TYPENAMES)

    assert got.errors is None
    assert got.data == {
        "__typename": "Query",
        "items": [{"__typename": "Item", "name": "a", "tag": {"__typename": "Tag", "label": "t"}}],
    }
    assert got.data == expected.data
