"""graphql-transport-ws refuses a wrong or missing key at `connection_init` (close 4403),
seen by the JavaScript graphql-ws client, as browsers and Node services would connect."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import server

JS = Path(__file__).resolve().parents[1] / "js"


@pytest.fixture(scope="module")
def running() -> Iterator[server.ServerProcess]:
    with server.running(server.server_env(None)) as srv:
        yield srv


async def _connect(url: str, params: dict[str, str]) -> dict[str, object]:
    node = shutil.which("node")
    assert node, "Node.js is needed for the graphql-ws client test"
    assert (JS / "node_modules" / "graphql-ws").exists(), "run `npm ci` in tests/js"
    process = await asyncio.create_subprocess_exec(
        node,
        str(JS / "connect.mjs"),
        url,
        json.dumps(params),
        "10000",
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await process.communicate()
    result: dict[str, object] = json.loads(output)
    return result


@pytest.mark.parametrize(
    "params",
    [{}, {"Authorization": "Bearer cbk_wrong"}, {"Authorization": "cbk_wrong"}, {"x": "y"}],
    ids=["missing", "wrong-bearer", "wrong-bare", "other-params"],
)
async def test_a_wrong_or_missing_key_is_closed_with_4403(
    running: server.ServerProcess, params: dict[str, str]
) -> None:
    result = await _connect(running.ws_url, params)

    assert result == {"closed": 4403, "reason": "Forbidden"}


async def test_a_valid_key_is_acknowledged(running: server.ServerProcess) -> None:
    key = next(line for line in reversed(running.lines) if line.startswith("cbk_")).strip()

    result = await _connect(running.ws_url, {"Authorization": f"Bearer {key}"})

    assert result == {"acknowledged": True}
