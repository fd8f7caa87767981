"""GET /websocket: every adapter event, to every client, as JSON; pings; clean shutdown."""

from __future__ import annotations

import base64
import json

import pytest
from amber.core.fossilizer import BlockAttestation, Event, EventType, Evidence, Fossil, Result
from amber.core.http import CLOSE_GOING_AWAY, ApiLimits, create_app
from amber.core.testing import MockAdapter
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from .conftest import AUTH, TOKEN, OtsParts


def test_every_client_gets_every_event_as_json(
    mock_client: TestClient, mock_adapter: MockAdapter
) -> None:
    fossil = Fossil(bytes.fromhex("ab" * 32), b'{"name": "deed.pdf"}', 7)
    with (
        mock_client.websocket_connect("/websocket") as first,
        mock_client.websocket_connect("/websocket") as second,
    ):
        mock_adapter.emit_fossilized(fossil, proof=b"\x00ots proof")
        confirmed = Evidence(
            backend="mock",
            provider="cal",
            proof=b"full",
            state="confirmed",
            calendars=("http://cal",),
            block=BlockAttestation(358391, "00" * 32, 1432827678),
            extra={"stamp_id": 3},
        )
        mock_adapter.emit(Event(EventType.DID_CONFIRM, Result(fossil, confirmed)))
        for client in (first, second):
            fossilized = client.receive_json()
            assert fossilized == {
                "type": "DidFossilize",
                "data": {
                    "fossil": {"id": 7, "data": "ab" * 32, "meta": '{"name": "deed.pdf"}'},
                    "evidence": {
                        "backend": "mock",
                        "provider": "mock",
                        "state": "pending",
                        "calendars": [],
                        "block": None,
                        "proof": base64.b64encode(b"\x00ots proof").decode(),
                        "extra": {},
                    },
                },
            }
            confirm = client.receive_json()
            assert confirm["type"] == "DidConfirm"
            assert confirm["data"]["evidence"]["block"] == {
                "height": 358391,
                "hash": "00" * 32,
                "time": 1432827678,
            }
            assert confirm["data"]["evidence"]["extra"] == {"stamp_id": 3}


def test_an_event_of_an_unknown_kind_still_reaches_clients(
    mock_client: TestClient, mock_adapter: MockAdapter
) -> None:
    with mock_client.websocket_connect("/websocket") as client:
        mock_adapter.emit(Event("SomethingNew", {"n": 1}))
        mock_adapter.emit(Event("Opaque", object()))
        assert client.receive_json() == {"type": "SomethingNew", "data": {"n": 1}}
        assert client.receive_json()["data"].startswith("<object object")


def test_a_quiet_stream_sends_pings(mock_adapter: MockAdapter) -> None:
    app = create_app(mock_adapter, token=TOKEN, limits=ApiLimits(ws_ping_interval=0.05))
    with TestClient(app, headers=AUTH) as client, client.websocket_connect("/websocket") as ws:
        assert ws.receive_json() == {"type": "Ping", "data": {}}


def test_a_websocket_without_the_token_is_refused(mock_adapter: MockAdapter) -> None:
    with TestClient(create_app(mock_adapter, token=TOKEN)) as client:
        with pytest.raises(WebSocketDisconnect) as refused, client.websocket_connect("/websocket"):
            pass
        assert refused.value.code == 1008
        wrong = {"Authorization": "Bearer x"}
        with (
            pytest.raises(WebSocketDisconnect),
            client.websocket_connect("/websocket", headers=wrong),
        ):
            pass


def test_shutdown_closes_clients_and_unregisters_the_channel(mock_adapter: MockAdapter) -> None:
    app = create_app(mock_adapter, token=TOKEN)
    with TestClient(app, headers=AUTH) as client:
        assert len(mock_adapter.channels) == 1
        with client.websocket_connect("/websocket") as ws:
            mock_adapter.emit_fossilized(Fossil(b"\x01" * 32, b"", 1))
            assert ws.receive_json()["type"] == "DidFossilize"
            assert client.portal is not None
            client.portal.call(app.state.hub.stop)  # what the app's shutdown runs
            assert len(mock_adapter.channels) == 0
            mock_adapter.emit_fossilized(Fossil(b"\x02" * 32, b"", 2))  # to nobody, no error
            with pytest.raises(WebSocketDisconnect) as closed:
                ws.receive_json()
            assert closed.value.code == CLOSE_GOING_AWAY
    assert len(mock_adapter.channels) == 0


def test_the_ots_adapter_announces_each_submitted_fossil(
    ots_client: TestClient, ots_parts: OtsParts
) -> None:
    with ots_client.websocket_connect("/websocket") as ws:
        ids = [ots_client.post("/fossils", json={"data": f"{i:064x}"}).json()["id"] for i in (1, 2)]
        ots_parts.adapter.run_once()
        events = [ws.receive_json(), ws.receive_json()]
    assert {e["type"] for e in events} == {"DidFossilize"}
    assert sorted(e["data"]["fossil"]["id"] for e in events) == ids
    for event in events:
        evidence = event["data"]["evidence"]
        assert evidence["backend"] == "opentimestamps"
        assert evidence["state"] == "pending"
        assert evidence["calendars"] == list(ots_parts.adapter.config.calendars)
        assert base64.b64decode(evidence["proof"]).startswith(b"\x00OpenTimestamps")
        assert json.dumps(event)  # plain JSON all the way down
