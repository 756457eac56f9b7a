"""Top-level errors: a stable `extensions.code` on each, internal details masked, and logs
that tell a client's mistake (INFO, one line) from a fault of ours (ERROR, traceback).

Codes follow the phase that refused the request: a document that does not parse, one that
does not validate, a value that does not fit its argument, a limit passed, a missing key,
a database away, or anything else (masked).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from enum import Enum
from typing import Any

from graphql import GraphQLError
from strawberry.exceptions import StrawberryGraphQLError
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.types import ExecutionContext

from domain.errors import InvalidInput
from storage import is_unavailable

log = logging.getLogger("callbackd.graphql")


class ErrorCode(Enum):
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    BAD_REQUEST = "BAD_REQUEST"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


INTERNAL_MESSAGE = "Internal server error."
UNAVAILABLE_MESSAGE = "The database is unavailable; try again shortly."
UNAUTHENTICATED_MESSAGE = "Authentication required: send `Authorization: Bearer <API key>`."


def code_of(error: GraphQLError) -> str | None:
    code = (error.extensions or {}).get("code")
    return code if isinstance(code, str) else None


def tag(error: GraphQLError, code: ErrorCode, **details: Any) -> GraphQLError:
    """Gives `error` a code unless it has one; answers the error."""
    if code_of(error) is None:
        error.extensions = {**(error.extensions or {}), "code": code.value, **details}
    return error


def is_internal(error: GraphQLError) -> bool:
    """Parse and validation errors and the errors we raise for callers stay visible;
    anything else is an internal failure whose details must not reach clients."""
    original = error.original_error
    if original is None:
        # graphql-core's own errors about a result that breaks the schema (a null in a
        # non-null field) carry a path; those about the request carry none.
        return error.path is not None and code_of(error) is None
    return not isinstance(original, InvalidInput | StrawberryGraphQLError | GraphQLError)


class Masking(MaskErrors):
    """Strawberry's masking, with the masked error's code, and a database that is away
    told apart from a fault."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_internal, error_message=INTERNAL_MESSAGE)

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        if error.original_error is not None and is_unavailable(error.original_error):
            masked.message = UNAVAILABLE_MESSAGE
            return tag(masked, ErrorCode.SERVICE_UNAVAILABLE)
        return tag(masked, ErrorCode.INTERNAL_SERVER_ERROR)


class ValidationCodes(SchemaExtension):
    """Codes the errors validation found, which look like a variable's errors afterwards
    (no path, no original error)."""

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            tag(error, ErrorCode.GRAPHQL_VALIDATION_FAILED)


def settle(errors: list[GraphQLError], context: ExecutionContext | None) -> None:
    """Codes each error by the phase that raised it and logs it, once, before masking: a
    fault with its traceback, a client's mistake as one line with its code."""
    parsed = context is not None and context.graphql_document is not None
    operation = (context.operation_name if parsed and context is not None else None) or "-"
    for error in errors:
        original = error.original_error
        unavailable = original is not None and is_unavailable(original)
        if is_internal(error):
            if unavailable:
                log.warning("operation %s: database unavailable (%s)", operation, original)
            else:
                log.error("operation %s failed at %s", operation, error.path, exc_info=original)
            continue
        if not parsed:
            if "Parsing aborted" in error.message:
                # graphql-core's token limit: "Document contains more than N tokens."
                tag(error, ErrorCode.LIMIT_EXCEEDED, limit="tokens")
            else:
                tag(error, ErrorCode.GRAPHQL_PARSE_FAILED)
        else:
            # Met after validation and not a fault: a variable that does not fit its type,
            # or an argument the domain refused (a bad cursor).
            tag(error, ErrorCode.BAD_USER_INPUT)
        log.info("operation %s refused: %s %s", operation, code_of(error), error.message)
