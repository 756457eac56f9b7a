"""Refuses request variables holding text that is not valid Unicode, before any resolver.

JSON lets a string escape half of a UTF-16 surrogate pair (`"\\ud800"`); Python decodes it into
a string that no UTF-8 encoder, and so no database driver or HTTP client, accepts. The
document itself cannot carry one (graphql-core's lexer refuses such escapes and characters),
so the variables are the one way in, and every String, ID and JSON argument arrives there.
graphql-core reserves the String and ID scalars, so their parsing cannot be replaced; a
schema extension sees all variables at once instead, whatever type takes them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from graph.errors import ErrorCode


def _is_unicode(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def invalid_path(variables: dict[str, Any]) -> str | None:
    """Where the first string that is not valid Unicode lies, as `$name.key.0`, or None.
    Keys count as strings. The walk keeps its own stack: variables may nest deeply."""
    stack: list[tuple[str, Any]] = [(f"${name}", value) for name, value in variables.items()]
    stack.reverse()
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if not _is_unicode(value):
                return path
        elif isinstance(value, dict):
            for key in value:
                if not _is_unicode(key):
                    return f"{path} (a key)"
            stack.extend(reversed([(f"{path}.{k}", v) for k, v in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}.{i}", v) for i, v in enumerate(value)]))
    return None


class UnicodeVariables(SchemaExtension):
    def on_execute(self) -> Iterator[None]:
        # Raised before execution, this becomes the operation's only error, for queries,
        # mutations and subscriptions alike.
        variables = self.execution_context.variables
        if variables and (path := invalid_path(variables)) is not None:
            raise GraphQLError(
                f"Variable {path} is not valid Unicode text: it holds half of a UTF-16 "
                "surrogate pair. Send whole characters, in UTF-8 or as \\u escapes of pairs.",
                extensions={"code": ErrorCode.BAD_USER_INPUT.value},
            )
        yield
