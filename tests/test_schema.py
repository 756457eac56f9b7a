"""schema.graphql is the code's schema, and every type and field says what it is."""

from __future__ import annotations

from pathlib import Path

from graphql import GraphQLInputObjectType, GraphQLInterfaceType, GraphQLObjectType

from graph.export import sdl
from graph.schema import schema

SCHEMA_FILE = Path(__file__).parent.parent / "schema.graphql"


def test_checked_in_schema_equals_the_code() -> None:
    assert SCHEMA_FILE.read_text() == sdl(), (
        "schema.graphql is stale: run `.venv/bin/python -m graph.export > schema.graphql`"
    )


def test_every_type_and_field_has_a_description() -> None:
    missing = []
    for name, graphql_type in schema._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(
            graphql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType
        ):
            missing += [
                f"{name}.{field}" for field, f in graphql_type.fields.items() if not f.description
            ]

    assert missing == []
