"""API keys of the caller's account as GraphQL shows them: never the key, only its prefix."""

from __future__ import annotations

from datetime import datetime

import strawberry

from domain.models import ApiKey as ApiKeyRecord
from graph.common import UserError


@strawberry.type(
    description="One of the account's API keys. The key itself is shown once, by createApiKey; "
    "afterwards only its first characters (prefix) tell it apart."
)
class ApiKey:
    prefix: str = strawberry.field(
        description="The key's first characters (legacy_... for a key created with the "
        "account before accounts had several keys); pass it to revokeApiKey."
    )
    label: str | None = strawberry.field(description="What the key is for, as given.")
    created_at: datetime = strawberry.field(description="When the key was created.")
    last_used_at: datetime | None = strawberry.field(
        description="When a request last used the key, recorded at most once a minute; null "
        "when never used."
    )
    revoked_at: datetime | None = strawberry.field(
        description="When the key was revoked; null while it is active."
    )

    @classmethod
    def of(cls, key: ApiKeyRecord) -> ApiKey:
        return cls(
            prefix=key.prefix,
            label=key.label,
            created_at=key.created_at,
            last_used_at=key.last_used_at,
            revoked_at=key.revoked_at,
        )


@strawberry.type(description="Result of createApiKey.")
class CreateApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(
        description="The new key's record; null when userErrors is not empty."
    )
    key: str | None = strawberry.field(
        description="The new API key, for `Authorization: Bearer <key>`. Shown only here, once: "
        "store it now."
    )
    user_errors: list[UserError] = strawberry.field(description="What to fix; nothing was saved.")


@strawberry.type(description="Result of revokeApiKey.")
class RevokeApiKeyPayload:
    api_key: ApiKey | None = strawberry.field(
        description="The key as revoked; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(
        description="What went wrong (NOT_FOUND, ALREADY_REVOKED, LAST_KEY); nothing was changed."
    )
