"""Results of the profile mutations."""

from __future__ import annotations

import strawberry

from graph.common import UserError
from graph.profile_types import CallbackProfile


@strawberry.type(description="Result of createCallbackProfile.")
class CreateCallbackProfilePayload:
    callback_profile: CallbackProfile | None = strawberry.field(
        description="The new profile; null when userErrors is not empty."
    )
    signing_secret: str | None = strawberry.field(
        description="Standard Webhooks secret (whsec_...) that signs this profile's callbacks. "
        "Shown only here, once: store it now."
    )
    user_errors: list[UserError] = strawberry.field(description="What to fix; nothing was saved.")


@strawberry.type(description="Result of editCallbackProfileVariables.")
class EditCallbackProfileVariablesPayload:
    callback_profile: CallbackProfile | None = strawberry.field(
        description="The profile as changed; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="What to fix; nothing was changed.")


@strawberry.type(description="Result of deleteCallbackProfile.")
class DeleteCallbackProfilePayload:
    deleted_callback_profile_id: strawberry.ID | None = strawberry.field(
        description="Id of the deleted profile; its pending deliveries are cancelled."
    )
    user_errors: list[UserError] = strawberry.field(description="What went wrong.")


@strawberry.type(description="Result of editCallbackProfileAuthentication.")
class EditCallbackProfileAuthenticationPayload:
    callback_profile: CallbackProfile | None = strawberry.field(
        description="The profile as changed; null when userErrors is not empty."
    )
    user_errors: list[UserError] = strawberry.field(description="What to fix; nothing was changed.")
