"""The served OpenAPI document, and schemathesis throwing generated requests at the API: no input
may produce a server error (5xx), and every answer must match the document."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from amber.core.http import ApiLimits, create_app, openapi_document
from amber.core.ots.adapter import FossilizerConfig, OtsAdapter
from amber.core.storage import SqlFossilsQueue, StampStore, open_database
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from .conftest import AUTH, TOKEN

# The OpenTimestamps adapter over SQLite; its calendar is never contacted (no fossilizer runs).
# Built at import: schemathesis loads the schema when the module is collected (its lazy
# fixture loader does not work with this pytest).
LIMITS = ApiLimits(min_data_hex=64, max_data_hex=64, max_body_bytes=8192)
FOLDER = Path(tempfile.mkdtemp(prefix="amber-openapi-"))
DB = open_database(f"sqlite:///{FOLDER / 'amber.sqlite3'}")
STORE = StampStore(DB)
ADAPTER = OtsAdapter(
    SqlFossilsQueue(DB), STORE, FossilizerConfig(calendars=("http://127.0.0.1:9",), min_calendars=1)
)
APP = create_app(ADAPTER, token=TOKEN, store=STORE, limits=LIMITS)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP, headers=dict(AUTH))


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    DB.close()
    shutil.rmtree(FOLDER, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=50,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_no_generated_request_gets_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=dict(AUTH))


def test_the_document_is_served_and_states_the_limits() -> None:
    with TestClient(APP, headers=AUTH) as client:
        document = client.get("/openapi.json").json()
    assert document == openapi_document(LIMITS, has_history=True)
    data = document["paths"]["/fossils"]["post"]["requestBody"]["content"]["application/json"]
    assert data["schema"]["properties"]["data"]["pattern"] == "^([0-9a-fA-F]{2}){32,32}$"
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
