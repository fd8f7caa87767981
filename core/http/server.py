"""serve: run an ASGI app with uvicorn on one address until SIGINT/SIGTERM, then drain."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from types import FrameType
from typing import Any

import uvicorn

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
GRACEFUL_TIMEOUT = 10  # seconds in-flight requests get to finish after a stop signal


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0: any free port); knowing the port before serving lets
    the caller print the real address."""
    family, kind, proto, _name, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
        sock.set_inheritable(True)
    except BaseException:
        sock.close()
        raise
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class _Server(uvicorn.Server):
    def __init__(
        self,
        config: uvicorn.Config,
        on_started: Callable[[], None] | None,
        stop: threading.Event | None,
    ) -> None:
        super().__init__(config)
        self._on_started = on_started
        self._stop = stop

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started and self._on_started is not None:
            self._on_started()

    async def on_tick(self, counter: int) -> bool:
        if self._stop is not None and self._stop.is_set():
            self.should_exit = True
        return await super().on_tick(counter)


def serve(
    app: Any,
    sock: socket.socket,
    *,
    on_started: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
    graceful_timeout: int = GRACEFUL_TIMEOUT,
    ws_ping_interval: float = 20.0,
    log_level: str = "warning",
) -> None:
    """Serve ``app`` on ``sock`` until SIGINT or SIGTERM (or ``stop`` is set). Then: stop
    accepting, let requests in flight finish (up to ``graceful_timeout``), close websockets, run
    the app's shutdown."""
    config = uvicorn.Config(
        app,
        lifespan="on",
        ws="websockets-sansio",
        ws_ping_interval=ws_ping_interval,
        ws_ping_timeout=ws_ping_interval,
        timeout_graceful_shutdown=graceful_timeout,
        log_level=log_level,
        access_log=False,
        server_header=False,
        proxy_headers=False,
    )
    server = _Server(config, on_started, stop)
    with _absorb_reraised_stop_signals():
        server.run(sockets=[sock])


@contextlib.contextmanager
def _absorb_reraised_stop_signals() -> Iterator[None]:
    """uvicorn re-raises the stop signal once it has shut down; by then we have stopped
    cleanly, so the re-raised signal must not kill the process before the caller's cleanup."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def ignore(_signum: int, _frame: FrameType | None) -> None:
        return None

    previous = {sig: signal.signal(sig, ignore) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
