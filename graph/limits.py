"""Bounds on what one document may ask, and which errors clients may see."""

from __future__ import annotations

from collections.abc import Callable

from graphql import GraphQLError
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from domain.errors import InvalidInput

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000


def is_internal(error: GraphQLError) -> bool:
    """Parse and validation errors and the errors we raise for callers stay visible;
    anything else is an internal failure whose details must not reach clients."""
    original = error.original_error
    if original is None:
        return False
    return not isinstance(original, InvalidInput | StrawberryGraphQLError | GraphQLError)


def extensions() -> list[Callable[[], SchemaExtension]]:
    """Factories, so every operation gets fresh extension instances."""
    return [
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: MaskErrors(should_mask_error=is_internal, error_message="Internal server error."),
    ]
