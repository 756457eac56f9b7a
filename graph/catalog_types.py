"""GraphQL views of the channel catalog."""

from __future__ import annotations

from functools import cache

import strawberry

from catalog import BodyFormat, ChannelKind, HttpMethod, ValueType, channel_of
from catalog import Channel as ChannelData
from catalog import Event as EventData
from catalog import Variable as VariableData


@strawberry.type(description="An event of a channel that callbacks report on.")
class Event:
    key: str = strawberry.field(description="Stable key of the event, e.g. SMS_SEND.")
    name: str = strawberry.field(description="Name as the platform shows it, e.g. 'SMS Send'.")

    @classmethod
    def of(cls, event: EventData) -> Event:
        return cls(key=event.key, name=event.name)


@strawberry.type(description="A value a callback can carry, and how to place it in a template.")
class DynamicVariable:
    name: str = strawberry.field(description="Variable name, e.g. delivery_status.")
    description: str = strawberry.field(description="What the value means.")
    example: str = strawberry.field(description="An example value; tests send these.")
    type: ValueType = strawberry.field(description="Value type reports must match.")
    allowed_values: list[str] | None = strawberry.field(
        description="The only values allowed, for ENUM variables; null otherwise."
    )
    placeholder: str = strawberry.field(description="How a template refers to it: `<name>`.")

    @classmethod
    def of(cls, v: VariableData) -> DynamicVariable:
        return cls(
            name=v.name,
            description=v.description,
            example=v.example,
            type=v.type,
            allowed_values=list(v.allowed_values) if v.allowed_values else None,
            placeholder=v.placeholder,
        )


@strawberry.type(description="A channel that takes callback profiles, with its rules.")
class Channel:
    kind: ChannelKind = strawberry.field(description="The channel.")
    label: str = strawberry.field(description="Label as the platform shows it.")
    events: list[Event] = strawberry.field(description="Events callbacks report on.")
    http_methods: list[HttpMethod] = strawberry.field(
        description="Methods the profile form offers."
    )
    allowed_http_methods: list[HttpMethod] = strawberry.field(
        description="Methods profiles of this channel may use."
    )
    body_formats: list[BodyFormat] = strawberry.field(
        description="Body encodings POST callbacks of this channel may use; JSON is the default."
    )
    supports_response_message: bool = strawberry.field(
        description="Whether profiles may require a response message from the endpoint."
    )
    dynamic_variables: list[DynamicVariable] = strawberry.field(
        description="Every variable callbacks of this channel can carry."
    )

    @classmethod
    def of(cls, c: ChannelData) -> Channel:
        return cls(
            kind=c.kind,
            label=c.label,
            events=[Event.of(e) for e in c.events],
            http_methods=list(c.http_methods),
            allowed_http_methods=list(c.allowed_http_methods),
            body_formats=list(c.body_formats),
            supports_response_message=c.supports_response_message,
            dynamic_variables=[DynamicVariable.of(v) for v in c.variables],
        )


# The catalog never changes while the server runs, so each view is built once and shared by
# every answer that shows it.


@cache
def channel_view(kind: ChannelKind) -> Channel:
    return Channel.of(channel_of(kind))


@cache
def event_view(kind: ChannelKind, name: str) -> Event:
    return Event.of(next(e for e in channel_of(kind).events if e.name == name))


@cache
def variable_view(kind: ChannelKind, name: str) -> DynamicVariable | None:
    variable = channel_of(kind).variable(name)
    return None if variable is None else DynamicVariable.of(variable)
