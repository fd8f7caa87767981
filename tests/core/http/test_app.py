"""The HTTP API over any Adapter: what a client sends and what it gets back."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from amber.core.http import ApiLimits, create_app
from amber.core.ots.proofs import read_proof
from amber.core.storage import StorageError
from amber.core.testing import MockAdapter
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from .conftest import AUTH, TOKEN, OtsParts

DIGEST = "ab" * 32


def test_root_describes_the_adapter(mock_client: TestClient) -> None:
    assert mock_client.get("/").json() == {
        "adapter": {"name": "mock", "description": "records calls; emits events on demand"}
    }


def test_a_posted_fossil_reaches_the_adapter_and_its_id_comes_back(
    mock_client: TestClient, mock_adapter: MockAdapter
) -> None:
    first = mock_client.post("/fossils", json={"data": DIGEST, "meta": "invoice 7"})
    second = mock_client.post("/fossils", json={"data": "cd" * 16})
    assert (first.status_code, first.json()) == (200, {"id": 1})
    assert second.json() == {"id": 2}
    assert [(c.data, c.meta) for c in mock_adapter.calls] == [
        (bytes.fromhex(DIGEST), b"invoice 7"),
        (bytes.fromhex("cd" * 16), b""),
    ]


def test_a_bad_body_gets_400_with_the_reason_and_reaches_no_adapter(
    mock_client: TestClient, mock_adapter: MockAdapter
) -> None:
    answer = mock_client.post("/fossils", content=b'{"data": "xyz"}')
    assert answer.status_code == 400
    assert answer.json() == {"error": "data is not hexadecimal (only 0-9 and a-f are allowed)"}
    assert mock_adapter.calls == []


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}]
)
def test_every_request_needs_the_bearer_token(
    mock_adapter: MockAdapter, headers: dict[str, str]
) -> None:
    with TestClient(create_app(mock_adapter, token=TOKEN)) as client:
        for method, path in [("GET", "/"), ("POST", "/fossils"), ("GET", "/openapi.json")]:
            answer = client.request(method, path, headers=headers, json={"data": DIGEST})
            assert answer.status_code == 401
            assert answer.headers["WWW-Authenticate"] == "Bearer"
    assert mock_adapter.calls == []


def test_a_body_over_the_cap_is_refused_with_413(mock_adapter: MockAdapter) -> None:
    app = create_app(mock_adapter, token=TOKEN, limits=ApiLimits(max_body_bytes=1000))
    with TestClient(app, headers=AUTH) as client:
        declared = client.post("/fossils", content=b"x" * 1001)

        def chunks() -> Any:
            yield b'{"data": "' + DIGEST.encode() + b'", "meta": "'
            for _ in range(100):
                yield b"y" * 100
            yield b'"}'

        streamed = client.post("/fossils", content=chunks())
    assert declared.status_code == streamed.status_code == 413
    assert declared.json() == {"error": "request body is larger than 1000 bytes"}
    assert mock_adapter.calls == []


def test_cors_is_off_unless_an_origin_is_given(mock_adapter: MockAdapter) -> None:
    origin = {"Origin": "https://team.example", "Access-Control-Request-Method": "POST"}
    with TestClient(create_app(mock_adapter, token=TOKEN), headers=AUTH) as closed:
        assert "access-control-allow-origin" not in closed.get("/", headers=origin).headers
    app = create_app(mock_adapter, token=TOKEN, cors_origins=["https://team.example"])
    with TestClient(app) as open_:
        preflight = open_.options("/fossils", headers=origin)
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://team.example"
        other = open_.options("/fossils", headers={**origin, "Origin": "https://evil.example"})
        assert other.status_code == 400


class FailingAdapter(MockAdapter):
    def __init__(self, error: Exception) -> None:
        super().__init__()
        self.error = error

    def fossilize(self, data: bytes, meta: bytes) -> int:
        raise self.error


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (ValueError("Amber stamps SHA-256 digests of 32 bytes, not 16"), 400, "not 16"),
        (
            OperationalError("INSERT", {}, Exception("could not connect")),
            503,
            "storage unavailable",
        ),
        (StorageError("database is closed"), 503, "storage unavailable"),
        (RuntimeError("boom"), 500, "the fossilizer failed (RuntimeError); nothing was queued"),
    ],
)
def test_adapter_failures_get_a_clear_status(error: Exception, status: int, message: str) -> None:
    with TestClient(create_app(FailingAdapter(error), token=TOKEN), headers=AUTH) as client:
        answer = client.post("/fossils", json={"data": DIGEST})
    assert answer.status_code == status
    assert message in answer.json()["error"]


def test_without_a_history_get_fossil_says_so(mock_client: TestClient) -> None:
    answer = mock_client.get("/fossils/1")
    assert answer.status_code == 501
    assert "keeps no fossil history" in answer.json()["error"]


@pytest.mark.parametrize("fossil_id", ["0", "-1", "abc", "1.5", "99999999999999999999", "\u0661"])
def test_a_malformed_fossil_id_is_400(ots_client: TestClient, fossil_id: str) -> None:
    answer = ots_client.get(f"/fossils/{fossil_id}")
    assert answer.status_code == 400
    assert answer.json() == {"error": "a fossil id is a positive whole number"}


def test_the_ots_adapter_refuses_other_sizes_than_a_digest_with_400(ots_parts: OtsParts) -> None:
    # create_app's default bounds (32..64 hex) let 16 bytes through; the adapter refuses them.
    with TestClient(create_app(ots_parts.adapter, token=TOKEN), headers=AUTH) as client:
        answer = client.post("/fossils", json={"data": "ab" * 16})
    assert answer.status_code == 400
    assert answer.json()["error"] == "Amber stamps SHA-256 digests of 32 bytes, not 16"


def test_a_fossil_goes_from_queued_to_submitted_with_its_proof(
    ots_client: TestClient, ots_parts: OtsParts
) -> None:
    fossil_id = ots_client.post("/fossils", json={"data": DIGEST, "meta": "{}"}).json()["id"]
    queued = ots_client.get(f"/fossils/{fossil_id}").json()
    assert queued["state"] == "queued" and queued["proof"] is None
    assert queued["data"] == DIGEST
    assert ots_client.get(f"/fossils/{fossil_id + 1}").status_code == 404

    assert ots_parts.adapter.run_once().reached_quorum
    submitted = ots_client.get(f"/fossils/{fossil_id}").json()
    assert submitted["state"] == "submitted"
    assert submitted["calendars"] == list(ots_parts.adapter.config.calendars)
    proof = read_proof(base64.b64decode(submitted["proof"]))
    assert proof.file_digest == bytes.fromhex(DIGEST)


def test_a_fossil_accepted_with_200_is_in_the_durable_queue(
    ots_client: TestClient, ots_parts: OtsParts
) -> None:
    ids = [ots_client.post("/fossils", json={"data": f"{i:064x}"}).json()["id"] for i in range(5)]
    assert ots_parts.queue.depth() == 5
    assert [ots_parts.store.by_fossil_id(i) is not None for i in ids] == [True] * 5
