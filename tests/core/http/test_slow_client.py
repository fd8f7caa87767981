"""Over a real uvicorn server: a websocket client that stops reading is cut off, the rest go on."""

from __future__ import annotations

import base64
import logging
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from amber.core.fossilizer import Fossil
from amber.core.http import ApiLimits, create_app, serve
from amber.core.http.server import bind
from amber.core.testing import MockAdapter
from amber.core.testing.conformance.waiting import wait_until
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from .conftest import AUTH, TOKEN


@dataclass
class Running:
    adapter: MockAdapter
    app: Starlette
    address: tuple[str, int]
    stop: threading.Event
    thread: threading.Thread

    @property
    def ws_url(self) -> str:
        return f"ws://{self.address[0]}:{self.address[1]}/websocket"


@pytest.fixture
def running() -> Iterator[Running]:
    adapter = MockAdapter()
    app = create_app(adapter, token=TOKEN, limits=ApiLimits(ws_buffer=8))
    sock = bind("127.0.0.1", 0)
    started, stop = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=serve, args=(app, sock), kwargs={"on_started": started.set, "stop": stop}
    )
    thread.start()
    try:
        assert started.wait(10), "the server did not start"
        yield Running(adapter, app, sock.getsockname()[:2], stop, thread)
    finally:
        stop.set()
        thread.join(30)
        sock.close()
    assert not thread.is_alive(), "the server did not stop"
    assert len(adapter.channels) == 0


def open_without_reading(address: tuple[str, int]) -> socket.socket:
    """A websocket handshake on a raw socket with a tiny receive buffer, then silence."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(address)
    key = base64.b64encode(os.urandom(16))
    sock.sendall(
        b"GET /websocket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + key + b"\r\n"
        b"Authorization: Bearer " + TOKEN.encode() + b"\r\n\r\n"
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert head.startswith(b"HTTP/1.1 101"), head
    return sock


def fast_client(url: str) -> ClientConnection:
    return connect(url, additional_headers=AUTH, max_size=None, open_timeout=10)


def test_a_client_that_stops_reading_is_disconnected_and_the_others_get_every_event(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="amber.core.http")
    hub = running.app.state.hub
    slow = open_without_reading(running.address)
    with fast_client(running.ws_url) as fast:
        wait_until(lambda: hub.subscribers == 2, what="both clients subscribed")
        proof = os.urandom(48_000)  # about 64 KB per message
        sent = 0
        while hub.subscribers == 2:
            assert sent < 2_000, "the slow client was never cut off"
            sent += 1
            running.adapter.emit_fossilized(Fossil(sent.to_bytes(32, "big"), b"", sent), proof)
            assert b'"id": %d' % sent in fast.recv(timeout=10).encode()
        # The slow one held at most its buffer (8 messages) in the server, plus socket buffers.
        assert "is too slow (8 events waiting); disconnecting it" in caplog.text
        running.adapter.emit_fossilized(Fossil(b"\xff" * 32, b"", 99_999))
        assert '"id": 99999' in str(fast.recv(timeout=10))
    slow.close()


def test_shutdown_closes_connected_clients_and_leaves_the_adapter(running: Running) -> None:
    with fast_client(running.ws_url) as client:
        wait_until(lambda: running.app.state.hub.subscribers == 1, what="client subscribed")
        running.adapter.emit_fossilized(Fossil(b"\x01" * 32, b"", 1))
        assert '"DidFossilize"' in str(client.recv(timeout=10))
        running.stop.set()
        with pytest.raises(ConnectionClosed) as closed:
            client.recv(timeout=10)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code in (1001, 1012)  # going away / service restart
        running.thread.join(15)
        assert not running.thread.is_alive()
        assert len(running.adapter.channels) == 0
