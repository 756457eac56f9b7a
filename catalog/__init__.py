"""The channel catalog: data, so a new channel is an entry rather than a code path."""

from catalog.channels import CHANNELS, NotInCatalog, channel_of
from catalog.model import (
    BodyFormat,
    Channel,
    ChannelKind,
    Event,
    HttpMethod,
    ValueType,
    Variable,
)

__all__ = [
    "CHANNELS",
    "BodyFormat",
    "Channel",
    "ChannelKind",
    "Event",
    "HttpMethod",
    "NotInCatalog",
    "ValueType",
    "Variable",
    "channel_of",
]
