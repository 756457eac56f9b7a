"""A throwaway FerretDB (MongoDB wire protocol, SQLite backend) for the MongoDB-store runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pymongo
from pymongo.errors import PyMongoError

from bench.processes import Child, ChildFailed, Children, free_port, wait_until

HOW_TO_GET_ONE = (
    "run scripts/build-ferretdb (builds FerretDB 1.24.2 into $(go env GOPATH)/bin), "
    "or set MONGODB_URL to a MongoDB server the bench may create databases on"
)


def find_binary() -> Path | None:
    """$FERRETDB_BIN, else the Go bin folder, else PATH; the order the tests use."""
    if configured := os.environ.get("FERRETDB_BIN"):
        return Path(configured)
    gopath = os.environ.get("GOPATH", "")
    if not gopath and (go := shutil.which("go")):
        gopath = subprocess.run(
            [go, "env", "GOPATH"], capture_output=True, text=True, check=False
        ).stdout.strip()
    gopath = gopath or str(Path.home() / "go")
    candidate = Path(gopath.split(os.pathsep)[0], "bin", "ferretdb")
    if candidate.is_file():
        return candidate
    found = shutil.which("ferretdb")
    return None if found is None else Path(found)


def _answers(url: str) -> bool:
    client: pymongo.MongoClient[dict[str, object]] = pymongo.MongoClient(
        url, serverSelectionTimeoutMS=200
    )
    with client:
        try:
            client.admin.command("ping")
            return True
        except PyMongoError:
            return False


async def start(children: Children) -> tuple[Child, str]:
    """Starts FerretDB on a free loopback port with its data in the run's folder."""
    binary = find_binary()
    if binary is None:
        raise ChildFailed(f"FerretDB not found: {HOW_TO_GET_ONE}")
    data = children.workdir / "ferretdb"
    data.mkdir(exist_ok=True)
    port = free_port()
    child = children.spawn(
        "ferretdb",
        [
            str(binary),
            "--handler=sqlite",
            # A throwaway database: commits need not wait for the disk (synchronous=normal
            # with the WAL FerretDB sets), as MongoDB's journal groups its commits too.
            f"--sqlite-url=file:{data}/?_pragma=synchronous(normal)",
            f"--listen-addr=127.0.0.1:{port}",
            "--telemetry=disable",
            # Otherwise every instance tries to bind 127.0.0.1:8088.
            "--debug-addr=-",
            f"--state-dir={data}",
            "--log-level=warn",
        ],
    )
    url = f"mongodb://127.0.0.1:{port}/"
    await wait_until(child, lambda: _answers(url), "FerretDB answering a ping")
    return child, url
