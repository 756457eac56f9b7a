"""Types every part of the schema shares: Node, UserError, PageInfo, Header."""

from __future__ import annotations

import strawberry

from domain.errors import ErrorCode
from domain.errors import UserError as UserErrorData
from domain.models import Header as HeaderData

MASK = "********"


@strawberry.interface(description="An object with a globally unique id, fetchable by `node`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Opaque unique id.")


@strawberry.type(description="A problem with the input that the caller can fix.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, e.g. ['input', 'headers', '0', 'name']."
    )
    message: str = strawberry.field(description="What is wrong, readable by a person.")
    code: ErrorCode = strawberry.field(description="Stable code for clients to branch on.")

    @classmethod
    def of(cls, e: UserErrorData) -> UserError:
        return cls(field=list(e.field), message=e.message, code=e.code)

    @classmethod
    def all(cls, errors: list[UserErrorData]) -> list[UserError]:
        return [cls.of(e) for e in errors]


@strawberry.type(description="Where a page of a connection stands.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether more rows follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Whether rows come before this page (true when `after` was given)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first row.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last row; pass it as `after` for the next page."
    )

    @classmethod
    def of(cls, cursors: list[str], has_next: bool, after: str | None) -> PageInfo:
        """Where a page with rows at `cursors`, asked for after `after`, stands."""
        return cls(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=cursors[0] if cursors else None,
            end_cursor=cursors[-1] if cursors else None,
        )


@strawberry.type(description="An HTTP header sent with every callback of a profile.")
class Header:
    name: str = strawberry.field(description="Header name.")
    value: str = strawberry.field(description=f"Header value; `{MASK}` when the value is secret.")
    secret: bool = strawberry.field(description="Whether the value is write-only.")

    @classmethod
    def of(cls, data: HeaderData) -> Header:
        return cls(name=data.name, value=MASK if data.secret else data.value, secret=data.secret)
