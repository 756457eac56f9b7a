"""The JavaScript graphql-ws client (Node) receives attempts from the running server."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXAsyncTransport

from tests.support import server
from tests.support.receiver import Receiver

JS = Path(__file__).resolve().parents[1] / "js"
CREATE = gql("""
mutation ($endpoint: String!) {
  createCallbackProfile(input: {title: "From JS", channel: SMS, httpMethod: GET,
                                endpoint: $endpoint, variables: ["status"]}) {
    callbackProfile { id }
  }
}
""")
TEST = gql("mutation ($id: ID!) { testCallbackProfile(id: $id) { attempt { id } } }")


async def test_graphql_ws_client_receives_attempts(receiver: Receiver) -> None:
    node = shutil.which("node")
    assert node, "Node.js is needed for the graphql-ws client test"
    assert (JS / "node_modules" / "graphql-ws").exists(), "run `npm ci` in tests/js"
    with server.running(server.server_env(None)) as srv:
        key = next(line for line in reversed(srv.lines) if line.startswith("cbk_")).strip()
        transport = HTTPXAsyncTransport(url=srv.url, headers={"authorization": f"Bearer {key}"})
        async with Client(transport=transport) as session:
            created = await session.execute(
                GraphQLRequest(CREATE, variable_values={"endpoint": receiver.url})
            )
            profile_id = created["createCallbackProfile"]["callbackProfile"]["id"]
            process = await asyncio.create_subprocess_exec(
                node,
                str(JS / "subscribe.mjs"),
                srv.ws_url,
                key,
                "2",
                "15000",
                stdout=asyncio.subprocess.PIPE,
            )
            assert process.stdout is not None
            assert (await process.stdout.readline()).strip() == b"ready"
            await asyncio.sleep(0.5)
            sent = [
                (await session.execute(GraphQLRequest(TEST, variable_values={"id": profile_id})))[
                    "testCallbackProfile"
                ]["attempt"]["id"]
                for _ in range(2)
            ]
            output, _ = await process.communicate()

    results = [json.loads(line) for line in output.decode().splitlines()]
    assert process.returncode == 0, results
    assert [r["data"]["deliveryAttempts"]["id"] for r in results] == sent
    assert results[0]["data"]["deliveryAttempts"]["outcome"] == "SUCCEEDED"
    assert results[0]["data"]["deliveryAttempts"]["profile"] == {"id": profile_id}
