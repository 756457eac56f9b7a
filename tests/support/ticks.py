"""A monotonic clock a test moves by hand, for what takes one (`domain.recent.Recent`)."""

from __future__ import annotations


class Ticks:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now
