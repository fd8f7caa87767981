"""HTTP towards servers Amber does not trust (calendars, nodes, explorers).

Every call has a connect/read timeout and a total deadline, reads at most ``max_response_bytes``
(never inflating a compressed body), refuses redirects, and fails with a :class:`FetchError`
whose ``kind`` is a short code and whose ``reason`` is a sentence for people.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx


class FetchError(Exception):
    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind = kind  # timeout, unreachable, network, redirect, garbage, oversized
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str


class CappedHttp:
    def __init__(
        self,
        *,
        timeout: float,
        max_response_bytes: int,
        transport: httpx.BaseTransport | None = None,
        auth: httpx.BasicAuth | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self._transport = transport
        self._auth = auth
        self._clock = clock
        self._client: httpx.Client | None = None
        self._client_lock = threading.Lock()

    def _http_client(self) -> httpx.Client:
        """One client, reused: building one costs an SSL context (~0.1 s)."""
        with self._client_lock:
            if self._client is None:
                self._client = httpx.Client(
                    transport=self._transport,
                    timeout=httpx.Timeout(self.timeout),
                    follow_redirects=False,
                    trust_env=False,
                    auth=self._auth,
                )
            return self._client

    def fetch(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """The status, the whole (capped) body and the content type of any non-redirect answer."""
        deadline = self._clock() + self.timeout
        sent = {"Accept-Encoding": "identity", **(headers or {})}
        try:
            with self._http_client().stream(
                method, url, content=content, json=json_body, headers=sent
            ) as response:
                return self._read(response, deadline)
        except FetchError:
            raise
        except httpx.ConnectTimeout:
            _fail("timeout", f"could not connect within {self.timeout:g} s")
        except httpx.TimeoutException:
            _fail("timeout", f"did not answer within {self.timeout:g} s")
        except httpx.ConnectError as error:
            _fail("unreachable", f"could not connect (refused or unreachable): {error}")
        except httpx.HTTPError as error:
            _fail("network", f"network error: {type(error).__name__}: {error}")

    def _read(self, response: httpx.Response, deadline: float) -> Answer:
        status = response.status_code
        if 300 <= status < 400:
            target = response.headers.get("location", "(no location)")
            _fail("redirect", f"answered with a redirect (HTTP {status}) to {target}; refused")
        encoding = response.headers.get("content-encoding", "identity").strip().lower()
        if encoding not in ("", "identity"):
            _fail("garbage", f"answered with a {encoding}-compressed body we did not ask for")
        oversized = f"answer larger than {self.max_response_bytes} bytes; not read"
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_response_bytes:
            _fail("oversized", oversized)
        body = bytearray()
        for chunk in response.iter_bytes():  # identity encoding: these are the raw bytes
            body += chunk
            if len(body) > self.max_response_bytes:
                _fail("oversized", oversized)
            if self._clock() > deadline:
                _fail("timeout", f"took longer than {self.timeout:g} s to answer in full")
        return Answer(status, bytes(body), response.headers.get("content-type", ""))


def _fail(kind: str, reason: str) -> NoReturn:
    raise FetchError(kind, reason)
