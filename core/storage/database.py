"""Opening Amber's database: SQLite (the default) or PostgreSQL, migrated to the newest schema."""

from __future__ import annotations

import errno
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from .errors import ReadOnlyHistoryError, StorageError

SQLITE_FILE_NAME = "amber.sqlite3"
BUSY_TIMEOUT_SECONDS = 30.0  # how long a writer waits for another process's write lock
# FULL fsyncs the WAL at every commit: a committed stamp survives a power cut, not only a kill -9.
# Writes are batched, so the cost is one fsync per transaction, not per row.
SQLITE_SYNCHRONOUS = "FULL"
_WRITE_OPTION = "amber_write"
# The newest migration in migrations/versions (a test keeps the two equal). Knowing it here lets
# an up-to-date database open without loading Alembic, which takes a good part of a second.
SCHEMA_HEAD = "0002_batches"
LOW_SPACE_BYTES = 256 * 1024  # below this much free space a write failure means "disk full"


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / SQLITE_FILE_NAME}"


def read_only_url(url: str) -> str | None:
    """The URL that opens the same SQLite history read-only, or None (not a SQLite file)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.query.get("mode") == "ro":
        return url
    path = str(Path(parsed.database).expanduser().absolute())
    return f"sqlite:///file:{quote(path, safe='/')}?mode=ro&uri=true"


def explain_storage_error(error: BaseException, url: str | None = None) -> str:
    """A plain sentence for a failure to open or write the history (disk full, read-only, ...)."""
    folder = _sqlite_folder(url) if url else None
    original = error.orig if isinstance(error, DBAPIError) else error
    text = str(original).strip()
    code = original.errno if isinstance(original, OSError) else None
    if isinstance(original, StorageError):
        return text
    where = f" ({folder})" if folder else ""
    if code == errno.ENOSPC or "disk is full" in text:
        return f"the disk holding the history is full{where}; free some space and try again"
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in text:
        return f"the history's folder is read-only{where}; Amber cannot save anything there"
    if folder is not None and ("unable to open" in text or "disk I/O error" in text):
        if not os.access(folder, os.W_OK):
            return f"the history's folder is read-only{where}; Amber cannot save anything there"
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = None
        if free is not None and free < LOW_SPACE_BYTES:
            return f"the disk holding the history is full{where}; free some space and try again"
    if "database is locked" in text:
        return "another Amber process holds the history's write lock; try again in a moment"
    if "not a database" in text or "malformed" in text:
        return f"the history's database file is damaged or not an Amber database{where}"
    return f"the history cannot be used{where}: {text}"


def _sqlite_folder(url: str) -> Path | None:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database.removeprefix("file:")).expanduser().parent


class Database:
    """An engine plus the two ways Amber uses it: a write transaction and a read transaction.

    On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` (it takes the write lock up
    front, so it never fails half-way on a lock upgrade) and read transactions stay deferred.
    Writers of one process queue on a lock; other processes wait up to BUSY_TIMEOUT_SECONDS.
    """

    def __init__(self, url: str, engine: Engine, *, read_only: bool = False) -> None:
        self.url = url
        self.engine = engine
        self.dialect_name: str = engine.dialect.name
        self.read_only = read_only  # opened read-only: every write raises ReadOnlyHistoryError
        self._write_lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.

        ``durable=False`` (SQLite) skips the fsync at commit, for changes that may be lost in a
        power cut without harm, such as queue leases: the commit is still atomic, survives a
        kill -9, and the next durable commit syncs it too."""
        if self.read_only:
            raise ReadOnlyHistoryError("the history was opened read-only; nothing was changed")
        if getattr(self._local, "writing", False):
            raise StorageError(
                "a write transaction is already open in this thread; pass its connection (conn=)"
            )
        self._local.writing = True
        try:
            with self._write_lock, self.engine.connect() as conn:
                conn.execution_options(**{_WRITE_OPTION: True})
                relaxed = not durable and self.dialect_name == "sqlite"
                if relaxed:
                    _set_synchronous(conn, "NORMAL")
                try:
                    with conn.begin():
                        yield conn
                finally:
                    if relaxed:
                        _set_synchronous(conn, SQLITE_SYNCHRONOUS)
        finally:
            self._local.writing = False

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """One read transaction: a consistent snapshot, never takes the write lock."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Database({self.engine.url.render_as_string(hide_password=True)!r})"


def open_database(url: str, *, migrate: bool = True) -> Database:
    """Open the database at ``url`` and, unless ``migrate`` is false, upgrade it to the newest
    schema. SQLite (``sqlite:///path``) and PostgreSQL (``postgresql+psycopg://...``).

    A SQLite URL from :func:`read_only_url` (``?mode=ro``) opens an existing history read-only,
    for a read-only folder or a full disk: nothing is created or migrated, writes are refused.
    """
    engine = _create_engine(url)
    if _is_read_only(engine):
        return _open_read_only(url, engine)
    db = Database(url, engine)
    if migrate:
        try:
            if _stored_revision(db) != SCHEMA_HEAD:
                from .migrate import upgrade_to_head

                upgrade_to_head(db)
        except BaseException:
            db.close()
            raise
    return db


def _is_read_only(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.query.get("mode") == "ro"


def _open_read_only(url: str, engine: Engine) -> Database:
    """A WAL history needs its -shm file even to read; where that file cannot be created (a
    read-only folder, a full disk) and no -wal file holds newer commits, it is read immutable."""
    path = Path(str(engine.url.database).removeprefix("file:"))
    if not path.exists():
        engine.dispose()
        raise StorageError(f"there is no history at {path} to read")
    db = Database(url, engine, read_only=True)
    try:
        revision = _stored_revision(db)
    except DBAPIError as error:
        db.close()
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise StorageError(
                f"the history at {path} cannot be read here: {explain_storage_error(error, url)}"
            ) from error
        immutable = engine.url.update_query_dict({"immutable": "1"})
        db = Database(
            url, _create_engine(immutable.render_as_string(hide_password=False)), read_only=True
        )
        revision = _stored_revision(db)
    if revision != SCHEMA_HEAD:
        db.close()
        raise StorageError(
            f"the history at {path} needs an upgrade, which a read-only history cannot get"
        )
    return db


def _stored_revision(db: Database) -> str | None:
    with db.read() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        versions = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all()
    return versions[0] if len(versions) == 1 else None


def _create_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise StorageError(f"not a database URL: {url!r}") from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if parsed.get_driver_name() != "pysqlite":
            raise StorageError(f"only the standard sqlite3 driver is supported, not {url!r}")
        if parsed.database in (None, "", ":memory:"):
            raise StorageError("an in-memory SQLite database cannot be shared; use a file path")
        read_only = parsed.query.get("mode") == "ro"
        if not read_only:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        _install_sqlite_hooks(engine, read_only=read_only)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise StorageError(f"unsupported database {backend!r} in {url!r}: use sqlite or postgresql")


def _set_synchronous(conn: Connection, level: str) -> None:
    # On the driver connection, outside any transaction (sqlite3 issues no BEGIN of its own here).
    conn.connection.dbapi_connection.execute(f"PRAGMA synchronous = {level}")  # type: ignore[union-attr]


def _install_sqlite_hooks(engine: Engine, *, read_only: bool = False) -> None:
    # SQLAlchemy's documented pysqlite recipe: stop sqlite3 from issuing its own BEGIN, then
    # emit ours, IMMEDIATE for writes and deferred for reads.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            if read_only:
                return  # the journal mode is the file's own; setting it would be a write
            mode = cursor.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StorageError(f"SQLite refused write-ahead logging (journal mode {mode!r})")
            cursor.execute(f"PRAGMA synchronous = {SQLITE_SYNCHRONOUS}")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get(_WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")
