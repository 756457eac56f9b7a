"""Measuring callbackd and its baseline over rounds, alternately."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal, TypeVar

T = TypeVar("T")
Which = Literal["project", "baseline"]


async def alternate(
    rounds: int,
    project: Callable[[int], Awaitable[T]],
    baseline: Callable[[int], Awaitable[T]],
    report: Callable[[int, Which, T], None],
) -> tuple[list[T], list[T]]:
    """Runs each once per round, the project first in even rounds and the baseline first in
    odd ones, so neither always meets a warmer machine; `report` hears of every run as it
    ends. Answers the project's runs and the baseline's, in round order."""
    measure: dict[Which, Callable[[int], Awaitable[T]]] = {
        "project": project,
        "baseline": baseline,
    }
    runs: dict[Which, list[T]] = {"project": [], "baseline": []}
    for r in range(rounds):
        order: tuple[Which, ...] = ("project", "baseline")
        for which in order if r % 2 == 0 else order[::-1]:
            got = await measure[which](r)
            runs[which].append(got)
            report(r, which, got)
    return runs["project"], runs["baseline"]
