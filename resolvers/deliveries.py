"""Delivery queries and mutations, and the live attempt subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry

from domain.models import DeliveryStatus
from domain.pagination import encode_cursor
from graph.arguments import After, ChannelFilter, First, ProfileFilter, ProfileId, StatusFilter
from graph.common import PageInfo, UserError
from graph.context import Info
from graph.delivery_io import (
    PublishStatusEventsPayload,
    RetryDeliveryPayload,
    RotateSigningSecretPayload,
    StatusEventInput,
    TestCallbackProfilePayload,
)
from graph.delivery_types import Delivery, DeliveryAttempt, DeliveryConnection, DeliveryEdge
from graph.profile_inputs import CreateCallbackProfileInput


async def delivery(
    info: Info,
    id: Annotated[strawberry.ID, strawberry.argument(description="Id of the delivery.")],
) -> Delivery | None:
    ctx = info.context
    found = await ctx.services.deliveries.get(ctx.caller, id)
    return Delivery.of(found) if found else None


async def delivery_connection(
    info: Info,
    first: int | None,
    after: str | None,
    profile_id: str | None,
    status: DeliveryStatus | None,
) -> DeliveryConnection:
    ctx = info.context
    rows, has_next = await ctx.services.deliveries.page(
        ctx.caller, first, after, profile_id, status
    )
    edges = [
        DeliveryEdge(cursor=encode_cursor(d.created_at, d.id), node=Delivery.of(d)) for d in rows
    ]
    return DeliveryConnection(
        edges=edges,
        page_info=PageInfo.of([e.cursor for e in edges], has_next, after),
    )


async def deliveries(
    info: Info,
    first: First = None,
    after: After = None,
    profile_id: ProfileFilter = None,
    status: StatusFilter = None,
) -> DeliveryConnection:
    return await delivery_connection(info, first, after, profile_id, status)


async def publish_status_events(
    info: Info,
    events: Annotated[
        list[StatusEventInput],
        strawberry.argument(
            description="1 to 1,000 reports, each queued as one delivery; when any is wrong, "
            "none is queued."
        ),
    ],
) -> PublishStatusEventsPayload:
    ctx = info.context
    stored, errors = await ctx.services.deliveries.publish(ctx.caller, [e.event() for e in events])
    return PublishStatusEventsPayload(
        deliveries=[Delivery.of(d) if d else None for d in stored],
        user_errors=UserError.all(errors),
    )


async def retry_delivery(
    info: Info,
    id: Annotated[
        strawberry.ID, strawberry.argument(description="Id of a delivery in status FAILED.")
    ],
) -> RetryDeliveryPayload:
    ctx = info.context
    requeued, errors = await ctx.services.deliveries.retry(ctx.caller, id)
    return RetryDeliveryPayload(
        delivery=Delivery.of(requeued) if requeued else None,
        user_errors=UserError.all(errors),
    )


async def test_callback_profile(
    info: Info,
    id: Annotated[
        strawberry.ID | None,
        strawberry.argument(description="Id of a saved profile to test; or give `draft`."),
    ] = None,
    draft: Annotated[
        CreateCallbackProfileInput | None,
        strawberry.argument(
            description="An unsaved profile to test, nothing stored; or give `id`."
        ),
    ] = None,
) -> TestCallbackProfilePayload:
    ctx = info.context
    attempt, errors = await ctx.services.tester.test(
        ctx.caller, id, draft.draft() if draft else None
    )
    return TestCallbackProfilePayload(
        attempt=DeliveryAttempt.of(attempt) if attempt else None,
        user_errors=UserError.all(errors),
    )


async def rotate_signing_secret(
    info: Info,
    id: ProfileId,
) -> RotateSigningSecretPayload:
    ctx = info.context
    secret, errors = await ctx.services.profiles.rotate_signing_secret(ctx.caller, id)
    return RotateSigningSecretPayload(signing_secret=secret, user_errors=UserError.all(errors))


async def delivery_attempts(
    info: Info,
    profile_id: ProfileFilter = None,
    channel: ChannelFilter = None,
) -> AsyncGenerator[DeliveryAttempt, None]:
    ctx = info.context
    async for attempt in ctx.services.hub.subscribe(ctx.caller.id, profile_id, channel):
        ctx.forget_loaded()
        yield DeliveryAttempt.of(attempt)
