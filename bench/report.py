"""The table on stdout and the JSON file."""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.processes import ROOT
from bench.results import Row, finite
from bench.stats import median, spread

HEADERS = (
    "scenario",
    "store",
    "measure",
    "project",
    "baseline",
    "ratio",
    "spread",
    "target",
    "result",
)


def _number(value: float) -> str:
    if math.isnan(value):
        return "-"
    if math.isinf(value):
        return "inf"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def _cells(row: Row) -> tuple[str, ...]:
    low, high = spread(row.headline)
    rounds = len(row.headline)
    return (
        row.scenario,
        row.store,
        row.measure,
        _number(median(row.project)),
        _number(median(row.baseline)),
        _number(median(row.ratios)) if row.ratios else "",
        f"{_number(low)}-{_number(high)} (n={rounds})" if rounds > 1 else f"n={rounds}",
        row.target.text() if row.target else "",
        row.verdict(),
    )


def table(rows: Sequence[Row]) -> str:
    cells = [HEADERS, *(_cells(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    numeric = {3, 4, 5}

    def line(c: tuple[str, ...]) -> str:
        return " | ".join(
            c[i].rjust(widths[i]) if i in numeric else c[i].ljust(widths[i]) for i in range(len(c))
        ).rstrip()

    out = [line(HEADERS), "-+-".join("-" * w for w in widths)]
    out += [line(c) for c in cells[1:]]
    notes = [f"- {r.scenario} / {r.store} / {r.measure}: {r.note}" for r in rows if r.note]
    if notes:
        out += ["", "notes:", *notes]
    return "\n".join(out)


def _commit() -> str | None:
    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or None


def write_json(path: Path, rows: Sequence[Row], meta: dict[str, Any]) -> None:
    document = {
        **meta,
        "commit": _commit(),
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "rows": [r.summary() for r in rows],
    }
    path.write_text(json.dumps(finite(document), indent=2, allow_nan=False) + "\n")
