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
    def _database(self, postgres_server: PostgresServer) -> Iterator[None]:
        self.db: Database = open_database(postgres_server.create_database())
        assert self.db.dialect_name == "postgresql"
        yield
        self.db.close()

    def make_queue(self, clock: FakeClock, lease_seconds: float) -> FossilsQueue:
        return SqlFossilsQueue(self.db, clock=clock, lease_seconds=lease_seconds)
