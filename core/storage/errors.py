"""Errors raised by Amber's storage, with the reason in plain words."""

from __future__ import annotations


class StorageError(Exception):
    """The database cannot be used as asked (bad URL, newer schema, nested write, ...)."""


class NotFoundError(StorageError, LookupError):
    """A row that was asked for by id does not exist."""
