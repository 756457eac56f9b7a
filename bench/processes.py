"""Child processes of a bench run: started with output to a log file, stopped at the end.

Every process the bench starts goes through `Children`, which stops them all (newest first)
when the run ends, also on errors and Ctrl-C. On Linux each child also asks the kernel to
send it SIGTERM should the bench itself die, so even `kill -9` of the bench leaves nothing
running.
"""

from __future__ import annotations

import asyncio
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import httpx

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
_PR_SET_PDEATHSIG = 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _die_with_parent() -> None:
    # Runs in the child between fork and exec. The bench starts children only from its main
    # thread, which lives as long as the bench, so the signal comes when the bench ends.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]
    log: Path
    # The signal that asks this child to stop; `stop` kills it if it has not within its time.
    stop_signal: int = signal.SIGTERM

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def tail(self, lines: int = 30) -> str:
        return "\n".join(self.output().splitlines()[-lines:])


class ChildFailed(RuntimeError):
    pass


@dataclass
class Children:
    workdir: Path
    running: list[Child] = field(default_factory=list)
    _count: int = 0

    def spawn(
        self,
        name: str,
        argv: Sequence[str],
        env: dict[str, str] | None = None,
        stdin: int | None = subprocess.DEVNULL,
        stop_signal: int = signal.SIGTERM,
    ) -> Child:
        self._count += 1
        log = self.workdir / f"{self._count:03d}-{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                list(argv),
                cwd=ROOT,
                env=env,
                stdin=stdin,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        child = Child(name, process, log, stop_signal)
        self.running.append(child)
        return child

    def stop(self, child: Child, timeout: float = 10) -> None:
        if child.alive():
            child.process.send_signal(child.stop_signal)
            try:
                child.process.wait(timeout)
            except subprocess.TimeoutExpired:
                child.process.kill()
                child.process.wait(timeout)
        if child in self.running:
            self.running.remove(child)

    def stop_all(self) -> None:
        for child in reversed(list(self.running)):
            self.stop(child)

    def __enter__(self) -> Children:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop_all()


def python_env(**extra: str) -> dict[str, str]:
    """This environment without callbackd settings, so only what a scenario sets applies."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("CALLBACKD_") and k != "MONGODB_URL"
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


def python(module: str, *args: str) -> list[str]:
    return [PYTHON, "-m", module, *args]


async def wait_until(
    child: Child, ready: Callable[[], bool], what: str, timeout: float = 30
) -> None:
    """Polls `ready` until it holds; fails with the child's log if the child exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise ChildFailed(f"{child.name} exited ({child.process.returncode}):\n{child.tail()}")
        if ready():
            return
        await asyncio.sleep(0.05)
    raise ChildFailed(f"{child.name}: {what} not within {timeout:g} s:\n{child.tail()}")


async def wait_exit(child: Child, what: str, timeout: float) -> None:
    """Waits for a child that does one job and exits; fails unless it exits with 0."""
    deadline = time.monotonic() + timeout
    while child.alive():
        if time.monotonic() > deadline:
            raise ChildFailed(
                f"{child.name}: {what} not done within {timeout:g} s:\n{child.tail()}"
            )
        await asyncio.sleep(0.05)
    if child.process.returncode != 0:
        raise ChildFailed(f"{child.name} failed ({child.process.returncode}):\n{child.tail()}")


async def wait_http(child: Child, url: str, timeout: float = 30) -> None:
    async with httpx.AsyncClient(timeout=1, trust_env=False) as client:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not child.alive():
                raise ChildFailed(
                    f"{child.name} exited ({child.process.returncode}):\n{child.tail()}"
                )
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.05)
    raise ChildFailed(f"{child.name} did not answer {url} within {timeout:g} s:\n{child.tail()}")


def line_starting(child: Child, prefix: str) -> str | None:
    for line in child.output().splitlines():
        if line.startswith(prefix):
            return line.strip()
    return None
