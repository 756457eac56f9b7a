"""Bounds on what one document may ask, enforced before it costs validation."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from graphql import GraphQLError
from strawberry.extensions import MaxTokensLimiter, ParserCache, SchemaExtension, ValidationCache

from graph import document_limits
from graph.errors import ErrorCode, Masking, ValidationCodes, tag

MAX_TOKENS = 5000
# Documents parsed and validated once and then served from memory; dashboards and
# subscribers send the same few documents over and over.
CACHED_DOCUMENTS = 256


class BoundedValidation(ValidationCache):
    """Strawberry's validation cache, behind the bounds of `graph.document_limits`: a
    document past one is refused without being validated (or cached)."""

    def __init__(self) -> None:
        super().__init__(maxsize=CACHED_DOCUMENTS)

    def on_validate(self) -> Iterator[None]:
        document = self.execution_context.graphql_document
        found = None if document is None else document_limits.check(document)
        if found is None:
            yield from super().on_validate()
            return
        error = GraphQLError(found.message)
        tag(error, ErrorCode.LIMIT_EXCEEDED, limit=found.limit, maximum=found.value)
        self.execution_context.pre_execution_errors = [error]
        yield


def extensions() -> list[Callable[[], SchemaExtension]]:
    """Factories, so every operation gets fresh extension instances."""
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        Masking,
        ValidationCodes,
        BoundedValidation,
    ]
