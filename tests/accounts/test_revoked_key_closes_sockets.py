"""On the embedded store too, a WebSocket connection open with a key that gets revoked is
closed with 4403, and one open with another key of the account stays."""

from __future__ import annotations

import asyncio
import json

import pytest
from websockets.exceptions import ConnectionClosed

from tests.accounts.test_revocation_across_processes import CLOSE_WAIT, graphql, subscribed
from tests.support import server

CREATE_KEY = "mutation { createApiKey { key } }"
REVOKE = "mutation ($prefix: String!) { revokeApiKey(prefix: $prefix) { userErrors { code } } }"


async def test_a_socket_whose_key_is_revoked_closes_with_4403() -> None:
    with server.running(server.server_env(None)) as srv:
        first = next(line for line in srv.lines if line.startswith("cbk_")).strip()
        second = (await graphql(srv, first, CREATE_KEY))["data"]["createApiKey"]["key"]
        doomed = await subscribed(srv, first)
        kept = await subscribed(srv, second)

        revoked = await graphql(srv, second, REVOKE, prefix=first[:12])
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(CLOSE_WAIT):
                while True:
                    await doomed.recv()
        await kept.send(json.dumps({"type": "ping"}))
        pong = json.loads(await kept.recv())
        await kept.close()

    assert revoked == {"data": {"revokeApiKey": {"userErrors": []}}}
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
    assert pong == {"type": "pong"}
