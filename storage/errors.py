"""Whether a failure is the database being out of reach, in terms that need no driver."""

from __future__ import annotations

import sys


def is_unavailable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached or did not answer in time,
    as opposed to a fault in the request itself. Such failures pass once the database is
    back: the driver reconnects by itself."""
    # Looked up rather than imported, so a server on the embedded store never loads the
    # driver; if it is not loaded, no error can be one of its own.
    errors = sys.modules.get("pymongo.errors")
    if errors is None:
        return False
    return isinstance(error, errors.ConnectionFailure | errors.ExecutionTimeout) or (
        isinstance(error, errors.PyMongoError) and error.timeout
    )
