"""Fetching any object by its id."""

from __future__ import annotations

from typing import Annotated

import strawberry

from graph.common import Node
from graph.context import Info
from graph.delivery_types import Delivery
from graph.profile_types import CallbackProfile


async def node(
    info: Info,
    id: Annotated[
        strawberry.ID,
        strawberry.argument(description="Id of a callback profile or a delivery."),
    ],
) -> Node | None:
    ctx = info.context
    if id.startswith("dlv_"):
        found = await ctx.services.deliveries.get(ctx.caller, id)
        return Delivery.of(found) if found else None
    profile = await ctx.services.profiles.get(ctx.caller, id)
    return CallbackProfile.of(profile) if profile else None
