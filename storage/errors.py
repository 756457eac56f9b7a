"""Failures a store reports in its own terms, so callers need not know the database driver."""

from __future__ import annotations


class DuplicateRecord(Exception):
    """A record with the same id (or, for accounts, the same key hash) is already stored."""
