"""Channel catalog queries."""

from __future__ import annotations

from catalog import CHANNELS, ChannelKind
from graph.catalog_types import Channel, channel_view


def channels() -> list[Channel]:
    return [channel_view(kind) for kind in CHANNELS]


def channel(kind: ChannelKind) -> Channel | None:
    return channel_view(kind) if kind in CHANNELS else None
