"""`callbackd serve` as a separate process on loopback, as a user starts it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.support.receiver import free_port

ROOT = Path(__file__).resolve().parents[2]
TEST_SECRET_KEY = "q2l1cGtLb2Vlc2VjcmV0a2V5Zm9ydGVzdHNvbmx5MTI="


@dataclass
class ServerProcess:
    process: subprocess.Popen[str]
    port: int
    lines: list[str]
    reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self.close_output()

    def close_output(self) -> None:
        if self.reader is not None:
            self.reader.join(10)
        if self.process.stdout is not None:
            self.process.stdout.close()


def server_env(mongodb_url: str | None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBACKD_")}
    env.pop("MONGODB_URL", None)
    env.update(
        {
            "CALLBACKD_ALLOW_NETWORKS": "127.0.0.0/8",
            "CALLBACKD_RETRY_BASE_SECONDS": "0.2",
            "CALLBACKD_MIN_THROTTLE_RETRY_SECONDS": "0.5",
            "CALLBACKD_REQUEST_TIMEOUT_SECONDS": "3",
            "CALLBACKD_LEASE_SECONDS": "4",
            "PYTHONUNBUFFERED": "1",
            **extra,
        }
    )
    if mongodb_url:
        env["MONGODB_URL"] = mongodb_url
        env.setdefault("CALLBACKD_SECRET_KEY", TEST_SECRET_KEY)
    return env


def _wait_ready(port: int, process: subprocess.Popen[str], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"callbackd exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        time.sleep(0.1)
    raise TimeoutError("callbackd did not become ready")


def start(env: dict[str, str], port: int | None = None) -> ServerProcess:
    port = port or free_port()
    env = {**env, "CALLBACKD_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "-m", "callbackd.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    assert process.stdout is not None
    # The banner ends with the GraphiQL URL and, on the embedded store, the key.
    wanted = "GraphiQL" if env.get("MONGODB_URL") else "cbk_"
    while not any(wanted in line for line in lines):
        line = process.stdout.readline()
        if not line:
            process.wait(10)
            process.stdout.close()
            raise RuntimeError("callbackd exited early:\n" + "".join(lines))
        lines.append(line)
    # Keep reading, or a full pipe would stall the server mid-test.
    reader = threading.Thread(target=lambda: lines.extend(process.stdout or ()), daemon=True)
    reader.start()
    started = ServerProcess(process, port, lines, reader)
    try:
        _wait_ready(port, process)
    except (RuntimeError, TimeoutError) as exc:
        stop(started)
        raise RuntimeError(f"{exc}; its output:\n" + "".join(lines)) from exc
    return started


def stop(server: ServerProcess) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            return
    server.close_output()


@contextlib.contextmanager
def running(env: dict[str, str], port: int | None = None) -> Iterator[ServerProcess]:
    server = start(env, port)
    failed = False
    try:
        yield server
    except BaseException:
        failed = True
        raise
    finally:
        stop(server)
        if failed:
            # pytest shows what a failing test printed: here the server's side of it, such
            # as the traceback behind an INTERNAL_SERVER_ERROR.
            print(f"callbackd on port {server.port} said:\n{''.join(server.lines)}")


def create_account(env: dict[str, str], name: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "callbackd.cli", "account", "create", name],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip().splitlines()[-1]


def graphql(url: str, key: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """Runs a document that must succeed against a server process; answers its data."""
    response = httpx.post(
        url,
        json={"query": query, "variables": variables},
        headers={"authorization": f"Bearer {key}"},
        timeout=30,
    )
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


@contextlib.contextmanager
def worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`callbackd worker` as a separate process, stopped with SIGTERM on leaving unless a
    test killed it first."""
    process = subprocess.Popen(
        [sys.executable, "-m", "callbackd.cli", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(10)
