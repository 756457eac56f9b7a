"""A command observer for the MongoDB store (`storage.commands.Observer`) that records
what it is told."""

from __future__ import annotations


class Commands:
    def __init__(self) -> None:
        # (command, collection, failed), in the order the commands ended.
        self.sent: list[tuple[str, str, bool]] = []
        self.seconds: list[float] = []

    def __call__(self, name: str, collection: str, seconds: float, failed: bool) -> None:
        self.sent.append((name, collection, failed))
        self.seconds.append(seconds)
