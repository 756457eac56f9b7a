"""Channel catalog queries."""

from __future__ import annotations

from catalog import CHANNELS, ChannelKind, get_channel
from graph.catalog_types import Channel


def channels() -> list[Channel]:
    return [Channel.of(c) for c in CHANNELS.values()]


def channel(kind: ChannelKind) -> Channel | None:
    found = get_channel(kind)
    return Channel.of(found) if found else None
