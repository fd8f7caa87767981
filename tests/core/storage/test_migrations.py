from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from amber.core.storage import (
    Database,
    StorageError,
    head_revision,
    migration_config,
    open_database,
)
from amber.core.storage.migrate import current_revision
from sqlalchemy import inspect

TABLES = {"fossil_queue", "stamps", "calendar_status", "block_headers", "alembic_version"}


def _tables(db: Database) -> set[str]:
    return set(inspect(db.engine).get_table_names())


def test_a_fresh_database_gets_the_newest_schema(db: Database) -> None:
    assert _tables(db) >= TABLES
    with db.read() as conn:
        assert current_revision(conn) == head_revision()
    indexes = {ix["name"] for ix in inspect(db.engine).get_indexes("stamps")}
    assert {"ix_stamps_fossil_id", "ix_stamps_digest", "ix_stamps_added_at"} <= indexes


def test_opening_twice_is_idempotent_and_keeps_data(sqlite_url: str) -> None:
    from amber.core.fossilizer import Fossil
    from amber.core.storage import SqlFossilsQueue

    with open_database(sqlite_url) as db:
        SqlFossilsQueue(db).push(Fossil(b"kept"))
    with open_database(sqlite_url) as db:
        assert [f.data for f in SqlFossilsQueue(db).pop(5)] == [b"kept"]
        with db.read() as conn:
            assert current_revision(conn) == head_revision()


def test_alembic_upgrade_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    path.touch()
    command.upgrade(migration_config(f"sqlite:///{path}"), "head")
    raw = sqlite3.connect(path)
    try:
        names = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        version = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        raw.close()
    assert names >= TABLES
    assert version == head_revision()
    with open_database(f"sqlite:///{path}") as db:  # and Amber opens it as is
        assert _tables(db) >= TABLES


def test_open_without_migrate_leaves_the_file_alone(sqlite_url: str) -> None:
    with open_database(sqlite_url, migrate=False) as db:
        assert _tables(db) == set()


def test_a_schema_newer_than_this_amber_is_refused(sqlite_url: str) -> None:
    with open_database(sqlite_url) as db, db.write() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = 'from_the_future'")
    with pytest.raises(StorageError, match="newer than this version of Amber"):
        open_database(sqlite_url)


def _open_in_child(url: str) -> None:
    open_database(url).close()


def test_concurrent_openers_of_one_fresh_file_do_not_race(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    context = multiprocessing.get_context("spawn")
    children = [context.Process(target=_open_in_child, args=(url,)) for _ in range(4)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [c.exitcode for c in children] == [0] * 4
    with open_database(url) as db:
        assert _tables(db) >= TABLES


def test_the_schema_head_known_without_alembic_is_alembics_head() -> None:
    from amber.core.storage import SCHEMA_HEAD

    assert head_revision() == SCHEMA_HEAD
