"""Where block headers come from: a bitcoind-style node, Esplora APIs, agreement, and a cache.

Every header that leaves a network source has been parsed, hashed to the block hash the source
named, and checked against its own proof-of-work target (and, when a chain is given, against that
chain's proof-of-work limit).
"""

from __future__ import annotations

import itertools
import json
import logging
import re
import time
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, Protocol, runtime_checkable
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

from ..capped_http import CappedHttp, FetchError
from .header import POW_LIMIT_BITS, BlockHeader, InvalidHeaderError

log = logging.getLogger(__name__)

MAX_HEIGHT = (1 << 31) - 1
_HASH_RE = re.compile(r"[0-9a-f]{64}")
_RPC_CHAIN_NAMES = {"main": "bitcoin", "test": "testnet", "regtest": "regtest", "signet": "signet"}


class HeaderSourceError(Exception):
    """A header source that could not give a trustworthy header, with the reason."""


@runtime_checkable
class HeaderSource(Protocol):
    name: str

    def header_at(self, height: int) -> BlockHeader: ...


class HeaderStoreLike(Protocol):
    """What CachedHeaderSource needs of amber.core.storage.HeaderStore."""

    def get(self, chain: str, height: int) -> bytes | None: ...

    def put(self, chain: str, height: int, raw: bytes) -> None: ...


def _check_height(height: int) -> None:
    if not isinstance(height, int) or isinstance(height, bool) or not 0 <= height <= MAX_HEIGHT:
        raise HeaderSourceError(f"block height {height!r} is out of range")


def checked_header(
    raw_hex: str, block_hash_hex: str, *, source: str, height: int, chain: str | None
) -> BlockHeader:
    """Parse a header and check it hashes to ``block_hash_hex`` and meets its target."""
    try:
        header = BlockHeader.from_hex(raw_hex)
    except InvalidHeaderError as error:
        raise HeaderSourceError(f"{source}: block {height}: {error}") from None
    if header.block_hash_hex != block_hash_hex:
        raise HeaderSourceError(
            f"{source}: block {height}: the header hashes to {header.block_hash_hex}, "
            f"not to the block hash {block_hash_hex} it was given for"
        )
    if not header.meets_own_target():
        raise HeaderSourceError(
            f"{source}: block {height}: the header does not meet its own proof-of-work target"
        )
    if chain in POW_LIMIT_BITS and not header.within_pow_limit(chain):
        raise HeaderSourceError(
            f"{source}: block {height}: the header claims an easier proof-of-work target "
            f"than {chain} allows"
        )
    return header


class _Http:
    """A source's HTTP (timeouts, size cap, no redirects); failures name the source."""

    def __init__(
        self,
        name: str,
        *,
        timeout: float,
        max_response_bytes: int,
        transport: httpx.BaseTransport | None,
        auth: httpx.BasicAuth | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._capped = CappedHttp(
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            transport=transport,
            auth=auth,
            clock=clock,
        )

    def fail(self, reason: str) -> NoReturn:
        raise HeaderSourceError(f"{self.name}: {reason}")

    def request(self, method: str, url: str, *, json_body: Any = None) -> tuple[int, bytes, str]:
        """Return (status, body, content type); redirects and oversized bodies are errors."""
        try:
            answer = self._capped.fetch(method, url, json_body=json_body)
        except FetchError as error:
            self.fail(error.reason)
        return answer.status, answer.body, answer.content_type


def _split_credentials(url: str) -> tuple[str, httpx.BasicAuth | None]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if parts.username is None:
        return url.rstrip("/"), None
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    clean = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    auth = httpx.BasicAuth(unquote(parts.username), unquote(parts.password or ""))
    return clean.rstrip("/"), auth


class RpcHeaderSource:
    """A bitcoind-compatible JSON-RPC node (``http://user:pass@host:port``).

    With ``chain`` set ("bitcoin" or "regtest"), the node must say it is on that chain and
    headers must respect the chain's proof-of-work limit.
    """

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        chain: str | None = None,
        max_response_bytes: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, auth = _split_credentials(url)
        self.name = f"node {self.url}"  # never shows the credentials
        self.chain = chain
        self._http = _Http(
            self.name,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            transport=transport,
            auth=auth,
            clock=clock,
        )
        self._ids = itertools.count(1)
        self._chain_checked = False

    def __repr__(self) -> str:
        return f"RpcHeaderSource({self.url!r})"

    def call(self, method: str, *params: Any) -> Any:
        request_id = next(self._ids)
        payload = {"jsonrpc": "1.0", "id": request_id, "method": method, "params": list(params)}
        status, body, _ctype = self._http.request("POST", self.url + "/", json_body=payload)
        if status == 401 or status == 403:
            self._http.fail(f"the node refused the credentials (HTTP {status})")
        try:
            answer = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            self._http.fail(f"answered {method} with HTTP {status} and no JSON")
        if not isinstance(answer, dict):
            self._http.fail(f"answered {method} with JSON that is not an object")
        error = answer.get("error")
        if error:
            message = error.get("message") if isinstance(error, dict) else error
            self._http.fail(f"{method} failed: {str(message)[:200]}")
        if status != 200:
            self._http.fail(f"answered {method} with HTTP {status}")
        if "result" not in answer:
            self._http.fail(f"answered {method} without a result")
        return answer["result"]

    def chain_name(self) -> str:
        """The node's chain in Amber's words: "bitcoin", "testnet", "regtest", "signet"."""
        info = self.call("getblockchaininfo")
        chain = info.get("chain") if isinstance(info, dict) else None
        if not isinstance(chain, str):
            self._http.fail("getblockchaininfo has no chain name")
        return _RPC_CHAIN_NAMES.get(chain, chain)

    def header_at(self, height: int) -> BlockHeader:
        _check_height(height)
        if self.chain is not None and not self._chain_checked:
            actual = self.chain_name()
            if actual != self.chain:
                self._http.fail(f"the node is on {actual}, but Amber is set to {self.chain}")
            self._chain_checked = True
        block_hash = self.call("getblockhash", height)
        if not isinstance(block_hash, str) or not _HASH_RE.fullmatch(block_hash):
            self._http.fail(f"getblockhash {height} did not answer a block hash")
        raw = self.call("getblockheader", block_hash, False)
        if not isinstance(raw, str):
            self._http.fail(f"getblockheader {block_hash} did not answer hex")
        return checked_header(raw, block_hash, source=self.name, height=height, chain=self.chain)


class EsploraHeaderSource:
    """An Esplora-compatible HTTP API (``/block-height/{h}``, ``/block/{hash}/header``)."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        chain: str | None = None,
        max_response_bytes: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url, _auth = _split_credentials(url)
        self.name = f"esplora {self.url}"
        self.chain = chain
        self._http = _Http(
            self.name,
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            transport=transport,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"EsploraHeaderSource({self.url!r})"

    def _text(self, path: str, what: str) -> str:
        status, body, _ctype = self._http.request("GET", self.url + path)
        if status == 404:
            self._http.fail(f"has no {what}")
        if status != 200:
            self._http.fail(f"answered HTTP {status} for {what}")
        try:
            return body.decode("ascii").strip()
        except UnicodeDecodeError:
            self._http.fail(f"answered non-text for {what}")

    def header_at(self, height: int) -> BlockHeader:
        _check_height(height)
        block_hash = self._text(f"/block-height/{height}", f"block at height {height}").lower()
        if not _HASH_RE.fullmatch(block_hash):
            self._http.fail(f"answered something that is not a block hash for height {height}")
        raw = self._text(f"/block/{block_hash}/header", f"header for block {block_hash}")
        return checked_header(raw, block_hash, source=self.name, height=height, chain=self.chain)


class AgreeingHeaderSource:
    """Several sources; every one that answers must give the same header."""

    def __init__(self, sources: Sequence[HeaderSource]) -> None:
        if not sources:
            raise ValueError("AgreeingHeaderSource needs at least one source")
        self.sources = tuple(sources)
        self.name = " + ".join(source.name for source in self.sources)

    def header_at(self, height: int) -> BlockHeader:
        answers: list[tuple[HeaderSource, BlockHeader]] = []
        failures: list[str] = []
        for source in self.sources:
            try:
                answers.append((source, source.header_at(height)))
            except HeaderSourceError as error:
                failures.append(str(error))
        if not answers:
            raise HeaderSourceError(
                f"no header source could answer for block {height}: " + "; ".join(failures)
            )
        first = answers[0][1]
        if any(header.raw != first.raw for _source, header in answers[1:]):
            said = "; ".join(f"{s.name} says {h.block_hash_hex}" for s, h in answers)
            raise HeaderSourceError(f"header sources disagree about block {height}: {said}")
        return first


class CachedHeaderSource:
    """Headers already checked, kept in the database, so verification works again offline."""

    def __init__(
        self, store: HeaderStoreLike, inner: HeaderSource | None, chain: str = "bitcoin"
    ) -> None:
        self.store = store
        self.inner = inner
        self.chain = chain
        self.name = f"cache ({chain})" + (f" + {inner.name}" if inner is not None else "")

    def header_at(self, height: int) -> BlockHeader:
        _check_height(height)
        raw = self.store.get(self.chain, height)
        if raw is not None:
            try:
                return BlockHeader.parse(bytes(raw))
            except InvalidHeaderError:
                log.warning(
                    "cached header for %s block %d is damaged; fetching it", self.chain, height
                )
        if self.inner is None:
            raise HeaderSourceError(
                f"block {height} is not in the local header cache and no header source is set"
            )
        header = self.inner.header_at(height)
        self.store.put(self.chain, height, header.raw)
        return header
