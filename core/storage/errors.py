"""Errors raised by Amber's storage, with the reason in plain words."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be used as asked (bad URL, newer schema, nested write, ...)."""


class NotFoundError(StorageError, LookupError):
    """A row that was asked for by id does not exist."""


class ReadOnlyHistoryError(StorageError):
    """A write to a history that was opened read-only (a read-only folder, or a full disk)."""
