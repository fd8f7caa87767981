"""A small threaded HTTP server on 127.0.0.1 that stops promptly, shared by the test servers."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self

SOCKET_TIMEOUT = 5.0  # bounds every read and write of a handler, so stop() never waits long


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True  # server_close() joins the handler threads
    request_queue_size = 128  # the default 5 drops bursts of connections (1 s SYN retry)

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.open_connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.connections_lock:
            self.open_connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.open_connections.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that hangs up mid-answer is expected here, not worth a traceback


class QuietHandler(BaseHTTPRequestHandler):
    """Base handler: no logging to stderr, bounded socket operations."""

    timeout = SOCKET_TIMEOUT
    server_version = "AmberTestServer/1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def send_body(
        self, status: int, body: bytes, content_type: str = "application/octet-stream"
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class BackgroundHttpServer:
    """Runs ``handler`` on 127.0.0.1 at an ephemeral port in a background thread."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._handler = handler
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._port: int | None = None  # kept after stop, so URLs stay meaningful
        self.stopping = threading.Event()  # set on stop; handlers that wait must wait on it

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("server not started")
        return self._port

    def start(self, on_server: Callable[[ThreadingHTTPServer], None] | None = None) -> None:
        if self._server is not None:
            raise RuntimeError("server already started")
        self.stopping.clear()
        self._server = _Server(self._handler)
        self._port = self._server.server_address[1]
        if on_server is not None:
            on_server(self._server)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"test-http-{self.port}",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self.stopping.set()
        server.shutdown()
        with server.connections_lock:
            connections = list(server.open_connections)
        for connection in connections:  # wake handlers blocked on a slow client
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=SOCKET_TIMEOUT)
            self._thread = None

    def __enter__(self) -> BackgroundHttpServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class LoopbackServer:
    """A test server's lifecycle: ``url``, ``start``/``stop``, and use as a context manager.

    Subclasses set ``self._http`` to their :class:`BackgroundHttpServer`.
    """

    _http: BackgroundHttpServer

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self._http.port}"

    def start(self) -> Self:
        self._http.start()
        return self

    def stop(self) -> None:
        self._http.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
