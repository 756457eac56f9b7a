"""Measuring callbackd and its baseline over rounds, alternately."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

P = TypeVar("P")
B = TypeVar("B")
Which = Literal["project", "baseline"]


async def alternate(
    rounds: int,
    project: Callable[[int], Awaitable[P]],
    baseline: Callable[[int], Awaitable[B]],
    report: Callable[[int, Which, P | B], None],
) -> tuple[list[P], list[B]]:
    """Runs each once per round, the project first in even rounds and the baseline first in
    odd ones, so neither always meets a warmer machine; `report` hears of every run as it
    ends. Answers the project's runs and the baseline's, in round order."""
    projects: list[P] = []
    baselines: list[B] = []

    async def run_project(r: int) -> None:
        projects.append(got := await project(r))
        report(r, "project", got)

    async def run_baseline(r: int) -> None:
        baselines.append(got := await baseline(r))
        report(r, "baseline", got)

    for r in range(rounds):
        order = (run_project, run_baseline)
        for run in order if r % 2 == 0 else order[::-1]:
            await run(r)
    return projects, baselines
