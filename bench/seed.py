"""Finished deliveries written straight into a store, to grow it quickly.

Publishing 100,000 reports and delivering them would take longer than the whole suite may,
and pending ones would be delivered by the very workers being measured. So the growth
scenario writes deliveries that already SUCCEEDED, through the store's own
`insert_deliveries` (the call `publishStatusEvents` makes), in the process that owns the
store: for the embedded store that is the server itself, hence a route of the bench host.
Their attempts are not written: the measured paths (claiming, releasing, recording an
attempt, listing deliveries) do not read old attempts.
"""

from __future__ import annotations

import gc
from dataclasses import replace
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from catalog import ChannelKind
from domain import clock
from domain.accounts import hash_key
from domain.models import Delivery, DeliveryStatus
from domain.store import Store

CHUNK = 1000


def finished(account_id: str, profile_id: str, count: int, start: int) -> list[Delivery]:
    # A little in the past, so that deliveries measured later list first.
    then = clock.now() - timedelta(seconds=1)
    return [
        replace(
            Delivery.new(
                account_id,
                profile_id,
                ChannelKind.SMS,
                {"status": "Delivered", "ref": f"seed-{start + i}"},
                None,
                then,
            ),
            status=DeliveryStatus.SUCCEEDED,
            attempt_count=1,
            next_attempt_at=None,
        )
        for i in range(count)
    ]


def route(store: Store) -> Route:
    async def seed(request: Request) -> Response:
        """POST {"profile_id", "count"} with the account's bearer key."""
        _, _, key = request.headers.get("authorization", "").partition(" ")
        account = await store.find_account_by_key_hash(hash_key(key.strip()))
        if account is None:
            return JSONResponse({"error": "unauthenticated"}, 401)
        wanted = await request.json()
        written = 0
        while written < wanted["count"]:
            batch = finished(
                account.id, wanted["profile_id"], min(CHUNK, wanted["count"] - written), written
            )
            await store.insert_deliveries(batch)
            written += len(batch)
        # The bulk load's full garbage collection, now rather than during the deliveries
        # measured next, where it would read as a cost of each callback.
        gc.collect()
        return JSONResponse({"written": written})

    return Route("/bench/seed", seed, methods=["POST"])
