"""Opening Amber's database: SQLite (the default) or PostgreSQL, migrated to the newest schema."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .errors import StorageError

SQLITE_FILE_NAME = "amber.sqlite3"
BUSY_TIMEOUT_SECONDS = 30.0  # how long a writer waits for another process's write lock
# FULL fsyncs the WAL at every commit: a committed stamp survives a power cut, not only a kill -9.
# Writes are batched, so the cost is one fsync per transaction, not per row.
SQLITE_SYNCHRONOUS = "FULL"
_WRITE_OPTION = "amber_write"
# The newest migration in migrations/versions (a test keeps the two equal). Knowing it here lets
# an up-to-date database open without loading Alembic, which takes a good part of a second.
SCHEMA_HEAD = "0001_initial"


def default_database_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / SQLITE_FILE_NAME}"


class Database:
    """An engine plus the two ways Amber uses it: a write transaction and a read transaction.

    On SQLite a write transaction starts with ``BEGIN IMMEDIATE`` (it takes the write lock up
    front, so it never fails half-way on a lock upgrade) and read transactions stay deferred.
    Writers of one process queue on a lock; other processes wait up to BUSY_TIMEOUT_SECONDS.
    """

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self.dialect_name: str = engine.dialect.name
        self._write_lock = threading.Lock()
        self._local = threading.local()

    @contextmanager
    def write(self, *, durable: bool = True) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back if it raises.

        ``durable=False`` (SQLite) skips the fsync at commit, for changes that may be lost in a
        power cut without harm, such as queue leases: the commit is still atomic, survives a
        kill -9, and the next durable commit syncs it too."""
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
    schema. SQLite (``sqlite:///path``) and PostgreSQL (``postgresql+psycopg://...``)."""
    engine = _create_engine(url)
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
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
        _install_sqlite_hooks(engine)
        return engine
    if backend == "postgresql":
        if parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, pool_pre_ping=True)
    raise StorageError(f"unsupported database {backend!r} in {url!r}: use sqlite or postgresql")


def _set_synchronous(conn: Connection, level: str) -> None:
    # On the driver connection, outside any transaction (sqlite3 issues no BEGIN of its own here).
    conn.connection.dbapi_connection.execute(f"PRAGMA synchronous = {level}")  # type: ignore[union-attr]


def _install_sqlite_hooks(engine: Engine) -> None:
    # SQLAlchemy's documented pysqlite recipe: stop sqlite3 from issuing its own BEGIN, then
    # emit ours, IMMEDIATE for writes and deferred for reads.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
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
