"""GraphQL views of callback profiles. Nothing here ever shows a key, an IV, a secret header
value or a signing secret."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from catalog import BodyFormat, HttpMethod
from domain import templates
from domain.models import EncryptionAlgorithm
from domain.models import Profile as ProfileData
from graph.arguments import After, First, StatusFilter
from graph.authentication_types import CallbackAuthentication, authentication_view
from graph.catalog_types import (
    Channel,
    DynamicVariable,
    Event,
    channel_view,
    event_view,
    variable_view,
)
from graph.common import Header, Node, PageInfo
from graph.context import Info
from graph.health_enums import ProfileStatus

if TYPE_CHECKING:
    from graph.authentication_types import CallbackAuthentication
    from graph.delivery_types import DeliveryConnection

Deliveries = Annotated["DeliveryConnection", strawberry.lazy("graph.delivery_types")]
AuthenticationView = Annotated[
    "CallbackAuthentication", strawberry.lazy("graph.authentication_types")
]


@strawberry.type(description="Encryption of parameter values; the key and IV are write-only.")
class Encryption:
    algorithm: EncryptionAlgorithm = strawberry.field(description="Cipher and mode.")
    parameters: list[str] = strawberry.field(
        description="Variables whose values are encrypted; empty means all of the profile's."
    )
    random_iv: bool = strawberry.field(
        description="Whether each value gets a fresh IV, sent in front of its ciphertext."
    )


@strawberry.type(description="Where and how status updates of one channel are called back.")
class CallbackProfile(Node):
    id: strawberry.ID = strawberry.field(
        description="Callback profile id, region_UUID; put it in send requests."
    )
    # Plain fields, filled once in `of`: a resolver per field is the costliest part of
    # serving a page of profiles.
    title: str = strawberry.field(description="Title; searchable.")
    channel: Channel = strawberry.field(description="The channel; fixed at creation.")
    event: Event = strawberry.field(
        description="The event callbacks report on; set from the channel."
    )
    http_method: HttpMethod = strawberry.field(description="HTTP method of callbacks.")
    endpoint: str = strawberry.field(
        description="URL callbacks go to; GET appends the template's pairs."
    )
    body_format: BodyFormat = strawberry.field(description="Encoding of POST bodies.")
    response_message: str | None = strawberry.field(
        description="SMS only: text a 2xx answer must contain for the callback to count as "
        "delivered."
    )
    created_at: datetime = strawberry.field(description="When the profile was created.")
    updated_at: datetime = strawberry.field(description="When the profile was last changed.")
    status: ProfileStatus = strawberry.field(
        description="Whether callbacks go out: ACTIVE, DISABLED by the account, or "
        "AUTO_DISABLED by callbackd."
    )
    status_changed_at: datetime | None = strawberry.field(
        description="When the status last changed; null while it never has."
    )
    status_reason: str | None = strawberry.field(
        description="Why the profile is disabled, e.g. the endpoint answered 410 Gone; null "
        "when active."
    )
    max_per_second: float | None = strawberry.field(
        description="Most callbacks sent to the endpoint per second, counted across every "
        "process; null for no limit."
    )
    paused_until: datetime | None = strawberry.field(
        description="Set by a 429 answer with Retry-After: nothing is sent to the endpoint "
        "before then. Null, or a past time, when not paused."
    )
    data: strawberry.Private[ProfileData]

    @classmethod
    def of(cls, data: ProfileData) -> CallbackProfile:
        return cls(
            id=strawberry.ID(data.id),
            title=data.title,
            channel=channel_view(data.channel),
            event=event_view(data.channel, data.event),
            http_method=data.http_method,
            endpoint=data.endpoint,
            body_format=data.body_format,
            response_message=data.response_message,
            created_at=data.created_at,
            updated_at=data.updated_at,
            status=ProfileStatus(data.status.value),
            status_changed_at=data.status_changed_at,
            status_reason=data.status_reason,
            max_per_second=data.max_per_second,
            paused_until=data.paused_until,
            data=data,
        )

    @strawberry.field(description="Selected variables, in template order.")
    def variables(self) -> list[DynamicVariable]:
        kind = self.data.channel
        return [v for name in self.data.variables if (v := variable_view(kind, name))]

    @strawberry.field(
        description="Template of the values: the body of POST callbacks, the query-string "
        "pairs of GET callbacks. Placeholders are `<name>`."
    )
    def body_template(self) -> JSON:
        template: JSON = self.data.body_template
        return template

    @strawberry.field(
        description="For GET profiles, the query string appended to the endpoint, e.g. "
        "`status=<status>&sender=<sender>`; null for POST."
    )
    def query_template(self) -> str | None:
        if self.data.http_method is not HttpMethod.GET:
            return None
        return templates.query_string(self.data.body_template)

    @strawberry.field(description="Headers sent with every callback; secret values masked.")
    def headers(self) -> list[Header]:
        return [Header.of(h) for h in self.data.headers]

    @strawberry.field(description="Encryption settings, or null when values go in clear.")
    def encryption(self) -> Encryption | None:
        e = self.data.encryption
        if e is None:
            return None
        return Encryption(
            algorithm=e.algorithm, parameters=list(e.parameters), random_iv=e.random_iv
        )

    @strawberry.field(
        description="How callbacks authenticate to the endpoint; never shows a password, a "
        "client secret or a token."
    )
    def authentication(self) -> CallbackAuthentication:
        return authentication_view(self.data.authentication)

    @strawberry.field(description="This profile's deliveries, newest first.")
    async def deliveries(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: StatusFilter = None,
    ) -> Deliveries:
        return await info.context.delivery_pages(info, first, after, self.data.id, status)


@strawberry.type(description="A profile in a page of profiles.")
class CallbackProfileEdge:
    cursor: str = strawberry.field(description="Position of this row, for `after`.")
    node: CallbackProfile = strawberry.field(description="The profile.")


@strawberry.type(description="A page of callback profiles, newest first.")
class CallbackProfileConnection:
    edges: list[CallbackProfileEdge] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
