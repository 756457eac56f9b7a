"""The commands the MongoDB store's client sends, told to an observer as they end: each one's
name, the collection it names, how long it took and whether it failed. Taken from pymongo's
command monitoring (its public listener API), so that an operator sees what the store asks of
the database. The observer takes plain values: its owner (the process's metrics) need not
load the driver.

pymongo tells a command's start and its end apart, and only the start carries the command
itself: its collection is noted at the start, by request id, until the end arrives.
"""

from __future__ import annotations

from collections.abc import Callable

from pymongo import monitoring

# (command name, collection, seconds, failed): the collection is empty for a command that
# names none (`ping`, `endSessions`); failed when the server answered with an error or no
# answer came.
Observer = Callable[[str, str, float, bool], None]


def _collection(event: monitoring.CommandStartedEvent) -> str:
    # A command names its collection as the value of its first field, the command's name;
    # `getMore`'s first value is the cursor, and the collection has a field of its own.
    field = "collection" if event.command_name == "getMore" else event.command_name
    named = event.command.get(field)
    return named if isinstance(named, str) else ""


class CommandWatch(monitoring.CommandListener):
    """A listener for one client (`event_listeners=[...]`) that tells `observe` of every
    command. pymongo calls it on whichever thread ran the command."""

    def __init__(self, observe: Observer) -> None:
        self._observe = observe
        self._collections: dict[int, str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        self._collections[event.request_id] = _collection(event)

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._ended(event, failed=False)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._ended(event, failed=True)

    def _ended(
        self, event: monitoring.CommandSucceededEvent | monitoring.CommandFailedEvent, failed: bool
    ) -> None:
        collection = self._collections.pop(event.request_id, "")
        self._observe(event.command_name, collection, event.duration_micros / 1e6, failed)


__all__ = ["CommandWatch", "Observer"]
