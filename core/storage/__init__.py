"""Amber's storage: the durable fossil queue, the stamp history and the block header cache.

SQLite by default (one file in the data folder), PostgreSQL for teams; the schema is created and
upgraded by Alembic migrations shipped in this package, run when the database is opened.
"""

from .database import (
    BUSY_TIMEOUT_SECONDS,
    SQLITE_FILE_NAME,
    Database,
    default_database_url,
    open_database,
)
from .errors import NotFoundError, StorageError
from .headers import HEADER_SIZE, HeaderStore
from .limits import MAX_FOSSIL_DATA_BYTES, MAX_FOSSIL_META_BYTES, MAX_LEASE_SECONDS, MAX_POP
from .migrate import head_revision, migration_config, upgrade_to_head
from .queue import DEFAULT_LEASE_SECONDS, SqlFossilsQueue
from .stamps import (
    DIGEST_SIZES,
    MAX_SEARCH_CHARS,
    SORT_COLUMNS,
    CalendarStatus,
    NewStamp,
    Origin,
    Stamp,
    StampState,
    StampStore,
)

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
    "SORT_COLUMNS",
    "SQLITE_FILE_NAME",
    "CalendarStatus",
    "Database",
    "HeaderStore",
    "NewStamp",
    "NotFoundError",
    "Origin",
    "SqlFossilsQueue",
    "Stamp",
    "StampState",
    "StampStore",
    "StorageError",
    "default_database_url",
    "head_revision",
    "migration_config",
    "open_database",
    "upgrade_to_head",
]
