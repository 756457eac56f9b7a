"""GraphQL views of deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime

import strawberry

from catalog import ChannelKind
from domain.models import Attempt as AttemptData
from domain.models import AttemptOutcome, AttemptTrigger, DeliveryStatus
from domain.models import Delivery as DeliveryData
from graph.common import Node, PageInfo
from graph.context import Info
from graph.profile_types import CallbackProfile


async def _profile(info: Info, profile_id: str | None) -> CallbackProfile | None:
    if profile_id is None:
        return None
    found = await info.context.loaders.profiles.load(profile_id)
    return CallbackProfile.of(found) if found else None


@strawberry.type(description="A header of a sent request; secret values read [redacted].")
class SentHeader:
    name: str = strawberry.field(description="Header name.")
    value: str = strawberry.field(description="Header value, or [redacted].")


@strawberry.type(description="A request as it was sent, secrets redacted.")
class SentRequest:
    method: str = strawberry.field(description="HTTP method.")
    url: str = strawberry.field(description="Full URL, with the query string of GET callbacks.")
    headers: list[SentHeader] = strawberry.field(description="Headers in sending order.")
    body: str | None = strawberry.field(description="Body text; null for GET.")


@strawberry.type(description="One HTTP try of a callback.")
class DeliveryAttempt(Node):
    id: strawberry.ID = strawberry.field(description="Attempt id.")
    # Plain fields, filled once in `of`: every subscriber executes them for every attempt.
    number: int = strawberry.field(description="1 for the first try of a delivery, then 2, 3, ...")
    trigger: AttemptTrigger = strawberry.field(description="What caused this attempt.")
    outcome: AttemptOutcome = strawberry.field(description="How it ended.")
    channel: ChannelKind = strawberry.field(description="The channel of the profile.")
    status_code: int | None = strawberry.field(
        description="HTTP status of the answer; null when there was none."
    )
    response_body: str | None = strawberry.field(
        description="The first 1,024 characters of the answer's body."
    )
    duration_ms: float = strawberry.field(
        description="From sending to the end of the answer, in milliseconds."
    )
    error: str | None = strawberry.field(description="Why it did not succeed; null when it did.")
    started_at: datetime = strawberry.field(description="When it started.")
    data: strawberry.Private[AttemptData]

    @classmethod
    def of(cls, data: AttemptData) -> DeliveryAttempt:
        return cls(
            id=strawberry.ID(data.id),
            number=data.number,
            trigger=data.trigger,
            outcome=data.outcome,
            channel=data.channel,
            status_code=data.status_code,
            response_body=data.response_body,
            duration_ms=data.duration_ms,
            error=data.error,
            started_at=data.started_at,
            data=data,
        )

    @strawberry.field(description="The request as sent; secret header values redacted.")
    def request(self) -> SentRequest:
        r = self.data.request
        return SentRequest(
            method=r.method,
            url=r.url,
            body=r.body,
            headers=[SentHeader(name=n, value=v) for n, v in r.headers],
        )

    @strawberry.field(description="The profile; null for a draft test or a deleted profile.")
    async def profile(self, info: Info) -> CallbackProfile | None:
        return await _profile(info, self.data.profile_id)

    @strawberry.field(description="The delivery; null for a test attempt.")
    async def delivery(self, info: Info) -> Delivery | None:
        if self.data.delivery_id is None:
            return None
        found = await info.context.loaders.deliveries.load(self.data.delivery_id)
        return Delivery.of(found) if found else None


@strawberry.type(description="One status report on its way to the customer's endpoint.")
class Delivery(Node):
    id: strawberry.ID = strawberry.field(
        description="Delivery id; also the webhook-id header of every attempt."
    )
    # Plain fields, filled once in `of`: a resolver per field is the costliest part of
    # serving a page of deliveries.
    status: DeliveryStatus = strawberry.field(description="Where the delivery stands.")
    attempt_count: int = strawberry.field(description="Attempts made so far.")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the next attempt is due; null once finished, and while held because "
        "its profile is not active."
    )
    idempotency_key: str | None = strawberry.field(
        description="The idempotency key the report came with."
    )
    channel: ChannelKind = strawberry.field(description="The channel of the profile.")
    created_at: datetime = strawberry.field(description="When the report was accepted.")
    updated_at: datetime = strawberry.field(description="When the delivery last changed.")
    data: strawberry.Private[DeliveryData]

    @classmethod
    def of(cls, data: DeliveryData) -> Delivery:
        unfinished = data.status in (DeliveryStatus.PENDING, DeliveryStatus.DELIVERING)
        return cls(
            id=strawberry.ID(data.id),
            status=data.status,
            attempt_count=data.attempt_count,
            next_attempt_at=data.next_attempt_at if unfinished else None,
            idempotency_key=data.idempotency_key,
            channel=data.channel,
            created_at=data.created_at,
            updated_at=data.updated_at,
            data=data,
        )

    @strawberry.field(description="The profile; null once deleted.")
    async def profile(self, info: Info) -> CallbackProfile | None:
        return await _profile(info, self.data.profile_id)

    @strawberry.field(description="Every attempt, oldest first.")
    async def attempts(self, info: Info) -> list[DeliveryAttempt]:
        rows = await info.context.loaders.attempts.load(self.data.id)
        return [DeliveryAttempt.of(a) for a in rows]


@strawberry.type(description="A delivery in a page of deliveries.")
class DeliveryEdge:
    cursor: str = strawberry.field(description="Position of this row, for `after`.")
    node: Delivery = strawberry.field(description="The delivery.")


@strawberry.type(description="A page of deliveries, newest first.")
class DeliveryConnection:
    edges: list[DeliveryEdge] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
