"""Endpoint health: disabling and enabling profiles, their rate limits, replays, and the live
stream of profile events."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated

import strawberry

from domain.models import DeliveryStatus
from domain.profiles import not_found
from graph.common import UserError
from graph.context import Info
from graph.health_types import (
    DisableCallbackProfilePayload,
    EnableCallbackProfilePayload,
    ProfileEvent,
    ReplayDeliveriesPayload,
    SetCallbackProfileRateLimitPayload,
)
from graph.profile_types import CallbackProfile

ProfileIdArgument = Annotated[
    strawberry.ID, strawberry.argument(description="Id of a profile of the caller's account.")
]


async def disable_callback_profile(
    info: Info, id: ProfileIdArgument
) -> DisableCallbackProfilePayload:
    ctx = info.context
    profile = await ctx.services.statuses.disable(ctx.caller.id, id)
    if profile is None:
        return DisableCallbackProfilePayload(
            callback_profile=None, user_errors=[UserError.of(not_found())]
        )
    return DisableCallbackProfilePayload(
        callback_profile=CallbackProfile.of(profile), user_errors=[]
    )


async def enable_callback_profile(
    info: Info, id: ProfileIdArgument
) -> EnableCallbackProfilePayload:
    ctx = info.context
    profile = await ctx.services.statuses.enable(ctx.caller.id, id)
    if profile is None:
        return EnableCallbackProfilePayload(
            callback_profile=None, user_errors=[UserError.of(not_found())]
        )
    return EnableCallbackProfilePayload(
        callback_profile=CallbackProfile.of(profile), user_errors=[]
    )


async def set_callback_profile_rate_limit(
    info: Info,
    id: ProfileIdArgument,
    max_per_second: Annotated[
        float | None,
        strawberry.argument(
            description="Most callbacks per second to the endpoint (1/60 to 10,000); null "
            "removes the limit."
        ),
    ] = None,
) -> SetCallbackProfileRateLimitPayload:
    ctx = info.context
    profile, errors = await ctx.services.profiles.set_rate_limit(ctx.caller, id, max_per_second)
    return SetCallbackProfileRateLimitPayload(
        callback_profile=CallbackProfile.of(profile) if profile else None,
        user_errors=UserError.all(errors),
    )


async def replay_deliveries(
    info: Info,
    profile_id: ProfileIdArgument,
    since: Annotated[
        datetime,
        strawberry.argument(description="Replay deliveries published at or after this time."),
    ],
    until: Annotated[
        datetime | None,
        strawberry.argument(
            description="Replay deliveries published before this time; null: up to now."
        ),
    ] = None,
    status: Annotated[
        DeliveryStatus | None,
        strawberry.argument(
            description="Which finished deliveries: FAILED (the default) or SUCCEEDED."
        ),
    ] = None,
    idempotency_key: Annotated[
        str | None,
        strawberry.argument(
            description="A call with a key used before by the account queues nothing again "
            "and answers what that call queued."
        ),
    ] = None,
) -> ReplayDeliveriesPayload:
    ctx = info.context
    replayed, errors = await ctx.services.replays.replay(
        ctx.caller, profile_id, since, until, status, idempotency_key
    )
    return ReplayDeliveriesPayload(replayed=replayed, user_errors=UserError.all(errors))


async def profile_events(
    info: Info,
    profile_id: Annotated[
        strawberry.ID | None,
        strawberry.argument(
            description="Only events of this profile; all of the account's when null."
        ),
    ] = None,
) -> AsyncGenerator[ProfileEvent, None]:
    ctx = info.context
    async for event in ctx.services.statuses.follow(ctx.caller.id, profile_id):
        ctx.forget_loaded()
        yield ProfileEvent.of(event)
