"""Starting callbackd for a scenario, as `callbackd serve` or as the bench host."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from bench.processes import (
    PYTHON,
    ROOT,
    Child,
    ChildFailed,
    Children,
    free_port,
    line_starting,
    python,
    python_env,
    wait_http,
    wait_until,
)

KEY_PREFIX = "cbk_"


@dataclass(frozen=True)
class Server:
    child: Child
    port: int
    key: str

    @property
    def pid(self) -> int:
        return self.child.pid

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def graphql(self) -> str:
        return f"{self.base}/graphql"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"


def _create_account(env: dict[str, str]) -> str:
    done = subprocess.run(
        [PYTHON, "-m", "callbackd.cli", "account", "create", "bench"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip().splitlines()[-1]


async def start(
    children: Children,
    store_env: dict[str, str],
    workers: int = 32,
    host: bool = False,
    name: str = "callbackd",
) -> Server:
    """`callbackd serve` as a user starts it, or with `host` the bench host (the same app
    plus the bare endpoints; see bench.host), with loopback callbacks allowed."""
    port = free_port()
    env = python_env(
        CALLBACKD_PORT=str(port),
        CALLBACKD_ALLOW_NETWORKS="127.0.0.0/8",
        CALLBACKD_WORKERS=str(workers),
        **store_env,
    )
    mongodb = "MONGODB_URL" in store_env
    # On MongoDB `serve` prints no key; the account is made first, as an operator would.
    key = _create_account(env) if mongodb and not host else None
    argv = python("bench.host") if host else python("callbackd.cli", "serve")
    child = children.spawn(name, argv, env)
    if key is None:
        await wait_until(
            child, lambda: line_starting(child, KEY_PREFIX) is not None, "an API key printed"
        )
        key = line_starting(child, KEY_PREFIX)
    if key is None or not key.startswith(KEY_PREFIX):
        raise ChildFailed(f"no API key from {name}: {key!r}")
    server = Server(child, port, key)
    await wait_http(child, f"{server.base}/healthz")
    return server
