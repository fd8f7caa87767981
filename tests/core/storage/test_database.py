from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from amber.core.storage import (
    Database,
    StorageError,
    default_database_url,
    open_database,
)


def test_default_url_is_a_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    url = default_database_url(tmp_path / "data")
    assert url == f"sqlite:///{tmp_path / 'data' / 'amber.sqlite3'}"
    with open_database(url) as db:
        assert db.dialect_name == "sqlite"
    assert (tmp_path / "data" / "amber.sqlite3").exists(), "missing folders are created"


def test_sqlite_runs_in_wal_with_durable_settings(sqlite_url: str) -> None:
    with open_database(sqlite_url) as db, db.read() as conn:
        pragma = lambda name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") >= 10_000


def _raw_begin_immediate(path: str) -> str:
    raw = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("ROLLBACK")
        return "got the write lock"
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        raw.close()


def test_write_takes_the_write_lock_at_begin_and_read_does_not(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite3"
    with open_database(f"sqlite:///{path}") as db:
        with db.write():
            assert "locked" in _raw_begin_immediate(str(path))
        with db.read():
            assert _raw_begin_immediate(str(path)) == "got the write lock"


def test_a_failed_write_rolls_back(db: Database) -> None:
    from amber.core.storage.schema import block_headers

    with pytest.raises(RuntimeError), db.write() as conn:
        conn.execute(block_headers.insert().values(chain="x", height=1, raw=b"\0" * 80))
        raise RuntimeError("boom")
    with db.read() as conn:
        assert conn.execute(block_headers.select()).all() == []


def test_nested_write_in_one_thread_is_refused_clearly(sqlite_url: str) -> None:
    with (
        open_database(sqlite_url) as db,
        db.write(),
        pytest.raises(StorageError, match="pass its connection"),
        db.write(),
    ):
        pass


def test_writers_in_threads_queue_up_instead_of_failing(sqlite_url: str) -> None:
    from amber.core.storage.schema import block_headers

    errors: list[BaseException] = []
    with open_database(sqlite_url) as db:

        def write(n: int) -> None:
            try:
                for i in range(20):
                    with db.write() as conn:
                        conn.execute(
                            block_headers.insert().values(chain=f"c{n}", height=i, raw=b"\0" * 80)
                        )
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors
        with db.read() as conn:
            assert len(conn.execute(block_headers.select()).all()) == 80


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("not a url", "not a database URL"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("mysql://u@h/db", "unsupported database"),
        ("sqlite+pysqlcipher:///x.db", "only the standard sqlite3 driver"),
    ],
)
def test_bad_urls_are_refused_with_the_reason(url: str, reason: str) -> None:
    with pytest.raises(StorageError, match=reason):
        open_database(url)


def test_a_non_durable_write_restores_full_sync_afterwards(sqlite_url: str) -> None:
    with open_database(sqlite_url) as db:
        with db.write(durable=False) as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        with db.write() as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
