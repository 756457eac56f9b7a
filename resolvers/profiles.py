"""Profile queries and mutations: GraphQL in, domain service calls, GraphQL out."""

from __future__ import annotations

from typing import Annotated

import strawberry

from domain import models as domain_models
from domain.pagination import encode_cursor
from graph.arguments import After, ChannelFilter, First, ProfileId
from graph.common import PageInfo, UserError
from graph.context import Info
from graph.health_enums import ProfileStatus
from graph.profile_inputs import CreateCallbackProfileInput, EditCallbackProfileVariablesInput
from graph.profile_payloads import (
    CreateCallbackProfilePayload,
    DeleteCallbackProfilePayload,
    EditCallbackProfileVariablesPayload,
)
from graph.profile_types import CallbackProfile, CallbackProfileConnection, CallbackProfileEdge


async def callback_profile(info: Info, id: ProfileId) -> CallbackProfile | None:
    ctx = info.context
    found = await ctx.services.profiles.get(ctx.caller, id)
    return CallbackProfile.of(found) if found else None


async def callback_profiles(
    info: Info,
    first: First = None,
    after: After = None,
    search: Annotated[
        str | None,
        strawberry.argument(
            description="Only profiles whose title contains this text, in any case; all when "
            "omitted."
        ),
    ] = None,
    channel: ChannelFilter = None,
    status: Annotated[
        ProfileStatus | None,
        strawberry.argument(description="Only profiles in this status."),
    ] = None,
) -> CallbackProfileConnection:
    ctx = info.context
    rows, has_next = await ctx.services.profiles.page(
        ctx.caller,
        first,
        after,
        search,
        channel,
        None if status is None else domain_models.ProfileStatus(status.value),
    )
    edges = [
        CallbackProfileEdge(cursor=encode_cursor(p.created_at, p.id), node=CallbackProfile.of(p))
        for p in rows
    ]
    return CallbackProfileConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], has_next, after),
    )


async def create_callback_profile(
    info: Info,
    input: Annotated[
        CreateCallbackProfileInput, strawberry.argument(description="The profile to create.")
    ],
) -> CreateCallbackProfilePayload:
    ctx = info.context
    created = await ctx.services.profiles.create(ctx.caller, input.draft())
    return CreateCallbackProfilePayload(
        callback_profile=CallbackProfile.of(created.profile) if created.profile else None,
        signing_secret=created.signing_secret,
        user_errors=UserError.all(created.errors),
    )


async def edit_callback_profile_variables(
    info: Info,
    id: ProfileId,
    input: Annotated[
        EditCallbackProfileVariablesInput,
        strawberry.argument(description="The new variables or own template."),
    ],
) -> EditCallbackProfileVariablesPayload:
    ctx = info.context
    profile, errors = await ctx.services.profiles.edit_variables(ctx.caller, id, input.draft())
    return EditCallbackProfileVariablesPayload(
        callback_profile=CallbackProfile.of(profile) if profile else None,
        user_errors=UserError.all(errors),
    )


async def delete_callback_profile(info: Info, id: ProfileId) -> DeleteCallbackProfilePayload:
    ctx = info.context
    errors = await ctx.services.profiles.delete(ctx.caller, id)
    return DeleteCallbackProfilePayload(
        deleted_callback_profile_id=None if errors else id,
        user_errors=UserError.all(errors),
    )
