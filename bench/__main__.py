"""`python -m bench [--smoke] [--out FILE] [--only NAME ...] [--stores STORE ...]
[--ferretdb-backend sqlite|postgresql] [--profile DIR] [--keep]`."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import FrameType

from bench import ferretdb, report
from bench.context import Context
from bench.plan import FULL, SMOKE
from bench.processes import Children
from bench.results import Row
from bench.scenarios import ALL
from bench.stores import EMBEDDED, MONGODB, Stores


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny counts: checks the suite runs")
    parser.add_argument("--out", default="bench-results.json", help="JSON file for the figures")
    parser.add_argument("--only", nargs="+", choices=sorted(ALL), help="run only these")
    parser.add_argument(
        "--stores", nargs="+", choices=(EMBEDDED, MONGODB), help="run only on these stores"
    )
    parser.add_argument(
        "--ferretdb-backend",
        choices=ferretdb.BACKENDS,
        help="the backend of the FerretDB started for the MongoDB store (default sqlite); "
        "postgresql runs a PostgreSQL cluster of its own in the run's folder",
    )
    parser.add_argument(
        "--profile", metavar="DIR", help="sample the server with py-spy during throughput"
    )
    parser.add_argument("--keep", action="store_true", help="keep the run's folder of logs")
    return parser


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # Turned into an exception so that every `finally` runs and every child is stopped.
    raise KeyboardInterrupt(f"signal {signum}")


async def _run(ctx: Context, names: list[str]) -> list[Row]:
    rows: list[Row] = []
    for name in names:
        started = time.monotonic()
        ctx.log(f"{name}: starting")
        rows += await ALL[name](ctx)
        ctx.log(f"{name}: done in {time.monotonic() - started:.0f} s")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.ferretdb_backend and os.environ.get("MONGODB_URL"):
        parser.error("--ferretdb-backend starts a FerretDB, which MONGODB_URL replaces: unset it")
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    plan = SMOKE if args.smoke else FULL
    if args.stores:
        plan = dataclasses.replace(plan, stores=tuple(args.stores))
    names = args.only or list(ALL)
    workdir = Path(tempfile.mkdtemp(prefix="callbackd-bench-"))
    profile_dir = None
    if args.profile:
        profile_dir = Path(args.profile).resolve()
        profile_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    ok = False
    with Children(workdir) as children:
        stores = Stores(children, uuid.uuid4().hex[:8], args.ferretdb_backend or ferretdb.SQLITE)
        ctx = Context(plan, children, stores, workdir, profile_dir)
        try:
            rows = asyncio.run(_run(ctx, names))
            ok = True
        finally:
            try:
                stores.drop_all()
            finally:
                children.stop_all()
                if ok and not args.keep:
                    shutil.rmtree(workdir, ignore_errors=True)
                else:
                    print(f"bench: logs of this run are in {workdir}", file=sys.stderr)
    seconds = time.monotonic() - started
    print(report.table(rows))
    server = stores.mongodb_server()
    print(f"\n{plan.name} run: {seconds:.0f} s; MongoDB store on {server}; figures in {args.out}")
    report.write_json(
        Path(args.out),
        rows,
        {
            "mode": plan.name,
            "seconds": seconds,
            "scenarios": names,
            "mongodb_server": server,
            "plan": vars(plan),
        },
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
