"""The schema, assembled: root types wired to resolvers, every root field behind
authentication, and the resolvers nested types read through the context."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext as ExecutionContextType

from graph.api_key_types import ApiKey, CreateApiKeyPayload, RevokeApiKeyPayload
from graph.catalog_types import Channel
from graph.common import Node
from graph.context import DeliveryPages
from graph.delivery_io import (
    PublishStatusEventsPayload,
    RetryDeliveryPayload,
    RotateSigningSecretPayload,
    TestCallbackProfilePayload,
)
from graph.delivery_types import Delivery, DeliveryAttempt, DeliveryConnection
from graph.errors import settle
from graph.execution import ExecutionContext
from graph.health_types import (
    DisableCallbackProfilePayload,
    EnableCallbackProfilePayload,
    ProfileEvent,
    ReplayDeliveriesPayload,
    SetCallbackProfileRateLimitPayload,
)
from graph.limits import extensions
from graph.profile_payloads import (
    CreateCallbackProfilePayload,
    DeleteCallbackProfilePayload,
    EditCallbackProfileAuthenticationPayload,
    EditCallbackProfileVariablesPayload,
)
from graph.profile_types import CallbackProfile, CallbackProfileConnection
from graph.unicode_input import UnicodeVariables
from resolvers import api_keys, authentication, catalog, deliveries, health, node, profiles
from resolvers.auth import AUTHENTICATED

# What a profile's `deliveries` field reads through the context.
delivery_pages: DeliveryPages = deliveries.delivery_connection


@strawberry.type(description="Reads. Every field needs an API key.")
class Query:
    node: Node | None = strawberry.field(
        resolver=node.node,
        permission_classes=AUTHENTICATED,
        description="Any object of the caller's account by id, or null.",
    )
    channels: list[Channel] = strawberry.field(
        resolver=catalog.channels,
        permission_classes=AUTHENTICATED,
        description="Channels that take callback profiles.",
    )
    channel: Channel | None = strawberry.field(
        resolver=catalog.channel,
        permission_classes=AUTHENTICATED,
        description="One channel, or null when it takes no profiles.",
    )
    callback_profile: CallbackProfile | None = strawberry.field(
        resolver=profiles.callback_profile,
        permission_classes=AUTHENTICATED,
        description="A profile of the caller's account, or null.",
    )
    callback_profiles: CallbackProfileConnection = strawberry.field(
        resolver=profiles.callback_profiles,
        permission_classes=AUTHENTICATED,
        description="Profiles newest first. `first` defaults to 20 and is capped at 100; "
        "`search` matches titles case-insensitively; `status` keeps those in that status.",
    )
    delivery: Delivery | None = strawberry.field(
        resolver=deliveries.delivery,
        permission_classes=AUTHENTICATED,
        description="A delivery of the caller's account, or null.",
    )
    deliveries: DeliveryConnection = strawberry.field(
        resolver=deliveries.deliveries,
        permission_classes=AUTHENTICATED,
        description="Deliveries newest first, optionally of one profile or in one status. "
        "`first` defaults to 20 and is capped at 100.",
    )
    api_keys: list[ApiKey] = strawberry.field(
        resolver=api_keys.api_keys,
        permission_classes=AUTHENTICATED,
        description="The caller's account's API keys, oldest first, revoked ones included.",
    )


@strawberry.type(description="Changes. Every field needs an API key.")
class Mutation:
    create_callback_profile: CreateCallbackProfilePayload = strawberry.mutation(
        resolver=profiles.create_callback_profile,
        permission_classes=AUTHENTICATED,
        description="Creates a profile; answers its signing secret once.",
    )
    edit_callback_profile_variables: EditCallbackProfileVariablesPayload = strawberry.mutation(
        resolver=profiles.edit_callback_profile_variables,
        permission_classes=AUTHENTICATED,
        description="Changes a profile's variables and template, the only editable part.",
    )
    edit_callback_profile_authentication: EditCallbackProfileAuthenticationPayload = (
        strawberry.mutation(
            resolver=authentication.edit_callback_profile_authentication,
            permission_classes=AUTHENTICATED,
            description="Replaces how a profile's callbacks authenticate to its endpoint; "
            "secrets are given again. Tokens fetched with the old settings are not used again.",
        )
    )
    delete_callback_profile: DeleteCallbackProfilePayload = strawberry.mutation(
        resolver=profiles.delete_callback_profile,
        permission_classes=AUTHENTICATED,
        description="Deletes a profile; its pending deliveries are cancelled.",
    )
    test_callback_profile: TestCallbackProfilePayload = strawberry.mutation(
        resolver=deliveries.test_callback_profile,
        permission_classes=AUTHENTICATED,
        description="Sends one callback now with the channel's example values, for a saved "
        "profile (`id`) or an unsaved `draft`; no retries.",
    )
    publish_status_events: PublishStatusEventsPayload = strawberry.mutation(
        resolver=deliveries.publish_status_events,
        permission_classes=AUTHENTICATED,
        description="Queues 1 to 1,000 status reports as deliveries, stored before the answer.",
    )
    retry_delivery: RetryDeliveryPayload = strawberry.mutation(
        resolver=deliveries.retry_delivery,
        permission_classes=AUTHENTICATED,
        description="Queues a failed delivery for one more attempt.",
    )
    rotate_signing_secret: RotateSigningSecretPayload = strawberry.mutation(
        resolver=deliveries.rotate_signing_secret,
        permission_classes=AUTHENTICATED,
        description="Gives a profile a new signing secret; the old one signs beside it for "
        "24 hours.",
    )
    create_api_key: CreateApiKeyPayload = strawberry.mutation(
        resolver=api_keys.create_api_key,
        permission_classes=AUTHENTICATED,
        description="Creates another API key for the caller's account; answers the key once.",
    )
    revoke_api_key: RevokeApiKeyPayload = strawberry.mutation(
        resolver=api_keys.revoke_api_key,
        permission_classes=AUTHENTICATED,
        description="Revokes one of the account's keys at once, on every server; open "
        "subscriptions using it are closed with 4403. The last active key cannot be revoked.",
    )
    disable_callback_profile: DisableCallbackProfilePayload = strawberry.mutation(
        resolver=health.disable_callback_profile,
        permission_classes=AUTHENTICATED,
        description="Stops a profile's callbacks: new reports for it are refused and its queued "
        "deliveries wait, unsent, until it is enabled.",
    )
    enable_callback_profile: EnableCallbackProfilePayload = strawberry.mutation(
        resolver=health.enable_callback_profile,
        permission_classes=AUTHENTICATED,
        description="Makes a disabled or auto-disabled profile active again: its waiting "
        "deliveries go on, its count of failures starts again.",
    )
    set_callback_profile_rate_limit: SetCallbackProfileRateLimitPayload = strawberry.mutation(
        resolver=health.set_callback_profile_rate_limit,
        permission_classes=AUTHENTICATED,
        description="Sets or removes the most callbacks per second sent to a profile's endpoint.",
    )
    replay_deliveries: ReplayDeliveriesPayload = strawberry.mutation(
        resolver=health.replay_deliveries,
        permission_classes=AUTHENTICATED,
        description="Queues a profile's finished deliveries of a span again, each for one "
        "manual attempt, in the order they were first published; at most 10,000 per call. "
        "Give an idempotency key so that repeating the call sends nothing twice.",
    )


@strawberry.type(description="Live streams over graphql-transport-ws.")
class Subscription:
    delivery_attempts: AsyncGenerator[DeliveryAttempt, None] = strawberry.subscription(
        resolver=deliveries.delivery_attempts,
        permission_classes=AUTHENTICATED,
        description="Every attempt of the caller's account from now on, optionally of one "
        "profile or channel.",
    )
    profile_events: AsyncGenerator[ProfileEvent, None] = strawberry.subscription(
        resolver=health.profile_events,
        permission_classes=AUTHENTICATED,
        description="Status changes (disabled, auto-disabled with the reason, enabled), "
        "pauses after a 429 and replays of the caller's profiles, from now on.",
    )


class Schema(strawberry.Schema):
    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContextType | None = None
    ) -> None:
        settle(errors, execution_context)


schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    types=[CallbackProfile, Delivery, DeliveryAttempt],
    extensions=[*extensions(), UnicodeVariables],
    execution_context_class=ExecutionContext,
)
