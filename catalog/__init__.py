"""The channel catalog: data, so a new channel is an entry rather than a code path."""

from catalog.channels import CHANNELS, get_channel
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
    "ValueType",
    "Variable",
    "get_channel",
]
