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
from resolvers.auth import guarded

# What a profile's `deliveries` field reads through the context.
delivery_pages: DeliveryPages = deliveries.delivery_connection


@strawberry.type(description="Reads. Every field needs an API key.")
class Query:
    node: Node | None = guarded(
        strawberry.field, node.node, "Any object of the caller's account by id, or null."
    )
    channels: list[Channel] = guarded(
        strawberry.field, catalog.channels, "Channels that take callback profiles."
    )
    channel: Channel | None = guarded(
        strawberry.field, catalog.channel, "One channel, or null when it takes no profiles."
    )
    callback_profile: CallbackProfile | None = guarded(
        strawberry.field, profiles.callback_profile, "A profile of the caller's account, or null."
    )
    callback_profiles: CallbackProfileConnection = guarded(
        strawberry.field,
        profiles.callback_profiles,
        "Profiles newest first. `first` defaults to 20 and is capped at 100; "
        "`search` matches titles case-insensitively; `status` keeps those in that status.",
    )
    delivery: Delivery | None = guarded(
        strawberry.field, deliveries.delivery, "A delivery of the caller's account, or null."
    )
    deliveries: DeliveryConnection = guarded(
        strawberry.field,
        deliveries.deliveries,
        "Deliveries newest first, optionally of one profile or in one status. "
        "`first` defaults to 20 and is capped at 100.",
    )
    api_keys: list[ApiKey] = guarded(
        strawberry.field,
        api_keys.api_keys,
        "The caller's account's API keys, oldest first, revoked ones included.",
    )


@strawberry.type(description="Changes. Every field needs an API key.")
class Mutation:
    create_callback_profile: CreateCallbackProfilePayload = guarded(
        strawberry.mutation,
        profiles.create_callback_profile,
        "Creates a profile; answers its signing secret once.",
    )
    edit_callback_profile_variables: EditCallbackProfileVariablesPayload = guarded(
        strawberry.mutation,
        profiles.edit_callback_profile_variables,
        "Changes a profile's variables and template, the only editable part.",
    )
    edit_callback_profile_authentication: EditCallbackProfileAuthenticationPayload = guarded(
        strawberry.mutation,
        authentication.edit_callback_profile_authentication,
        "Replaces how a profile's callbacks authenticate to its endpoint; "
        "secrets are given again. Tokens fetched with the old settings are not used again.",
    )
    delete_callback_profile: DeleteCallbackProfilePayload = guarded(
        strawberry.mutation,
        profiles.delete_callback_profile,
        "Deletes a profile; its pending deliveries are cancelled.",
    )
    test_callback_profile: TestCallbackProfilePayload = guarded(
        strawberry.mutation,
        deliveries.test_callback_profile,
        "Sends one callback now with the channel's example values, for a saved "
        "profile (`id`) or an unsaved `draft`; no retries.",
    )
    publish_status_events: PublishStatusEventsPayload = guarded(
        strawberry.mutation,
        deliveries.publish_status_events,
        "Queues 1 to 1,000 status reports as deliveries, stored before the answer.",
    )
    retry_delivery: RetryDeliveryPayload = guarded(
        strawberry.mutation,
        deliveries.retry_delivery,
        "Queues a failed delivery for one more attempt.",
    )
    rotate_signing_secret: RotateSigningSecretPayload = guarded(
        strawberry.mutation,
        deliveries.rotate_signing_secret,
        "Gives a profile a new signing secret; the old one signs beside it for 24 hours.",
    )
    create_api_key: CreateApiKeyPayload = guarded(
        strawberry.mutation,
        api_keys.create_api_key,
        "Creates another API key for the caller's account; answers the key once.",
    )
    revoke_api_key: RevokeApiKeyPayload = guarded(
        strawberry.mutation,
        api_keys.revoke_api_key,
        "Revokes one of the account's keys at once, on every server; open "
        "subscriptions using it are closed with 4403. The last active key cannot be revoked.",
    )
    disable_callback_profile: DisableCallbackProfilePayload = guarded(
        strawberry.mutation,
        health.disable_callback_profile,
        "Stops a profile's callbacks: new reports for it are refused and its queued "
        "deliveries wait, unsent, until it is enabled.",
    )
    enable_callback_profile: EnableCallbackProfilePayload = guarded(
        strawberry.mutation,
        health.enable_callback_profile,
        "Makes a disabled or auto-disabled profile active again: its waiting "
        "deliveries go on, its count of failures starts again.",
    )
    set_callback_profile_rate_limit: SetCallbackProfileRateLimitPayload = guarded(
        strawberry.mutation,
        health.set_callback_profile_rate_limit,
        "Sets or removes the most callbacks per second sent to a profile's endpoint.",
    )
    replay_deliveries: ReplayDeliveriesPayload = guarded(
        strawberry.mutation,
        health.replay_deliveries,
        "Queues a profile's finished deliveries of a span again, each for one "
        "manual attempt, in the order they were first published; at most 10,000 per call. "
        "Give an idempotency key so that repeating the call sends nothing twice.",
    )


@strawberry.type(description="Live streams over graphql-transport-ws.")
class Subscription:
    delivery_attempts: AsyncGenerator[DeliveryAttempt, None] = guarded(
        strawberry.subscription,
        deliveries.delivery_attempts,
        "Every attempt of the caller's account from now on, optionally of one profile or channel.",
    )
    profile_events: AsyncGenerator[ProfileEvent, None] = guarded(
        strawberry.subscription,
        health.profile_events,
        "Status changes (disabled, auto-disabled with the reason, enabled), "
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
