"""Bounds on what one document may ask, and which errors clients may see."""

from __future__ import annotations

from collections.abc import Callable

from graphql import ASTValidationRule, GraphQLError
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from domain.errors import InvalidInput

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5000
# Documents parsed and validated once and then served from memory; dashboards and
# subscribers send the same few documents over and over.
CACHED_DOCUMENTS = 256

# One set of rule classes for the life of the process: the validation cache is keyed by the
# rules, and QueryDepthLimiter or MaxAliasesLimiter would make new classes per request.
_LIMIT_RULES: list[type[ASTValidationRule]] = [
    depth_rule(MAX_DEPTH, None, None),
    aliases_rule(MAX_ALIASES),
]


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
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
        lambda: AddValidationRules(_LIMIT_RULES),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
        lambda: MaskErrors(should_mask_error=is_internal, error_message="Internal server error."),
    ]
