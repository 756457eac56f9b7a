"""CALLBACKD_LOG_FORMAT=json: the server writes one JSON object per log line, with the ids
of what it is about, and no secret in any of them."""

from __future__ import annotations

import json
from typing import Any

from gql import GraphQLRequest, gql

from tests.support import server
from tests.support.live import http_client
from tests.support.receiver import Receiver

SECRET_HEADER = "hdr-s3cr3t-A71151f2c0ac28bb"
CREATE = gql("""
mutation ($input: CreateCallbackProfileInput!) {
  createCallbackProfile(input: $input) { callbackProfile { id } signingSecret }
}
""")
TEST = gql("""
mutation ($id: ID!) { testCallbackProfile(id: $id) { attempt { id outcome } } }
""")


async def test_json_lines_carry_ids_and_no_secrets(receiver: Receiver) -> None:
    env = server.server_env(None, CALLBACKD_LOG_FORMAT="json")
    with server.running(env) as srv:
        key = next(line for line in srv.lines if line.startswith("cbk_")).strip()
        banner = len(srv.lines)
        async with http_client(srv, key) as session:
            created = await session.execute(
                GraphQLRequest(
                    CREATE,
                    variable_values={
                        "input": {
                            "title": "Logged",
                            "channel": "SMS",
                            "httpMethod": "POST",
                            "endpoint": receiver.url,
                            "variables": ["status"],
                            "headers": [
                                {"name": "api-key", "value": SECRET_HEADER, "secret": True}
                            ],
                        }
                    },
                )
            )
            profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]
            signing_secret = created["createCallbackProfile"]["signingSecret"]
            tested = await session.execute(GraphQLRequest(TEST, variable_values={"id": profile_id}))
    logged = srv.lines[banner:]

    entries: list[dict[str, Any]] = [json.loads(line) for line in logged]
    attempt_id = tested["testCallbackProfile"]["attempt"]["id"]
    [attempt_line] = [e for e in entries if e.get("attempt_id") == attempt_id]
    assert attempt_line["level"] == "info"
    assert attempt_line["profile_id"] == profile_id
    assert attempt_line["message"].startswith("test attempt 1: SUCCEEDED (200) in ")
    assert {"time", "level", "logger", "message"} <= set(attempt_line)
    assert any(e["logger"] == "uvicorn.access" for e in entries)
    text = "".join(logged)
    assert key not in text
    assert SECRET_HEADER not in text
    assert signing_secret not in text
    assert receiver.received[0].headers["api-key"] == SECRET_HEADER
