"""The benchmark suite's smoke mode runs end to end, so the suite cannot rot unnoticed.

It asserts that every scenario ran on every store and that nothing went missing on the way,
never how fast anything was: figures are the suite's business, not the tests'.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "1 delivery throughput": {"embedded", "mongodb"},
    "2 publish-to-receipt": {"embedded", "mongodb"},
    "3 dashboard reads": {"embedded", "mongodb"},
    "4 live fan-out": {"embedded"},
    "5 growth": {"embedded", "mongodb"},
    "6 edge": {"embedded"},
}

pytestmark = pytest.mark.mongo


def _run_smoke(out: Path, mongodb_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBACKD_")}
    env["MONGODB_URL"] = mongodb_url
    return subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory, mongodb_url: str) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    done = _run_smoke(out, mongodb_url)
    assert done.returncode == 0, done.stderr[-4000:]
    document: dict[str, Any] = json.loads(out.read_text())
    document["table"] = done.stdout
    return document


def test_every_scenario_ran_on_every_store(smoke: dict[str, Any]) -> None:
    ran: dict[str, set[str]] = {}
    for row in smoke["rows"]:
        ran.setdefault(row["scenario"], set()).add(row["store"])

    assert ran == SCENARIOS
    assert smoke["mode"] == "smoke"


def test_every_row_has_a_figure_for_callbackd_and_its_baseline(smoke: dict[str, Any]) -> None:
    for row in smoke["rows"]:
        project, baseline = row["project"]["median"], row["baseline"]["median"]
        # null in the JSON means infinite or NaN: a callback or message that never came.
        assert project is not None and math.isfinite(project), row
        assert project > 0, row
        if not row["scenario"].startswith("5 "):
            assert baseline is not None and baseline > 0, row


def test_no_callback_or_message_went_missing(smoke: dict[str, Any]) -> None:
    for row in smoke["rows"]:
        for run in row["details"].get("project_runs", []):
            assert run.get("missing", 0) == 0, row
            assert run.get("complete", True), row


def test_the_table_names_every_scenario(smoke: dict[str, Any]) -> None:
    for scenario in SCENARIOS:
        assert scenario in smoke["table"]
