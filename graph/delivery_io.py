"""Inputs and payloads of the delivery mutations."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from domain.deliveries import StatusEvent
from graph.common import UserError
from graph.delivery_types import Delivery, DeliveryAttempt


@strawberry.input(description="A status report of one message for one callback profile.")
class StatusEventInput:
    callback_profile_id: strawberry.ID = strawberry.field(
        description="The profile the message was sent with."
    )
    values: JSON = strawberry.field(
        description='Variable values, e.g. {"status": "Delivered"}; checked against the '
        "channel's variables and types."
    )
    idempotency_key: str | None = strawberry.field(
        default=None,
        description="Reports with a key already used by the account answer the existing "
        "delivery instead of queueing another.",
    )

    def event(self) -> StatusEvent:
        return StatusEvent(self.callback_profile_id, self.values, self.idempotency_key)


@strawberry.type(description="Result of publishStatusEvents.")
class PublishStatusEventsPayload:
    deliveries: list[Delivery | None] = strawberry.field(
        description="deliveries[i] answers events[i]; all null when userErrors is not empty, "
        "for then nothing was queued."
    )
    user_errors: list[UserError] = strawberry.field(description="What to fix.")


@strawberry.type(description="Result of retryDelivery.")
class RetryDeliveryPayload:
    delivery: Delivery | None = strawberry.field(description="The delivery, queued again.")
    user_errors: list[UserError] = strawberry.field(description="What went wrong.")


@strawberry.type(description="Result of testCallbackProfile.")
class TestCallbackProfilePayload:
    attempt: DeliveryAttempt | None = strawberry.field(description="The attempt made.")
    user_errors: list[UserError] = strawberry.field(description="What to fix.")


@strawberry.type(description="Result of rotateSigningSecret.")
class RotateSigningSecretPayload:
    signing_secret: str | None = strawberry.field(
        description="The new secret, shown only here. The previous one keeps signing beside "
        "it for 24 hours."
    )
    user_errors: list[UserError] = strawberry.field(description="What went wrong.")
