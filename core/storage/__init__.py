"""Amber's storage: the durable fossil queue, the stamp history and the block header cache.

SQLite by default (one file in the data folder), PostgreSQL for teams; the schema is created and
upgraded by Alembic migrations shipped in this package, run when the database is opened.
"""

from .database import (
    BUSY_TIMEOUT_SECONDS,
    SCHEMA_HEAD,
    SQLITE_FILE_NAME,
    Database,
    default_database_url,
    open_database,
)
from .errors import NotFoundError, StorageError
from .headers import HEADER_SIZE, HeaderStore
from .limits import MAX_FOSSIL_DATA_BYTES, MAX_FOSSIL_META_BYTES, MAX_LEASE_SECONDS, MAX_POP
from .queue import DEFAULT_LEASE_SECONDS, SqlFossilsQueue
from .stamps import (
    DIGEST_SIZES,
    MAX_SEARCH_CHARS,
    SORT_COLUMNS,
    CalendarStatus,
    NewStamp,
    Origin,
    PendingBatch,
    ProofUpdate,
    Stamp,
    StampState,
    StampStore,
    SubmittedBatch,
)

_MIGRATION_NAMES = ("head_revision", "migration_config", "upgrade_to_head")


def __getattr__(name: str) -> object:
    # Alembic is slow to import and only needed when a schema changes: load it on first use.
    if name in _MIGRATION_NAMES:
        from . import migrate

        return getattr(migrate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BUSY_TIMEOUT_SECONDS",
    "DEFAULT_LEASE_SECONDS",
    "DIGEST_SIZES",
    "HEADER_SIZE",
    "MAX_FOSSIL_DATA_BYTES",
    "MAX_FOSSIL_META_BYTES",
    "MAX_LEASE_SECONDS",
    "MAX_POP",
    "MAX_SEARCH_CHARS",
    "SCHEMA_HEAD",
    "SORT_COLUMNS",
    "SQLITE_FILE_NAME",
    "CalendarStatus",
    "Database",
    "HeaderStore",
    "NewStamp",
    "NotFoundError",
    "Origin",
    "PendingBatch",
    "ProofUpdate",
    "SqlFossilsQueue",
    "Stamp",
    "StampState",
    "StampStore",
    "StorageError",
    "SubmittedBatch",
    "default_database_url",
    "head_revision",
    "migration_config",
    "open_database",
    "upgrade_to_head",
]
