"""Changing how a profile authenticates to its endpoint."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.arguments import ProfileId
from graph.authentication_inputs import CallbackAuthenticationInput
from graph.common import UserError
from graph.context import Info
from graph.profile_payloads import EditCallbackProfileAuthenticationPayload
from graph.profile_types import CallbackProfile


async def edit_callback_profile_authentication(
    info: Info,
    id: ProfileId,
    input: Annotated[
        CallbackAuthenticationInput,
        strawberry.argument(description="The new authentication, secrets included."),
    ],
) -> EditCallbackProfileAuthenticationPayload:
    ctx = info.context
    profile, errors = await ctx.services.profiles.edit_authentication(ctx.caller, id, input.draft())
    return EditCallbackProfileAuthenticationPayload(
        callback_profile=CallbackProfile.of(profile) if profile else None,
        user_errors=UserError.all(errors),
    )
