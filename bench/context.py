"""What every scenario gets: the plan, the run's processes and stores, and a log."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.plan import Plan
from bench.processes import Children
from bench.stores import MONGODB, Stores


@dataclass
class Context:
    plan: Plan
    children: Children
    stores: Stores
    workdir: Path
    profile_dir: Path | None = None
    started: float = field(default_factory=time.monotonic)

    def log(self, message: str) -> None:
        # stderr, so that stdout carries only the table.
        elapsed = time.monotonic() - self.started
        print(f"[{elapsed:6.1f}s] {message}", file=sys.stderr, flush=True)

    def database_cpu_seconds(self, store: str) -> float | None:
        """CPU time so far of the database processes this run started for `store` (FerretDB
        and what is behind it), which a scenario also counts; None if there are none."""
        return self.stores.database_cpu_seconds() if store == MONGODB else None

    def on_ferret(self, store: str) -> bool:
        """Whether `store` runs on the FerretDB this run starts (not a real MongoDB); known
        before it started, as scenarios pick their limits first. No URL yet means one."""
        return store == MONGODB and (self.stores.ferret is not None or self.stores.url is None)
