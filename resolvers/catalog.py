"""Channel catalog queries."""

from __future__ import annotations

from typing import Annotated

import strawberry

from catalog import CHANNELS, ChannelKind
from graph.catalog_types import Channel, channel_view


def channels() -> list[Channel]:
    return [channel_view(kind) for kind in CHANNELS]


def channel(
    kind: Annotated[ChannelKind, strawberry.argument(description="The channel to describe.")],
) -> Channel | None:
    return channel_view(kind) if kind in CHANNELS else None
