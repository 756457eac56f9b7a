"""`storage.bounded`: database work started inside the bound is cut off when the bound is
spent, with an error that reads as the database not answering in time, so a request over
HTTP is answered SERVICE_UNAVAILABLE instead of waiting on a database that hangs."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from storage import bounded, is_unavailable

pytestmark = pytest.mark.mongo


async def test_work_within_the_bound_is_answered(raw: AsyncDatabase[dict[str, Any]]) -> None:
    # Given a bound far longer than the work
    with bounded(10.0):
        # When the work runs inside it
        await raw["bounded"].insert_one({"_id": 1})
        found = await raw["bounded"].find_one({"_id": 1})

    # Then it is answered as without a bound
    assert found == {"_id": 1}


async def test_work_past_the_bound_fails_as_the_database_not_answering(
    raw: AsyncDatabase[dict[str, Any]],
) -> None:
    # Given a bound already spent when the work starts
    with bounded(0.05):
        await asyncio.sleep(0.1)

        # When an operation starts inside it
        with pytest.raises(Exception) as raised:
            await raw["bounded"].find_one({"_id": 1})

    # Then it fails as the database not answering in time
    assert is_unavailable(raised.value)


async def test_the_bound_ends_with_its_block(raw: AsyncDatabase[dict[str, Any]]) -> None:
    # Given a bound that was spent
    with bounded(0.05):
        await asyncio.sleep(0.1)

    # When an operation starts after its block
    found = await raw["bounded"].find_one({"_id": 2})

    # Then nothing bounds it any more
    assert found is None
