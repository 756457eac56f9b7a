"""Fixtures of the MongoDB store's own tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC
from typing import Any

import pytest
from pymongo import AsyncMongoClient
from pymongo.asynchronous.database import AsyncDatabase


@pytest.fixture
async def raw(
    mongodb_url: str, mongo_database: str
) -> AsyncIterator[AsyncDatabase[dict[str, Any]]]:
    """The store's database through a client of its own, for what the store does not show."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        mongodb_url, tz_aware=True, tzinfo=UTC
    )
    try:
        yield client[mongo_database]
    finally:
        await client.close()
