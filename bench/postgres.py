"""A throwaway PostgreSQL cluster in the run's folder, for FerretDB's PostgreSQL backend.

PostgreSQL refuses to run as root, so a bench running as root runs `initdb` and `postgres`
as the `postgres` user (which the Debian package creates) through setpriv, and opens the
run's folder for that user to pass through. The server listens on a free loopback port and
on a Unix socket in the cluster's folder; FerretDB connects through the socket, as it would
to a PostgreSQL on its own host. The cluster is stopped with a fast shutdown at the end of
the run, and deleted with the run's folder.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
from pathlib import Path

from bench.processes import Child, ChildFailed, Children, free_port, wait_until

HOW_TO_GET_ONE = (
    "install PostgreSQL (on Debian: apt-get install postgresql), "
    "or set PG_BINDIR to the folder holding its initdb and postgres"
)
# The operating-system user a bench running as root runs PostgreSQL as, and the role
# FerretDB connects as in every case.
USER = "postgres"
DATABASE = "ferretdb"


def find_bindir() -> Path | None:
    """$PG_BINDIR, else Debian's newest /usr/lib/postgresql/N/bin, else initdb's on PATH."""
    if configured := os.environ.get("PG_BINDIR"):
        return Path(configured)
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_major)
    if installed:
        return installed[-1].parent
    found = shutil.which("initdb")
    return None if found is None else Path(found).parent


def _major(initdb: Path) -> int:
    version = initdb.parent.parent.name
    return int(version) if version.isdigit() else 0


def _run_as_owner(folder: Path) -> list[str]:
    """The prefix that runs a command as the cluster's owner, who is given `folder`."""
    if os.geteuid() != 0:
        return []
    try:
        owner = pwd.getpwnam(USER)
    except KeyError:
        raise ChildFailed(
            f"PostgreSQL will not run as root and there is no '{USER}' user to run it as: "
            f"{HOW_TO_GET_ONE}"
        ) from None
    os.chown(folder, owner.pw_uid, owner.pw_gid)
    # The run's folder is root's alone (mkdtemp); the owner needs to pass through, not read it.
    folder.parent.chmod(0o711)
    # Changing user clears the parent-death signal; "keep" sets it again, so the cluster
    # still stops should the bench be killed.
    return ["setpriv", f"--reuid={USER}", f"--regid={USER}", "--init-groups", "--pdeathsig=keep"]


def _accepting(bindir: Path, socket_dir: Path, port: int) -> bool:
    done = subprocess.run(
        [str(bindir / "pg_isready"), "-q", "-h", str(socket_dir), "-p", str(port), "-U", USER],
        check=False,
    )
    return done.returncode == 0


def _must(argv: list[str], what: str, cwd: Path) -> None:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise ChildFailed(f"{what} failed ({done.returncode}):\n{done.stdout}{done.stderr}")


# FerretDB 1.24 asks PostgreSQL for a document by `_id` with `_jsonb->'_id' @> value`, which
# the B-tree index it makes on `_jsonb->'_id'` cannot answer, so every such lookup reads the
# whole table. A GIN index on the same expression answers `@>`; this event trigger gives one
# to every table FerretDB creates, for runs that show what callbackd costs when lookups by
# `_id` are index reads, as they are on MongoDB.
_INDEX_IDS = """
CREATE FUNCTION bench_index_ids() RETURNS event_trigger LANGUAGE plpgsql AS $$
DECLARE created record;
BEGIN
  FOR created IN SELECT * FROM pg_event_trigger_ddl_commands()
      WHERE command_tag = 'CREATE TABLE' LOOP
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = created.objid AND attname = '_jsonb') THEN
      EXECUTE format('CREATE INDEX ON %s USING gin ((_jsonb->''_id'') jsonb_path_ops)',
                     created.object_identity);
    END IF;
  END LOOP;
END $$;
CREATE EVENT TRIGGER bench_index_ids ON ddl_command_end WHEN TAG IN ('CREATE TABLE')
  EXECUTE FUNCTION bench_index_ids();
"""


async def start(children: Children, *, index_ids: bool = False) -> tuple[Child, str]:
    """Creates a cluster in the run's folder and starts it; returns the server and the URL
    FerretDB's `--postgresql-url` takes. With `index_ids`, every table FerretDB creates gets
    an index that answers its lookups by `_id` (`_INDEX_IDS`)."""
    bindir = find_bindir()
    if bindir is None or not (bindir / "initdb").is_file():
        raise ChildFailed(f"PostgreSQL not found: {HOW_TO_GET_ONE}")
    folder = children.workdir / "postgres"
    folder.mkdir()
    as_owner = _run_as_owner(folder)
    data = folder / "data"
    _must(
        [
            *as_owner,
            str(bindir / "initdb"),
            f"--pgdata={data}",
            f"--username={USER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            # A throwaway cluster: nothing to gain from waiting for the disk.
            "--no-sync",
        ],
        "initdb",
        folder,
    )
    port = free_port()
    child = children.spawn(
        "postgres",
        [
            *as_owner,
            str(bindir / "postgres"),
            "-D",
            str(data),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-k",
            str(folder),
            # Commits do not wait for the disk, as FerretDB's SQLite backend runs with
            # synchronous=normal in the bench: a crash may lose the last commits, never
            # corrupt the database.
            "-c",
            "synchronous_commit=off",
        ],
        # A fast shutdown: the default (smart) one would wait for every client to leave.
        stop_signal=signal.SIGINT,
    )
    await wait_until(child, lambda: _accepting(bindir, folder, port), "PostgreSQL accepting")
    _must(
        [str(bindir / "createdb"), "-h", str(folder), "-p", str(port), "-U", USER, DATABASE],
        "createdb",
        folder,
    )
    if index_ids:
        _must(
            [
                str(bindir / "psql"),
                *("-h", str(folder), "-p", str(port), "-U", USER, "-v", "ON_ERROR_STOP=1"),
                *("-c", _INDEX_IDS, DATABASE),
            ],
            "adding the index of _id",
            folder,
        )
    return child, f"postgres://{USER}@/{DATABASE}?host={folder}&port={port}"
