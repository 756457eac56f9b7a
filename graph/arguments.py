"""Arguments several fields take, each described once."""

from __future__ import annotations

from typing import Annotated

import strawberry

from catalog import ChannelKind
from domain.models import DeliveryStatus

First = Annotated[
    int | None,
    strawberry.argument(
        description="Rows in the page: 20 when omitted, and 100 for anything larger; must not "
        "be negative."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Start after this row: an edge's `cursor` or `pageInfo.endCursor` of the "
        "page before; omit for the first page."
    ),
]
ProfileId = Annotated[strawberry.ID, strawberry.argument(description="Id of the callback profile.")]
ProfileFilter = Annotated[
    strawberry.ID | None,
    strawberry.argument(description="Only those of this callback profile; all when omitted."),
]
StatusFilter = Annotated[
    DeliveryStatus | None,
    strawberry.argument(description="Only deliveries in this status; all when omitted."),
]
ChannelFilter = Annotated[
    ChannelKind | None,
    strawberry.argument(description="Only those of this channel; all when omitted."),
]
