"""Delivery queries and mutations, and the live attempt subscription."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from catalog import ChannelKind
from domain.models import DeliveryStatus
from domain.pagination import encode_cursor
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


async def delivery(info: Info, id: strawberry.ID) -> Delivery | None:
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
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


async def deliveries(
    info: Info,
    first: int | None = None,
    after: str | None = None,
    profile_id: strawberry.ID | None = None,
    status: DeliveryStatus | None = None,
) -> DeliveryConnection:
    return await delivery_connection(info, first, after, profile_id, status)


async def publish_status_events(
    info: Info, events: list[StatusEventInput]
) -> PublishStatusEventsPayload:
    ctx = info.context
    stored, errors = await ctx.services.deliveries.publish(ctx.caller, [e.event() for e in events])
    return PublishStatusEventsPayload(
        deliveries=[Delivery.of(d) if d else None for d in stored],
        user_errors=UserError.all(errors),
    )


async def retry_delivery(info: Info, id: strawberry.ID) -> RetryDeliveryPayload:
    ctx = info.context
    requeued, errors = await ctx.services.deliveries.retry(ctx.caller, id)
    return RetryDeliveryPayload(
        delivery=Delivery.of(requeued) if requeued else None,
        user_errors=UserError.all(errors),
    )


async def test_callback_profile(
    info: Info,
    id: strawberry.ID | None = None,
    draft: CreateCallbackProfileInput | None = None,
) -> TestCallbackProfilePayload:
    ctx = info.context
    attempt, errors = await ctx.services.tester.test(
        ctx.caller, id, draft.draft() if draft else None
    )
    return TestCallbackProfilePayload(
        attempt=DeliveryAttempt.of(attempt) if attempt else None,
        user_errors=UserError.all(errors),
    )


async def rotate_signing_secret(info: Info, id: strawberry.ID) -> RotateSigningSecretPayload:
    ctx = info.context
    secret, errors = await ctx.services.profiles.rotate_signing_secret(ctx.caller, id)
    return RotateSigningSecretPayload(signing_secret=secret, user_errors=UserError.all(errors))


async def delivery_attempts(
    info: Info,
    profile_id: strawberry.ID | None = None,
    channel: ChannelKind | None = None,
) -> AsyncGenerator[DeliveryAttempt, None]:
    ctx = info.context
    async for attempt in ctx.services.hub.subscribe(ctx.caller.id, profile_id, channel):
        ctx.forget_loaded()
        yield DeliveryAttempt.of(attempt)
