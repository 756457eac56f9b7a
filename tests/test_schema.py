"""schema.graphql is the code's schema, and every part of it says what it is."""

from __future__ import annotations

from pathlib import Path
from typing import cast

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    IntrospectionQuery,
    build_client_schema,
    build_schema,
    is_introspection_type,
    is_specified_scalar_type,
)

from resolvers.export import sdl
from resolvers.schema import schema

SCHEMA_FILE = Path(__file__).parent.parent / "schema.graphql"


def undescribed(served: GraphQLSchema) -> list[str]:
    """Coordinates (Type, Type.field, Type.field(arg:), Type.VALUE) of every part of the
    served schema without a description; GraphQL's own types and scalars are left out."""
    missing: list[str] = []
    for name, graphql_type in served.type_map.items():
        if is_introspection_type(graphql_type) or is_specified_scalar_type(graphql_type):
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                missing += [
                    f"{name}.{field_name}({arg_name}:)"
                    for arg_name, arg in field.args.items()
                    if not arg.description
                ]
        elif isinstance(graphql_type, GraphQLInputObjectType):
            missing += [
                f"{name}.{field_name}"
                for field_name, field in graphql_type.fields.items()
                if not field.description
            ]
        elif isinstance(graphql_type, GraphQLEnumType):
            missing += [
                f"{name}.{value_name}"
                for value_name, value in graphql_type.values.items()
                if not value.description
            ]
    return missing


def test_checked_in_schema_equals_the_code() -> None:
    assert SCHEMA_FILE.read_text() == sdl(), (
        "schema.graphql is stale: run `.venv/bin/python -m resolvers.export > schema.graphql`"
    )


def test_every_type_field_argument_input_field_and_enum_value_has_a_description() -> None:
    # Given the schema as clients see it, through introspection
    served = build_client_schema(cast(IntrospectionQuery, schema.introspect()))

    # When every part of it is looked at
    missing = undescribed(served)

    # Then each one carries a description
    assert missing == [], "add a description to: " + ", ".join(missing)


def test_the_check_names_each_part_without_a_description() -> None:
    # Given a schema with one undescribed part of each kind
    served = build_schema(
        """
        type Query { "Described." described(arg: Int): Level  bare: Int }
        "Described." enum Level { "Described." LOW HIGH }
        "Described." input Filter { "Described." level: Level  text: String }
        """
    )

    # When it is checked
    missing = undescribed(served)

    # Then each of them is named, and nothing else
    assert sorted(missing) == [
        "Filter.text",
        "Level.HIGH",
        "Query",
        "Query.bare",
        "Query.described(arg:)",
    ]
