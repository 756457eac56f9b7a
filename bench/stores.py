"""The two stores a scenario runs on, and what a server process needs to use each."""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pymongo

from bench import ferretdb
from bench.processes import Children
from bench.procstat import tree_cpu_seconds

EMBEDDED = "embedded"
MONGODB = "mongodb"


@dataclass
class Stores:
    """The MongoDB server of this run: the one at MONGODB_URL, else a FerretDB started on
    first use, on `ferretdb_backend`. Each server gets a database of its own, so runs never
    see each other's rows; they are dropped at the end."""

    children: Children
    run_id: str
    ferretdb_backend: str = ferretdb.SQLITE
    url: str | None = field(default_factory=lambda: os.environ.get("MONGODB_URL") or None)
    # One secret key for the run: a server restarted on a database must read its secrets.
    secret_key: str = field(default_factory=lambda: base64.b64encode(os.urandom(32)).decode())
    ferret: ferretdb.FerretDB | None = None
    databases: list[str] = field(default_factory=list)

    async def env(self, store: str, name: str) -> dict[str, str]:
        """Settings for a callbackd process on `store`, on a new database named after `name`."""
        if store == EMBEDDED:
            return {}
        if self.url is None:
            self.ferret = await ferretdb.start(self.children, self.ferretdb_backend)
            self.url = self.ferret.url
        database = f"bench_{self.run_id}_{name}"[:60]
        self.databases.append(database)
        return {
            "MONGODB_URL": self.url,
            "CALLBACKD_DATABASE": database,
            "CALLBACKD_SECRET_KEY": self.secret_key,
        }

    def database_cpu_seconds(self) -> float | None:
        """CPU time of the FerretDB this run started and its database server; None when
        the MongoDB server is not this run's to measure."""
        if self.ferret is None:
            return None
        return sum(tree_cpu_seconds(child.pid) for child in self.ferret.processes)

    def mongodb_server(self) -> str:
        """What the MongoDB store ran on, for the report."""
        if self.ferret is not None:
            return f"FerretDB on {self.ferret.backend}"
        return "MONGODB_URL" if self.url is not None else "none"

    def drop_all(self) -> None:
        if self.url is None or not self.databases:
            return
        client: pymongo.MongoClient[dict[str, object]] = pymongo.MongoClient(
            self.url, serverSelectionTimeoutMS=2000
        )
        with client:
            for database in self.databases:
                client.drop_database(database)
        self.databases.clear()


@contextlib.contextmanager
def standalone(
    prefix: str, ferretdb_backend: str = ferretdb.SQLITE
) -> Iterator[tuple[Children, Stores]]:
    """The processes and stores of a bench command run on its own, in a new folder named
    from `prefix`; on leaving, the run's databases are dropped and its processes stopped."""
    with Children(Path(tempfile.mkdtemp(prefix=prefix))) as children:
        stores = Stores(children, uuid.uuid4().hex[:8], ferretdb_backend)
        try:
            yield children, stores
        finally:
            stores.drop_all()
            children.stop_all()
