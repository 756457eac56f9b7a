"""The caller's own API keys: listing, creating, revoking."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.api_key_types import ApiKey, CreateApiKeyPayload, RevokeApiKeyPayload
from graph.common import UserError
from graph.context import Info


async def api_keys(info: Info) -> list[ApiKey]:
    ctx = info.context
    return [ApiKey.of(k) for k in await ctx.services.accounts.keys(ctx.caller)]


async def create_api_key(
    info: Info,
    label: Annotated[
        str | None,
        strawberry.argument(description="What the key is for, up to 100 characters."),
    ] = None,
) -> CreateApiKeyPayload:
    ctx = info.context
    created, errors = await ctx.services.accounts.create_key(ctx.caller, label)
    return CreateApiKeyPayload(
        api_key=ApiKey.of(created.api_key) if created else None,
        key=created.key if created else None,
        user_errors=UserError.all(errors),
    )


async def revoke_api_key(
    info: Info,
    prefix: Annotated[
        str, strawberry.argument(description="The prefix of the key to revoke, as apiKeys shows.")
    ],
) -> RevokeApiKeyPayload:
    ctx = info.context
    revoked, errors = await ctx.services.accounts.revoke_key(ctx.caller, prefix)
    return RevokeApiKeyPayload(
        api_key=ApiKey.of(revoked) if revoked else None, user_errors=UserError.all(errors)
    )
