"""/metrics on the MongoDB store: every database command the process sends, counted by
command, collection and result, and timed by command."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.operating.test_metrics import PUBLISH, delivered, samples
from tests.support.api import Api, running_api, settings
from tests.support.profiles import create_profile
from tests.support.receiver import Receiver
from tests.support.server import TEST_SECRET_KEY

COMMANDS = "callbackd_database_commands_total"
COMMAND_TIMES = "callbackd_database_command_duration_seconds_count"


@pytest.fixture
async def mongo_api(mongodb_url: str, mongo_database: str) -> AsyncIterator[Api]:
    config = settings(
        MONGODB_URL=mongodb_url,
        CALLBACKD_DATABASE=mongo_database,
        CALLBACKD_SECRET_KEY=TEST_SECRET_KEY,
    )
    async with running_api(config) as running:
        yield running


@pytest.mark.mongo
async def test_commands_are_counted_by_command_collection_and_result(
    mongo_api: Api, receiver: Receiver
) -> None:
    # Given a profile
    key = await mongo_api.account("counted")
    profile_id, _ = await create_profile(
        mongo_api,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )

    # When one report is delivered
    data = await mongo_api.run(PUBLISH, {"id": profile_id}, key=key)
    await delivered(mongo_api, key, data["publishStatusEvents"]["deliveries"][0]["id"])
    found = await samples(mongo_api)

    # Then its one attempt was one insert into `attempts`, and every command was timed
    attempts = (COMMANDS, (("collection", "attempts"), ("command", "insert"), ("result", "ok")))
    assert found[attempts] == 1.0
    inserts = sum(
        value
        for (name, labels), value in found.items()
        if name == COMMANDS and ("command", "insert") in labels
    )
    assert found[(COMMAND_TIMES, (("command", "insert"),))] == inserts


async def test_the_embedded_store_sends_no_commands(api: Api, key: str) -> None:
    await api.run("query Channels { channels { kind } }", key=key)

    found = await samples(api)

    assert [name for name, _ in found if name in (COMMANDS, COMMAND_TIMES)] == []
