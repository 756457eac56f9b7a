"""Every root field requires an authenticated account: each is made by `guarded`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from strawberry.permission import BasePermission

from graph.context import Info
from graph.errors import UNAUTHENTICATED_MESSAGE, ErrorCode


class IsAuthenticated(BasePermission):
    message = UNAUTHENTICATED_MESSAGE
    error_extensions = {"code": ErrorCode.UNAUTHENTICATED.value}  # noqa: RUF012 (the base declares it so)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.account is not None


def guarded(kind: Callable[..., Any], resolver: Callable[..., Any], description: str) -> Any:
    """A root field made by `kind` (strawberry.field, mutation or subscription) that runs
    only for an authenticated account."""
    return kind(resolver=resolver, permission_classes=[IsAuthenticated], description=description)
