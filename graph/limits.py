"""Bounds on what one document may ask, enforced before it costs validation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension, ValidationCache
from strawberry.types.graphql import OperationType

from graph import document_limits
from graph.errors import ErrorCode, Masking, ValidationCodes, tag

# graphql-core lexes about 8 µs a token here, so this bounds a refused parse to ~16 ms;
# GraphiQL's whole introspection query is under 200 tokens.
MAX_TOKENS = 2000
# Documents parsed and validated once and then served from memory; dashboards and
# subscribers send the same few documents over and over.
CACHED_DOCUMENTS = 256


class BoundedValidation(ValidationCache):
    """Strawberry's validation cache, behind the bounds of `graph.document_limits`: a
    document past one is refused without being validated (or cached)."""

    def __init__(self) -> None:
        super().__init__(maxsize=CACHED_DOCUMENTS)

    def on_validate(self) -> Iterator[None]:
        refusal = self._refusal()
        if refusal is None:
            yield from super().on_validate()
            return
        self.execution_context.pre_execution_errors = [refusal]
        yield

    def _refusal(self) -> GraphQLError | None:
        context = self.execution_context
        if context.operation_type is OperationType.SUBSCRIPTION and not getattr(
            context.context, "over_websocket", False
        ):
            return tag(
                GraphQLError(
                    "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql."
                ),
                ErrorCode.BAD_REQUEST,
            )
        document = context.graphql_document
        found = None if document is None else document_limits.check(document)
        if found is None:
            return None
        error = GraphQLError(found.message)
        return tag(error, ErrorCode.LIMIT_EXCEEDED, limit=found.limit, maximum=found.value)


def extensions() -> list[Callable[[], SchemaExtension]]:
    """Factories, so every operation gets fresh extension instances."""
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        Masking,
        ValidationCodes,
        BoundedValidation,
    ]
