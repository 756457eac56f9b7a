"""The shapes of the channel catalog: channels, their events and dynamic variables."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class ChannelKind(Enum):
    """Channels the messaging platform knows; only those in the catalog take profiles."""

    SMS = "SMS"
    EMAIL = "EMAIL"
    VOICE = "VOICE"
    WHATSAPP = "WHATSAPP"


class HttpMethod(Enum):
    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    DELETE = "DELETE"


class BodyFormat(Enum):
    JSON = "JSON"
    FORM_DATA = "FORM_DATA"
    URLENCODED = "URLENCODED"


class ValueType(Enum):
    STRING = "STRING"
    INTEGER = "INTEGER"
    NUMBER = "NUMBER"
    BOOLEAN = "BOOLEAN"
    DATETIME = "DATETIME"
    ENUM = "ENUM"


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    description: str
    example: str
    type: ValueType
    allowed_values: tuple[str, ...] | None = None

    @property
    def placeholder(self) -> str:
        return f"<{self.name}>"


@dataclass(frozen=True, slots=True)
class Event:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class Channel:
    kind: ChannelKind
    label: str
    events: tuple[Event, ...]
    http_methods: tuple[HttpMethod, ...]
    allowed_http_methods: tuple[HttpMethod, ...]
    body_formats: tuple[BodyFormat, ...]
    supports_response_message: bool
    variables: tuple[Variable, ...]

    @property
    def event(self) -> Event:
        """The event a new profile of this channel is bound to."""
        return self.events[0]

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)

    @property
    def variable_names(self) -> tuple[str, ...]:
        return tuple(v.name for v in self.variables)
