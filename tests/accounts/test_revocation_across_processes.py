"""A key revoked through one server is refused at once there, and by another sharing the
database once that one has kept the key it read for `KEYS_KEPT_FOR`, over HTTP; its WebSocket
connections already open there are closed with 4403."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from domain.accounts import KEYS_KEPT_FOR
from tests.support import server

pytestmark = pytest.mark.mongo

CHANNELS = "query { channels { kind } }"
REVOKE = """
mutation ($prefix: String!) { revokeApiKey(prefix: $prefix) { userErrors { code } } }
"""
SUBSCRIBE = "subscription { deliveryAttempts { id } }"
UNAUTHENTICATED = {
    "errors": [
        {
            "message": "Authentication required: send `Authorization: Bearer <API key>`.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}
# Longer than the re-check period (2 s) and a store round trip, on a loaded machine.
CLOSE_WAIT = 20.0


async def graphql(srv: server.ServerProcess, key: str, query: str, **variables: Any) -> Any:
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.post(
            srv.url,
            json={"query": query, "variables": variables},
            headers={"authorization": f"Bearer {key}"},
        )
    return response.json()


async def subscribed(srv: server.ServerProcess, key: str) -> ClientConnection:
    ws = await connect(srv.ws_url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": {"Authorization": key}}))
    assert json.loads(await ws.recv()) == {"type": "connection_ack"}
    await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}}))
    return ws


def new_key(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "callbackd.cli", "account", "key", "create", "acme"],
        cwd=server.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip().splitlines()[-1]


async def test_a_revoked_key_is_refused_by_every_server_and_its_sockets_close(
    mongodb_url: str, mongo_database: str
) -> None:
    env = server.server_env(mongodb_url, CALLBACKD_DATABASE=mongo_database, CALLBACKD_WORKERS="1")
    leaked = await asyncio.to_thread(server.create_account, env, "acme")
    spare = await asyncio.to_thread(new_key, env)
    with server.running(env) as one, server.running(env) as other:
        doomed = await subscribed(other, leaked)
        kept = await subscribed(other, spare)
        assert "errors" not in await graphql(other, leaked, CHANNELS)

        revoked = await graphql(one, spare, REVOKE, prefix=leaked[:12])
        on_one = await graphql(one, leaked, CHANNELS)
        await asyncio.sleep(KEYS_KEPT_FOR)
        on_other = await graphql(other, leaked, CHANNELS)
        with pytest.raises(ConnectionClosed) as closed:
            async with asyncio.timeout(CLOSE_WAIT):
                while True:
                    await doomed.recv()
        await kept.send(json.dumps({"type": "ping"}))
        pong = json.loads(await kept.recv())
        await kept.close()

    assert revoked == {"data": {"revokeApiKey": {"userErrors": []}}}
    assert on_one == on_other == UNAUTHENTICATED
    assert closed.value.rcvd is not None
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "API key revoked")
    assert pong == {"type": "pong"}
