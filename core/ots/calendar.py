"""A careful client for the OpenTimestamps calendar HTTP API.

Every call has a connect/read timeout and a total deadline, reads at most ``max_response_bytes``,
refuses redirects, and parses the answer defensively. Every failure is a :class:`CalendarError`
whose ``kind`` is a short code and whose ``reason`` is a sentence for people.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Callable, Collection
from typing import NoReturn
from urllib.parse import urlsplit

import httpx
from opentimestamps.core.notary import PendingAttestation
from opentimestamps.core.op import CryptOp, OpAppend, OpPrepend
from opentimestamps.core.timestamp import Timestamp

from ..capped_http import CappedHttp, FetchError
from .proofs import ProofError, read_timestamp
from .walk import bitcoin_attestations, other_attestations

# The reference client's defaults (opentimestamps/calendar.py, python-opentimestamps 0.4.5).
DEFAULT_AGGREGATORS: tuple[str, ...] = (
    "https://a.pool.opentimestamps.org",
    "https://b.pool.opentimestamps.org",
    "https://a.pool.eternitywall.com",
    "https://ots.btc.catallaxy.com",
)
DEFAULT_CALENDAR_WHITELIST: frozenset[str] = frozenset(
    {
        "https://*.calendar.opentimestamps.org",
        "https://*.calendar.eternitywall.com",
        "https://*.calendar.catallaxy.com",
    }
)

USER_AGENT = "Amber (OpenTimestamps client)"
OTS_MEDIA_TYPE = "application/vnd.opentimestamps.v1"
MAX_SUBMIT_DIGEST = 64
_SAFE_TEXT = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789#-.,;: ")


class CalendarError(Exception):
    """A calendar that failed: ``kind`` is a short code, ``reason`` a sentence."""

    def __init__(self, url: str, reason: str, kind: str = "error") -> None:
        super().__init__(f"calendar {url}: {reason}")
        self.url = url
        self.reason = reason
        self.kind = kind


def url_allowed(url: str, patterns: Collection[str] = DEFAULT_CALENDAR_WHITELIST) -> bool:
    """Whether a calendar URL matches one of the glob patterns (``https://*.example.org``).

    As in the reference client: scheme and path must be equal, the host is glob-matched, and a
    pattern without a scheme allows both http and https. URLs with a query, fragment or login are
    never allowed.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if (
        parts.query
        or parts.fragment
        or "@" in parts.netloc
        or parts.scheme not in ("http", "https")
    ):
        return False
    for pattern in patterns:
        schemes: tuple[str, ...]
        if pattern.startswith(("http://", "https://")):
            allowed = urlsplit(pattern)
            schemes = (allowed.scheme,)
        else:
            allowed = urlsplit("https://" + pattern)
            schemes = ("http", "https")
        if (
            parts.scheme in schemes
            and parts.path == allowed.path
            and fnmatch.fnmatchcase(parts.netloc.lower(), allowed.netloc.lower())
        ):
            return True
    return False


class CalendarClient:
    """One calendar (or aggregator) at ``url``."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 10.0,
        max_response_bytes: int = 10_000,
        transport: httpx.BaseTransport | None = None,
        user_agent: str = USER_AGENT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"not an http(s) calendar URL: {url!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.max_response_bytes = max_response_bytes
        self._user_agent = user_agent
        self._http = CappedHttp(
            timeout=timeout,
            max_response_bytes=max_response_bytes,
            transport=transport,
            clock=clock,
        )

    def __repr__(self) -> str:
        return f"CalendarClient({self.url!r})"

    def submit(self, digest: bytes) -> Timestamp:
        """POST the digest; return the calendar's answer, which ends in pending attestations."""
        if not isinstance(digest, bytes) or not 0 < len(digest) <= MAX_SUBMIT_DIGEST:
            raise ValueError(f"a submitted digest must be 1 to {MAX_SUBMIT_DIGEST} bytes")
        body = self._request("POST", "/digest", content=digest, pending_ok=False)
        assert body is not None
        answer = self._parse(body, digest)
        self._check_submit_answer(answer, digest)
        return answer

    def get_timestamp(self, commitment: bytes) -> Timestamp | None:
        """GET the timestamp for a pending commitment; None while the calendar has nothing new."""
        if not isinstance(commitment, bytes) or not commitment:
            raise ValueError("a commitment must be non-empty bytes")
        body = self._request("GET", f"/timestamp/{commitment.hex()}", pending_ok=True)
        if body is None:
            return None
        answer = self._parse(body, commitment)
        for height, root in bitcoin_attestations(answer):
            if len(root) != 32:
                self._fail(
                    "bad_attestation",
                    f"claims Bitcoin block {height} for a {len(root)}-byte message, "
                    "but a merkle root is 32 bytes",
                )
        return answer

    # -- plumbing ---------------------------------------------------------------------------

    def _fail(self, kind: str, reason: str) -> NoReturn:
        raise CalendarError(self.url, reason, kind)

    def _request(
        self, method: str, path: str, *, content: bytes | None = None, pending_ok: bool
    ) -> bytes | None:
        headers = {"Accept": OTS_MEDIA_TYPE, "User-Agent": self._user_agent}
        try:
            answer = self._http.fetch(method, self.url + path, content=content, headers=headers)
        except FetchError as error:
            self._fail(error.kind, error.reason)
        if answer.status == 404 and pending_ok:
            return None
        if answer.status != 200:
            snippet = _snippet(answer.body)
            self._fail(
                "http_status",
                f"answered HTTP {answer.status}" + (f": {snippet}" if snippet else ""),
            )
        return answer.body

    def _parse(self, body: bytes, msg: bytes) -> Timestamp:
        if not body:
            self._fail("garbage", "answered with an empty body instead of a timestamp")
        try:
            return read_timestamp(body, msg)
        except ProofError as error:
            self._fail("garbage", f"answered something that is not a valid timestamp: {error}")

    def _check_submit_answer(self, answer: Timestamp, digest: bytes) -> None:
        claims = bitcoin_attestations(answer)
        if claims:
            self._fail(
                "bitcoin_claim",
                f"claims a fresh submission is already in Bitcoin block {claims[0][0]}",
            )
        others = [o for o in other_attestations(answer) if o.kind != "unknown"]
        if others:
            self._fail(
                "bitcoin_claim", f"claims a fresh submission is already in {others[0].describe()}"
            )
        pending = 0
        for commitment, path in _pending_paths(answer):
            pending += 1
            if not _wraps_submitted_message(digest, path):
                self._fail(
                    "wrong_commitment",
                    f"its commitment {commitment.hex()[:24]}... does not wrap the digest we "
                    "sent (or a hash of it): the answer is for something else",
                )
        if not pending:
            self._fail("no_pending", "answered a timestamp with no pending attestation")


def _snippet(body: bytes) -> str:
    """The start of an error page, with anything but plain text masked."""
    text = bytes(c if c in _SAFE_TEXT else ord("_") for c in body[:160])
    return text.decode("ascii").strip()


def _pending_paths(ts: Timestamp) -> list[tuple[bytes, list[tuple[object, bytes]]]]:
    """For each pending attestation: (commitment, [(op, result), ...] from ``ts`` to it)."""
    found: list[tuple[bytes, list[tuple[object, bytes]]]] = []
    stack: list[tuple[Timestamp, list[tuple[object, bytes]]]] = [(ts, [])]
    while stack:
        node, path = stack.pop()
        if any(isinstance(a, PendingAttestation) for a in node.attestations):
            found.append((node.msg, path))
        for op, child in node.ops.items():
            stack.append((child, [*path, (op, child.msg)]))
    return found


def _wraps_submitted_message(digest: bytes, path: list[tuple[object, bytes]]) -> bool:
    """A calendar commits to what it received by wrapping it: time prefix, MAC suffix.

    So the commitment must be the digest (or, after an aggregator's Merkle tree, the last hash
    result) with only prepend/append operations after it, at least one of them.
    """
    anchor: bytes | None = digest
    wrapped = False
    for op, result in path:
        if isinstance(op, CryptOp):
            anchor, wrapped = result, False
        elif isinstance(op, OpAppend | OpPrepend):
            wrapped = True
        else:  # hexlify, reverse, ...: no calendar does that to its commitment
            anchor = None
    return anchor is not None and wrapped
