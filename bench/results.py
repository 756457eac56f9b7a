"""One line of the report: a measure of callbackd and of its baseline over rounds, and the
goal it is held to."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from bench.stats import median, spread


@dataclass(frozen=True)
class Target:
    """A goal on the median of the project's figure or of the ratio to the baseline."""

    on: Literal["project", "ratio"]
    op: Literal[">=", "<", "<="]
    value: float

    def met(self, figure: float) -> bool:
        if math.isnan(figure):
            return False
        if self.op == ">=":
            return figure >= self.value
        if self.op == "<":
            return figure < self.value
        return figure <= self.value

    def text(self) -> str:
        return f"{'ratio' if self.on == 'ratio' else 'value'} {self.op} {self.value:g}"


@dataclass
class Row:
    scenario: str
    store: str
    measure: str
    unit: str
    project: list[float]
    baseline: list[float] = field(default_factory=list)
    target: Target | None = None
    # How to read the ratio: "project/baseline" (higher is better for callbackd) or the
    # other way round; empty when a ratio means nothing for this measure.
    ratio_kind: str = "project/baseline"
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratios(self) -> list[float]:
        if not self.ratio_kind or not self.baseline or len(self.baseline) != len(self.project):
            return []
        return [_divide(p, b) for p, b in zip(self.project, self.baseline, strict=True)]

    @property
    def headline(self) -> list[float]:
        """The series the spread and the goal are about."""
        if self.target is not None and self.target.on == "project":
            return self.project
        return self.ratios or self.project

    def verdict(self) -> str:
        if self.target is None:
            return ""
        return "pass" if self.target.met(median(self.headline)) else "miss"

    def summary(self) -> dict[str, Any]:
        low, high = spread(self.headline)
        return {
            "scenario": self.scenario,
            "store": self.store,
            "measure": self.measure,
            "unit": self.unit,
            "project": {"rounds": finite(self.project), "median": finite(median(self.project))},
            "baseline": {
                "rounds": finite(self.baseline),
                "median": finite(median(self.baseline)),
            },
            "ratio": {
                "kind": self.ratio_kind or None,
                "rounds": finite(self.ratios),
                "median": finite(median(self.ratios)),
            },
            "spread": {"min": finite(low), "max": finite(high)},
            "target": None if self.target is None else self.target.text(),
            "result": self.verdict() or None,
            "note": self.note,
            "details": finite(self.details),
        }


def _divide(a: float, b: float) -> float:
    if b == 0 or math.isnan(a) or math.isnan(b):
        return math.nan
    return a / b


def finite(value: Any) -> Any:
    """JSON has no infinity or NaN: both become null (the note says why)."""
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
