"""The benchmark suite's smoke mode runs end to end, so the suite cannot rot unnoticed.

It asserts that every scenario ran on every store and that nothing went missing on the way,
never how fast anything was: figures are the suite's business, not the tests'. The MongoDB
store runs on the FerretDB the tests use (SQLite backend), and, where PostgreSQL is
installed, on a FerretDB the bench starts on a PostgreSQL cluster of its own.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench import postgres
from bench.processes import python_env

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    "1 delivery throughput": {"embedded", "mongodb"},
    "2 publish-to-receipt": {"embedded", "mongodb"},
    "3 dashboard reads": {"embedded", "mongodb"},
    "4 live fan-out": {"embedded"},
    "5 growth": {"embedded", "mongodb"},
    "6 edge": {"embedded"},
}

# The scenarios whose MongoDB-store figures are compared across FerretDB's backends.
ON_POSTGRESQL = ("throughput", "latency", "growth")

pytestmark = pytest.mark.mongo


def _run_smoke(
    out: Path, mongodb_url: str | None, *options: str
) -> subprocess.CompletedProcess[str]:
    env = python_env()
    if mongodb_url is not None:
        env["MONGODB_URL"] = mongodb_url
    return subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out), *options],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def _figures(out: Path, done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.returncode == 0, done.stderr[-4000:]
    document: dict[str, Any] = json.loads(out.read_text())
    document["table"] = done.stdout
    return document


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory, mongodb_url: str) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    return _figures(out, _run_smoke(out, mongodb_url))


@pytest.fixture(scope="module")
def postgresql_smoke(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if postgres.find_bindir() is None:
        pytest.skip(f"PostgreSQL is not installed here: {postgres.HOW_TO_GET_ONE}")
    out = tmp_path_factory.mktemp("bench") / "postgresql.json"
    done = _run_smoke(
        out,
        None,
        "--only",
        *ON_POSTGRESQL,
        "--stores",
        "mongodb",
        "--ferretdb-backend",
        "postgresql",
    )
    return _figures(out, done)


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
        # Growth and database commands are callbackd's alone: a baseline has neither.
        if not row["scenario"].startswith("5 ") and row["unit"] != "commands":
            assert baseline is not None and baseline > 0, row


def test_on_mongodb_the_delay_scenario_counts_each_callbacks_database_commands(
    smoke: dict[str, Any],
) -> None:
    commands, after_publishing = [row for row in smoke["rows"] if row["unit"] == "commands"]
    (delays,) = [
        row
        for row in smoke["rows"]
        if row["scenario"] == commands["scenario"] and row["store"] == "mongodb" and row["details"]
    ]

    assert commands["store"] == "mongodb"
    runs = delays["details"]["project_runs"]
    for run, total in zip(runs, commands["project"]["rounds"], strict=True):
        by_command = run["database_commands_by_command"]
        # Attempts finished at about the same time are inserted together.
        assert 0 < by_command["insert attempts"] <= 1
        assert total == pytest.approx(sum(by_command.values()))
    # Each report's queue entry is publishing's own.
    for total, delivering in zip(
        commands["project"]["rounds"], after_publishing["project"]["rounds"], strict=True
    ):
        assert delivering == pytest.approx(total - 1, abs=0.1)


def test_no_callback_or_message_went_missing(smoke: dict[str, Any]) -> None:
    for row in smoke["rows"]:
        for run in row["details"].get("project_runs", []):
            assert run.get("missing", 0) == 0, row
            assert run.get("complete", True), row


def test_the_table_names_every_scenario(smoke: dict[str, Any]) -> None:
    for scenario in SCENARIOS:
        assert scenario in smoke["table"]


def test_on_postgresql_each_scenario_ran_on_the_mongodb_store_there(
    postgresql_smoke: dict[str, Any],
) -> None:
    ran = {(row["scenario"], row["store"]) for row in postgresql_smoke["rows"]}

    assert ran == {
        ("1 delivery throughput", "mongodb"),
        ("2 publish-to-receipt", "mongodb"),
        ("5 growth", "mongodb"),
    }
    assert postgresql_smoke["mongodb_server"] == "FerretDB on postgresql"


def test_on_postgresql_nothing_went_missing_and_every_figure_is_there(
    postgresql_smoke: dict[str, Any],
) -> None:
    for row in postgresql_smoke["rows"]:
        project = row["project"]["median"]
        assert project is not None and math.isfinite(project) and project > 0, row
        for run in row["details"].get("project_runs", []):
            assert run.get("missing", 0) == 0, row
            assert run.get("complete", True), row


def test_on_postgresql_growth_gives_the_database_cpu_at_each_size(
    postgresql_smoke: dict[str, Any],
) -> None:
    growth = [row for row in postgresql_smoke["rows"] if row["scenario"] == "5 growth"]

    assert [row["measure"] for row in growth if row["measure"].startswith("database CPU")] == [
        "database CPU ms/callback at 100 stored",
        "database CPU ms/callback at 1,000 stored",
    ]


def test_the_executor_comparison_answers_both_dashboard_documents_on_both_executors() -> None:
    env = python_env()
    done = subprocess.run(
        [sys.executable, "-m", "bench.execution", "--requests", "2", "--rounds", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-4000:]
    assert [line[: line.index("):") + 1] for line in done.stdout.splitlines()] == [
        "callbackProfiles(first: 50)",
        "deliveries(first: 50)",
    ]
