"""GraphQL types of endpoint health: status mutations' payloads, replays and profile events."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.models import ProfileEvent as ProfileEventData
from graph.common import UserError
from graph.context import Info
from graph.health_enums import ProfileEventKind, ProfileStatus
from graph.profile_types import CallbackProfile


@strawberry.type(description="Result of disableCallbackProfile.")
class DisableCallbackProfilePayload:
    callback_profile: CallbackProfile | None = strawberry.field(
        description="The profile, disabled; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="What went wrong.")


@strawberry.type(description="Result of enableCallbackProfile.")
class EnableCallbackProfilePayload:
    callback_profile: CallbackProfile | None = strawberry.field(
        description="The profile, active; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="What went wrong.")


@strawberry.type(description="Result of setCallbackProfileRateLimit.")
class SetCallbackProfileRateLimitPayload:
    callback_profile: CallbackProfile | None = strawberry.field(
        description="The profile with its new limit; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="What to fix; nothing changed.")


@strawberry.type(description="Result of replayDeliveries.")
class ReplayDeliveriesPayload:
    replayed: int | None = strawberry.field(
        description="How many deliveries were queued again; for a key used before, how many "
        "that first call queued (none are queued twice). Null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="What to fix; nothing queued.")


@strawberry.type(description="Something that happened to a profile as a whole.")
class ProfileEvent:
    id: strawberry.ID = strawberry.field(description="Event id.")
    kind: ProfileEventKind = strawberry.field(description="What happened.")
    profile_id: strawberry.ID = strawberry.field(description="The profile it happened to.")
    status: ProfileStatus = strawberry.field(description="The profile's status since.")
    reason: str | None = strawberry.field(
        description="Why, for AUTO_DISABLED and PAUSED; null otherwise."
    )
    at: datetime = strawberry.field(description="When it happened.")
    paused_until: datetime | None = strawberry.field(
        description="For PAUSED: nothing is sent to the endpoint before this time."
    )
    replayed: int | None = strawberry.field(
        description="For REPLAYED: how many deliveries were queued again."
    )

    @classmethod
    def of(cls, data: ProfileEventData) -> ProfileEvent:
        return cls(
            id=strawberry.ID(data.id),
            kind=ProfileEventKind(data.kind.value),
            profile_id=strawberry.ID(data.profile_id),
            status=ProfileStatus(data.status.value),
            reason=data.reason,
            at=data.at,
            paused_until=data.paused_until,
            replayed=data.replayed,
        )

    @strawberry.field(description="The profile, as it is now; null once deleted.")
    async def profile(self, info: Info) -> CallbackProfile | None:
        found = await info.context.loaders.profiles.load(self.profile_id)
        return CallbackProfile.of(found) if found else None
