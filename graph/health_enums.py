"""GraphQL enums of endpoint health, each value described; the domain's enums carry the same
values."""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(
    description="Whether a profile's callbacks go out. Reports for a profile that is not "
    "active are refused; its queued deliveries wait until it is enabled."
)
class ProfileStatus(Enum):
    ACTIVE = strawberry.enum_value("ACTIVE", description="Callbacks go out.")
    DISABLED = strawberry.enum_value(
        "DISABLED", description="Disabled by its account with disableCallbackProfile."
    )
    AUTO_DISABLED = strawberry.enum_value(
        "AUTO_DISABLED",
        description="Disabled by callbackd: the endpoint answered 410 Gone, or failed without "
        "a success for the configured time and number of attempts (see statusReason).",
    )


@strawberry.enum(description="What happened to a profile as a whole.")
class ProfileEventKind(Enum):
    DISABLED = strawberry.enum_value("DISABLED", description="Its account disabled it.")
    AUTO_DISABLED = strawberry.enum_value(
        "AUTO_DISABLED", description="callbackd disabled it; `reason` says why."
    )
    ENABLED = strawberry.enum_value(
        "ENABLED", description="It was enabled again; held deliveries go on."
    )
    PAUSED = strawberry.enum_value(
        "PAUSED",
        description="The endpoint answered 429 with Retry-After: nothing is sent to it "
        "before `pausedUntil`.",
    )
    REPLAYED = strawberry.enum_value(
        "REPLAYED", description="Finished deliveries were queued again; `replayed` says how many."
    )
