"""deliveryAttempts over graphql-transport-ws refuses a variable that is not valid Unicode
like any operation: one error with code BAD_USER_INPUT, and no stream."""

from __future__ import annotations

import asyncio

import pytest
from gql import GraphQLRequest
from gql.transport.exceptions import TransportQueryError

from tests.support import server
from tests.support.live import SUBSCRIBE, ws_client


async def test_lone_surrogate_in_a_subscription_variable_is_refused() -> None:
    with server.running(server.server_env(None)) as srv:
        key = next(line for line in reversed(srv.lines) if line.startswith("cbk_")).strip()
        async with ws_client(srv, key) as session:
            stream = session.subscribe(
                GraphQLRequest(SUBSCRIBE, variable_values={"profileId": "\ud800"})
            )
            # Without the refusal the stream would wait for attempts; the bound ends the wait.
            async with asyncio.timeout(10):
                with pytest.raises(TransportQueryError) as refused:
                    await anext(stream)

    assert refused.value.errors == [
        {
            "message": "Variable $profileId is not valid Unicode text: it holds half of a "
            "UTF-16 surrogate pair. Send whole characters, in UTF-8 or as \\u escapes of pairs.",
            "extensions": {"code": "BAD_USER_INPUT"},
        }
    ]
