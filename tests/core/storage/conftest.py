"""Fixtures for the storage tests: a fresh database on SQLite, and on PostgreSQL when asked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from amber.core.storage import Database, SqlFossilsQueue, StampStore, open_database
from amber.core.storage.schema import metadata
from amber.core.testing.conformance import FakeClock
from amber.core.testing.postgres import PostgresServer, make_postgres_fixture

from tests.conftest import require_part

postgres_server = make_postgres_fixture(require_part, scope="session")
TABLES = [table.name for table in metadata.sorted_tables]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'amber.sqlite3'}"


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    """One migrated database for the session; each test starts from empty tables."""
    url = postgres_server.create_database()
    open_database(url).close()
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Database]:
    if request.param == "postgres":
        database = open_database(request.getfixturevalue("postgres_url"))
        with database.write() as conn:
            conn.exec_driver_sql(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY")
    else:
        database = open_database(sqlite_url)
    yield database
    database.close()


@pytest.fixture
def queue(db: Database, clock: FakeClock) -> SqlFossilsQueue:
    return SqlFossilsQueue(db, clock=clock, lease_seconds=60.0)


@pytest.fixture
def store(db: Database, clock: FakeClock) -> StampStore:
    return StampStore(db, clock=clock)
