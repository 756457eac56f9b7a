"""GraphQL views of callback profiles. Nothing here ever shows a key, an IV, a secret header
value or a signing secret."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.scalars import JSON

from catalog import BodyFormat, HttpMethod, get_channel
from domain import templates
from domain.models import DeliveryStatus, EncryptionAlgorithm
from domain.models import Profile as ProfileData
from graph.catalog_types import Channel, DynamicVariable, Event
from graph.common import Node, PageInfo
from graph.context import Info

if TYPE_CHECKING:
    from graph.delivery_types import DeliveryConnection

Deliveries = Annotated["DeliveryConnection", strawberry.lazy("graph.delivery_types")]

MASK = "********"


@strawberry.type(description="An HTTP header sent with every callback of a profile.")
class Header:
    name: str = strawberry.field(description="Header name.")
    value: str = strawberry.field(description=f"Header value; `{MASK}` when the value is secret.")
    secret: bool = strawberry.field(description="Whether the value is write-only.")


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
    data: strawberry.Private[ProfileData]

    @classmethod
    def of(cls, data: ProfileData) -> CallbackProfile:
        return cls(id=strawberry.ID(data.id), data=data)

    @strawberry.field(description="Title; searchable.")
    def title(self) -> str:
        return self.data.title

    @strawberry.field(description="The channel; fixed at creation.")
    def channel(self) -> Channel:
        channel = get_channel(self.data.channel)
        assert channel is not None
        return Channel.of(channel)

    @strawberry.field(description="The event callbacks report on; set from the channel.")
    def event(self) -> Event:
        channel = get_channel(self.data.channel)
        assert channel is not None
        return Event.of(next(e for e in channel.events if e.name == self.data.event))

    @strawberry.field(description="HTTP method of callbacks.")
    def http_method(self) -> HttpMethod:
        return self.data.http_method

    @strawberry.field(description="URL callbacks go to; GET appends the template's pairs.")
    def endpoint(self) -> str:
        return self.data.endpoint

    @strawberry.field(description="Selected variables, in template order.")
    def variables(self) -> list[DynamicVariable]:
        channel = get_channel(self.data.channel)
        assert channel is not None
        return [DynamicVariable.of(v) for n in self.data.variables if (v := channel.variable(n))]

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

    @strawberry.field(description="Encoding of POST bodies.")
    def body_format(self) -> BodyFormat:
        return self.data.body_format

    @strawberry.field(description="Headers sent with every callback; secret values masked.")
    def headers(self) -> list[Header]:
        return [
            Header(name=h.name, value=MASK if h.secret else h.value, secret=h.secret)
            for h in self.data.headers
        ]

    @strawberry.field(description="Encryption settings, or null when values go in clear.")
    def encryption(self) -> Encryption | None:
        e = self.data.encryption
        if e is None:
            return None
        return Encryption(
            algorithm=e.algorithm, parameters=list(e.parameters), random_iv=e.random_iv
        )

    @strawberry.field(
        description="SMS only: text a 2xx answer must contain for the callback to count as "
        "delivered."
    )
    def response_message(self) -> str | None:
        return self.data.response_message

    @strawberry.field(description="When the profile was created.")
    def created_at(self) -> datetime:
        return self.data.created_at

    @strawberry.field(description="When the profile was last changed.")
    def updated_at(self) -> datetime:
        return self.data.updated_at

    @strawberry.field(description="This profile's deliveries, newest first.")
    async def deliveries(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        status: DeliveryStatus | None = None,
    ) -> Deliveries:
        from resolvers.deliveries import delivery_connection

        return await delivery_connection(info, first, after, self.data.id, status)


@strawberry.type(description="A profile in a page of profiles.")
class CallbackProfileEdge:
    cursor: str = strawberry.field(description="Position of this row, for `after`.")
    node: CallbackProfile = strawberry.field(description="The profile.")


@strawberry.type(description="A page of callback profiles, newest first.")
class CallbackProfileConnection:
    edges: list[CallbackProfileEdge] = strawberry.field(description="The rows of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
