"""The FossilsQueue conformance suite on every queue Amber has: in memory, SQLite, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from amber.core.fossilizer import FossilsQueue
from amber.core.storage import Database, SqlFossilsQueue, open_database
from amber.core.testing import MemoryFossilsQueue
from amber.core.testing.conformance import FakeClock, FossilsQueueConformance
from amber.core.testing.postgres import PostgresServer, make_postgres_fixture

from tests.conftest import require_part

postgres_server = make_postgres_fixture(require_part, scope="module")


@pytest.fixture(scope="module")
def postgres_url(postgres_server: PostgresServer) -> str:
    url = postgres_server.create_database()
    open_database(url).close()
    return url


class TestMemoryFossilsQueue(FossilsQueueConformance):
    def make_queue(self, clock: FakeClock, lease_seconds: float) -> FossilsQueue:
        return MemoryFossilsQueue(clock=clock, lease_seconds=lease_seconds)


class TestSqliteFossilsQueue(FossilsQueueConformance):
    @pytest.fixture(autouse=True)
    def _database(self, tmp_path: Path) -> Iterator[None]:
        self.db: Database = open_database(f"sqlite:///{tmp_path / 'queue.sqlite3'}")
        yield
        self.db.close()

    def make_queue(self, clock: FakeClock, lease_seconds: float) -> FossilsQueue:
        return SqlFossilsQueue(self.db, clock=clock, lease_seconds=lease_seconds)


@pytest.mark.postgres
class TestPostgresFossilsQueue(FossilsQueueConformance):
    @pytest.fixture(autouse=True)
    def _database(self, postgres_url: str) -> Iterator[None]:
        self.db: Database = open_database(postgres_url)
        assert self.db.dialect_name == "postgresql"
        with self.db.write() as conn:
            conn.exec_driver_sql("TRUNCATE fossil_queue RESTART IDENTITY")
        yield
        self.db.close()

    def make_queue(self, clock: FakeClock, lease_seconds: float) -> FossilsQueue:
        return SqlFossilsQueue(self.db, clock=clock, lease_seconds=lease_seconds)
