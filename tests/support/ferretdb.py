"""A throwaway FerretDB (a MongoDB wire-protocol server, SQLite backend) for the tests."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pymongo
from pymongo.errors import PyMongoError

HOW_TO_GET_ONE = (
    "run scripts/build-ferretdb (builds FerretDB 1.24.2 into $(go env GOPATH)/bin), "
    "or set MONGODB_URL to a MongoDB server the tests may create databases on"
)


class FerretDBUnavailable(Exception):
    pass


def find_binary() -> Path | None:
    """$FERRETDB_BIN, else the Go bin folder, else PATH."""
    if configured := os.environ.get("FERRETDB_BIN"):
        return Path(configured)
    go = shutil.which("go")
    gopath = (
        subprocess.run(
            [go, "env", "GOPATH"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if go is not None
        else os.environ.get("GOPATH", str(Path.home() / "go"))
    )
    if gopath:
        candidate = Path(gopath.split(os.pathsep)[0], "bin", "ferretdb")
        if candidate.is_file():
            return candidate
    found = shutil.which("ferretdb")
    return None if found is None else Path(found)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class FerretDB:
    def __init__(self, binary: Path) -> None:
        self._binary = binary
        self._dir = Path(tempfile.mkdtemp(prefix="callbackd-ferretdb-"))
        self._log_path = self._dir / "ferretdb.log"
        self._process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.url = ""

    def start(self, timeout: float = 30.0) -> None:
        try:
            self._start(timeout)
        except BaseException:
            self.stop()
            raise

    def _start(self, timeout: float) -> None:
        # The free port can be taken by someone else before FerretDB binds it; try another.
        for _ in range(3):
            self.port = _free_port()
            self._launch()
            if self._wait_until_ready(timeout):
                return
        raise FerretDBUnavailable(f"FerretDB did not start; its log:\n{self._log_tail()}")

    def _launch(self) -> None:
        with self._log_path.open("ab") as log:
            self._process = subprocess.Popen(
                [
                    str(self._binary),
                    "--handler=sqlite",
                    # A throwaway database: commits need not wait for the disk
                    # (synchronous=normal with the WAL FerretDB sets), as MongoDB's
                    # journal groups its commits too.
                    f"--sqlite-url=file:{self._dir}/?_pragma=synchronous(normal)",
                    f"--listen-addr=127.0.0.1:{self.port}",
                    "--telemetry=disable",
                    # Otherwise every instance tries to bind 127.0.0.1:8088.
                    "--debug-addr=-",
                    f"--state-dir={self._dir}",
                    "--log-level=warn",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.url = f"mongodb://127.0.0.1:{self.port}/"

    def _wait_until_ready(self, timeout: float) -> bool:
        """True once it answers a ping; false if it exited first."""
        assert self._process is not None
        deadline = time.monotonic() + timeout
        client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
            self.url, serverSelectionTimeoutMS=250
        )
        with client:
            while time.monotonic() < deadline:
                if self._process.poll() is not None:
                    return False
                try:
                    client.admin.command("ping")
                    return True
                except PyMongoError:
                    time.sleep(0.05)
        raise FerretDBUnavailable(
            f"FerretDB did not answer a ping within {timeout} s; its log:\n{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        lines = self._log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-30:])

    def kill(self) -> None:
        """Ends the server as a crash would (SIGKILL), keeping its data for `restart`."""
        assert self._process is not None
        self._process.kill()
        self._process.wait()

    def restart(self, timeout: float = 30.0) -> None:
        """Starts the server again after `kill`, on the same port with the same data."""
        self._launch()
        if not self._wait_until_ready(timeout):
            raise FerretDBUnavailable(f"FerretDB did not restart; its log:\n{self._log_tail()}")

    def pause(self) -> None:
        """Freezes the server (SIGSTOP): connections stay open and nothing answers."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        shutil.rmtree(self._dir, ignore_errors=True)
