"""An HTTP proxy on 127.0.0.1 in front of a calendar that drops some requests and delays others.

Per request: with probability ``drop_fraction`` the connection is closed without an answer,
half the time before the calendar sees the request and half the time after it answered (the
calendar then holds a commitment nobody received); otherwise the answer is relayed after a
random delay of up to ``max_delay`` seconds.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter
from typing import ClassVar
from urllib.parse import urlsplit

from amber.core.testing._http import BackgroundHttpServer, LoopbackServer, QuietHandler

MAX_BODY = 1 << 20
UPSTREAM_TIMEOUT = 30.0


class FlakyProxy(LoopbackServer):
    def __init__(
        self,
        upstream: str,
        *,
        drop_fraction: float = 1 / 3,
        max_delay: float = 0.5,
        seed: int = 0,
    ) -> None:
        self.upstream = urlsplit(upstream)
        self.drop_fraction = drop_fraction
        self.max_delay = max_delay
        self.counts: Counter[str] = Counter()  # "dropped_before", "dropped_after", "relayed"
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        handler = type("Handler", (_ProxyHandler,), {"proxy": self})
        self._http = BackgroundHttpServer(handler)

    def decide(self) -> tuple[str, float]:
        """("drop_before" | "drop_after" | "relay", delay in seconds)."""
        with self._lock:
            roll = self._rng.random()
            delay = self._rng.uniform(0, self.max_delay)
        if roll < self.drop_fraction / 2:
            return "drop_before", 0.0
        if roll < self.drop_fraction:
            return "drop_after", 0.0
        return "relay", delay

    def count(self, what: str) -> None:
        with self._lock:
            self.counts[what] += 1


class _ProxyHandler(QuietHandler):
    proxy: ClassVar[FlakyProxy]
    timeout = UPSTREAM_TIMEOUT

    def do_GET(self) -> None:
        self._relay()

    def do_POST(self) -> None:
        self._relay()

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, MAX_BODY)) if length > 0 else b""
        action, delay = self.proxy.decide()
        if action == "drop_before":
            self._hang_up("dropped_before")
            return
        upstream = self.proxy.upstream
        connection = http.client.HTTPConnection(
            upstream.hostname or "127.0.0.1", upstream.port, timeout=UPSTREAM_TIMEOUT
        )
        try:
            connection.request(
                self.command,
                self.path,
                body=body or None,
                headers={"Content-Type": "application/octet-stream"},
            )
            answer = connection.getresponse()
            payload = answer.read(MAX_BODY)
            status, content_type = answer.status, answer.getheader("Content-Type") or ""
        except OSError:
            self._hang_up("upstream_failed")
            return
        finally:
            connection.close()
        if action == "drop_after":
            self._hang_up("dropped_after")
            return
        time.sleep(delay)
        self.proxy.count("relayed")
        self.send_response(status)
        self.send_header("Content-Type", content_type or "application/octet-stream")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _hang_up(self, what: str) -> None:
        self.proxy.count(what)
        self.close_connection = True
        self.connection.close()
