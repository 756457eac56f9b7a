"""What graph.execution relies on beyond the public API of graphql-core and Strawberry is
there, in the shape it was written for: a release that changes one of these fails here, by
name, before it can change a dashboard answer or make it slow."""

from __future__ import annotations

import inspect
from typing import Any

import strawberry
from graphql import GraphQLObjectType, build_schema, execute_sync, parse
from graphql.execution import Executor
from graphql.pyutils import AwaitableOrValue, Path
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.field import StrawberryField

from graph.execution import ExecutionContext

SCHEMA = build_schema("type Query { shelf: Shelf }  type Shelf { label: String  size: Int }")
DOCUMENT = "{ shelf { label size } }"


@strawberry.type
class Book:
    title: str

    @strawberry.field
    def shout(self) -> str:
        return self.title.upper()


@strawberry.type
class Query:
    book: Book = strawberry.field(default_factory=lambda: Book(title="t"))


def test_strawberry_executes_with_the_executor_graph_execution_extends() -> None:
    # Given a schema that names no executor of its own
    default = strawberry.Schema(query=Query).execution_context_class

    # Then Strawberry's default is the class graph.execution extends
    assert ExecutionContext.__bases__ == (default,)


def test_execute_fields_and_collect_subfields_take_the_parameters_they_are_given() -> None:
    execute_fields = inspect.signature(Executor.execute_fields)
    collect_subfields = inspect.signature(Executor.collect_subfields)

    assert list(execute_fields.parameters) == [
        "self",
        "parent_type",
        "source_value",
        "path",
        "grouped_field_set",
        "position_context",
    ]
    assert list(collect_subfields.parameters) == ["self", "return_type", "field_details_list"]


def test_graphql_core_executes_every_selection_through_execute_fields() -> None:
    # Given an executor that records each selection it executes, and what collect_subfields
    # answers for the `shelf` field
    selections: list[tuple[str, list[str]]] = []
    collected: list[tuple[list[str], list[Any]]] = []

    class Recording(Executor[Any]):
        def execute_fields(
            self,
            parent_type: GraphQLObjectType,
            source_value: Any,
            path: Path | None,
            grouped_field_set: Any,
            position_context: Any,
        ) -> AwaitableOrValue[dict[str, Any]]:
            selections.append((parent_type.name, list(grouped_field_set)))
            if parent_type.name == "Query":
                shelf = SCHEMA.get_type("Shelf")
                assert isinstance(shelf, GraphQLObjectType)
                sub = self.collect_subfields(shelf, grouped_field_set["shelf"])
                collected.append((list(sub.grouped_field_set), list(sub.new_defer_usages)))
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )

    # When a nested document is executed
    result = execute_sync(
        SCHEMA,
        parse(DOCUMENT),
        root_value={"shelf": {"label": "a", "size": 2}},
        executor_class=Recording,
    )

    # Then each selection went through execute_fields, the nested one too
    assert result.errors is None
    assert result.data == {"shelf": {"label": "a", "size": 2}}
    assert selections == [("Query", ["shelf"]), ("Shelf", ["label", "size"])]
    # And collect_subfields answered the nested selection by name, deferring nothing
    assert collected == [(["label", "size"], [])]


async def test_strawberry_marks_plain_fields_where_the_shortcut_looks() -> None:
    # Given an executor that notes, for each field of Book, its definition and resolver
    seen: dict[str, tuple[bool, bool, bool]] = {}

    class Looking(ExecutionContext):
        def execute_fields(
            self,
            parent_type: GraphQLObjectType,
            source_value: Any,
            path: Path | None,
            grouped_field_set: Any,
            position_context: Any,
        ) -> AwaitableOrValue[dict[str, Any]]:
            if parent_type.name == "Book":
                for name, field in parent_type.fields.items():
                    definition = field.extensions.get(GraphQLCoreConverter.DEFINITION_BACKREF)
                    seen[name] = (
                        isinstance(definition, StrawberryField),
                        isinstance(definition, StrawberryField) and definition.is_basic_field,
                        field.resolve is not None and is_default_resolver(field.resolve),
                    )
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )

    schema = strawberry.Schema(query=Query, execution_context_class=Looking)

    # When a document selects a plain field and one with a resolver function
    result = await schema.execute("{ book { title shout } }", root_value=Query())

    # Then both carry their Strawberry definition, and only the plain one is basic and
    # resolved by Strawberry's default resolver
    assert result.errors is None
    assert result.data == {"book": {"title": "t", "shout": "T"}}
    assert seen == {"title": (True, True, True), "shout": (True, False, False)}
