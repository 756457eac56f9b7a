"""/metrics on the MongoDB store: every database command the process sends, counted by
command, collection and result, and timed by command."""

from __future__ import annotations

import pytest

from tests.operating.test_metrics import PUBLISH, delivered, samples
from tests.support.api import Api
from tests.support.profiles import create_profile
from tests.support.receiver import Receiver

COMMANDS = "callbackd_database_commands_total"
COMMAND_TIMES = "callbackd_database_command_duration_seconds_count"


@pytest.mark.mongo
async def test_commands_are_counted_by_command_collection_and_result(
    api_on_mongodb: Api, receiver: Receiver
) -> None:
    # Given a profile
    key = await api_on_mongodb.account("counted")
    profile_id, _ = await create_profile(
        api_on_mongodb,
        key,
        channel="SMS",
        httpMethod="POST",
        endpoint=receiver.url,
        variables=["status"],
    )

    # When one report is delivered
    data = await api_on_mongodb.run(PUBLISH, {"id": profile_id}, key=key)
    await delivered(api_on_mongodb, key, data["publishStatusEvents"]["deliveries"][0]["id"])
    found = await samples(api_on_mongodb)

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
