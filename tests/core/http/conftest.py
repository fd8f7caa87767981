"""Apps under test: the HTTP face over the MockAdapter, and over the OpenTimestamps adapter."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from amber.core.http import ApiLimits, create_app
from amber.core.ots.adapter import FossilizerConfig, OtsAdapter
from amber.core.storage import Database, SqlFossilsQueue, StampStore, open_database
from amber.core.testing import MockAdapter
from amber.core.testing.calendar_server import LocalCalendar
from starlette.testclient import TestClient

TOKEN = "test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def mock_adapter() -> MockAdapter:
    return MockAdapter()


@pytest.fixture
def mock_client(mock_adapter: MockAdapter) -> Iterator[TestClient]:
    app = create_app(mock_adapter, token=TOKEN, limits=ApiLimits(ws_ping_interval=30.0))
    with TestClient(app, headers=AUTH) as client:
        yield client


@dataclass
class OtsParts:
    db: Database
    queue: SqlFossilsQueue
    store: StampStore
    adapter: OtsAdapter


@pytest.fixture
def ots_parts(tmp_path: Path, local_calendar: LocalCalendar) -> Iterator[OtsParts]:
    db = open_database(f"sqlite:///{tmp_path / 'amber.sqlite3'}")
    queue = SqlFossilsQueue(db)
    store = StampStore(db)
    adapter = OtsAdapter(
        queue, store, FossilizerConfig(calendars=(local_calendar.url,), min_calendars=1)
    )
    yield OtsParts(db, queue, store, adapter)
    adapter.stop()
    db.close()


@pytest.fixture
def ots_client(ots_parts: OtsParts) -> Iterator[TestClient]:
    app = create_app(
        ots_parts.adapter,
        token=TOKEN,
        store=ots_parts.store,
        limits=ApiLimits(min_data_hex=64, max_data_hex=64),
    )
    with TestClient(app, headers=AUTH) as client:
        yield client
