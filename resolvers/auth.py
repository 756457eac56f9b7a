"""Every root field requires an authenticated account."""

from __future__ import annotations

from typing import Any

from strawberry.permission import BasePermission

from graph.context import Info


class IsAuthenticated(BasePermission):
    message = "Authentication required: send `Authorization: Bearer <API key>`."
    error_extensions = {"code": "UNAUTHENTICATED"}  # noqa: RUF012 (the base declares it so)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.account is not None


AUTHENTICATED: list[type[BasePermission]] = [IsAuthenticated]
