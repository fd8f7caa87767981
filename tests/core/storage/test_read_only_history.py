"""A history on a read-only folder or a full disk opens read-only, and says why it cannot write."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
from amber.core.storage import HeaderStore, StampStore, open_database
from amber.core.storage.database import (
    default_database_url,
    explain_storage_error,
    read_only_url,
)
from amber.core.storage.errors import ReadOnlyHistoryError, StorageError
from sqlalchemy.exc import OperationalError


def stored_history(folder: Path) -> str:
    url = default_database_url(folder)
    with open_database(url) as db:
        StampStore(db).record_calendar_result("http://127.0.0.1:9", False, "down")
    return url


def test_read_only_url_opens_the_same_history_and_refuses_writes(tmp_path: Path) -> None:
    url = stored_history(tmp_path / "a folder")
    ro = read_only_url(url)
    assert ro is not None and "mode=ro" in ro and "a%20folder" in ro
    with open_database(ro) as db:
        assert db.read_only
        (status,) = StampStore(db).calendar_statuses()
        assert status.last_error == "down"
        HeaderStore(db).put("bitcoin", 1, bytes(80))  # a cache: silently not kept
        assert HeaderStore(db).get("bitcoin", 1) is None
        with pytest.raises(ReadOnlyHistoryError):
            StampStore(db).record_calendar_result("http://127.0.0.1:9", True)


def test_read_only_needs_an_existing_history(tmp_path: Path) -> None:
    ro = read_only_url(default_database_url(tmp_path / "none"))
    assert ro is not None
    with pytest.raises(StorageError, match="no history"):
        open_database(ro)
    assert not (tmp_path / "none").exists()  # nothing was created


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file modes")
def test_a_history_in_a_read_only_folder_is_still_readable(tmp_path: Path) -> None:
    url = stored_history(tmp_path / "data")
    (tmp_path / "data").chmod(0o555)
    try:
        with pytest.raises(OperationalError):
            open_database(url)
        with open_database(read_only_url(url) or "") as db:
            assert len(StampStore(db).calendar_statuses()) == 1
    finally:
        (tmp_path / "data").chmod(0o755)


def test_postgres_urls_have_no_read_only_form() -> None:
    assert read_only_url("postgresql+psycopg://u:p@127.0.0.1/amber") is None


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "disk holding the history is full"),
        (OSError(errno.EROFS, "Read-only file system"), "read-only"),
        (
            OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full")),
            "disk holding the history is full",
        ),
        (
            OperationalError("x", {}, sqlite3.OperationalError("attempt to write a readonly db")),
            "read-only",
        ),
        (
            OperationalError("x", {}, sqlite3.OperationalError("database is locked")),
            "write lock",
        ),
    ],
)
def test_storage_failures_read_as_plain_sentences(error: BaseException, expected: str) -> None:
    message = explain_storage_error(error, "sqlite:////tmp/amber-x/amber.sqlite3")
    assert expected in message
    assert "Traceback" not in message and "sqlite3" not in message
