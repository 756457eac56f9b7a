"""A bound on the database work of one piece of work, in terms that need no driver."""

from __future__ import annotations

import contextlib
import sys
from contextlib import AbstractContextManager


def bounded(seconds: float) -> AbstractContextManager[object]:
    """Database operations started inside take at most `seconds` together, counted from
    entering; one past it fails as the database not answering in time (`is_unavailable`).
    Without the driver loaded (the embedded store) there is nothing to bound."""
    # Looked up rather than imported, as in `storage.errors`.
    pymongo = sys.modules.get("pymongo")
    if pymongo is None:
        return contextlib.nullcontext()
    timeout: AbstractContextManager[object] = pymongo.timeout(seconds)
    return timeout
