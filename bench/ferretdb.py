"""A throwaway FerretDB (MongoDB wire protocol) for the MongoDB-store runs, on its SQLite
backend (a folder in the run's folder) or its PostgreSQL one (a cluster in the run's folder,
bench.postgres)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pymongo
from pymongo.errors import PyMongoError

from bench import postgres
from bench.processes import Child, ChildFailed, Children, free_port, wait_until

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
# PostgreSQL with an index FerretDB's lookups by `_id` use (bench.postgres): not FerretDB as
# shipped, but what shows callbackd's own cost as stored deliveries grow.
POSTGRESQL_ID_INDEX = "postgresql-id-index"
BACKENDS = (SQLITE, POSTGRESQL, POSTGRESQL_ID_INDEX)

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


@dataclass(frozen=True)
class FerretDB:
    url: str
    backend: str
    # FerretDB itself, then the database server behind it if it has one of its own.
    processes: tuple[Child, ...]


async def start(children: Children, backend: str = SQLITE) -> FerretDB:
    """Starts FerretDB on a free loopback port, on `backend` with its data in the run's
    folder; on PostgreSQL, after a cluster of its own."""
    binary = find_binary()
    if binary is None:
        raise ChildFailed(f"FerretDB not found: {HOW_TO_GET_ONE}")
    data = children.workdir / "ferretdb"
    data.mkdir(exist_ok=True)
    behind: tuple[Child, ...] = ()
    if backend in (POSTGRESQL, POSTGRESQL_ID_INDEX):
        server, postgresql_url = await postgres.start(
            children, index_ids=backend == POSTGRESQL_ID_INDEX
        )
        behind = (server,)
        handler = ["--handler=postgresql", f"--postgresql-url={postgresql_url}"]
    else:
        handler = [
            "--handler=sqlite",
            # A throwaway database: commits need not wait for the disk (synchronous=normal
            # with the WAL FerretDB sets), as MongoDB's journal groups its commits too.
            f"--sqlite-url=file:{data}/?_pragma=synchronous(normal)",
        ]
    port = free_port()
    child = children.spawn(
        "ferretdb",
        [
            str(binary),
            *handler,
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
    return FerretDB(url, backend, (child, *behind))
