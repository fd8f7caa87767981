"""A local OpenTimestamps calendar speaking the real calendar HTTP API, for tests.

``POST /digest`` answers, like the public calendars (see ``ots info`` on any fresh proof of
theirs), with the serialized ops ``append <16-byte nonce>, sha256, prepend <4-byte big-endian
time>, append <8-byte HMAC>`` ending in ``PendingAttestation(url)``: the pending commitment is
44 bytes. (With ``aggregate=False`` the nonce and sha256 are left out, as a bare calendar does:
the commitment is then time || digest || HMAC.) ``GET /timestamp/<commitment hex>`` is 404 while
pending and, after :meth:`LocalCalendar.anchor`, 200 with the serialized path from the
commitment (sha256, a Merkle tree over all commitments of that round, the regtest transaction
and block) to a ``BitcoinBlockHeaderAttestation``.

:attr:`LocalCalendar.behaviour` switches, at run time, to the ways a calendar can misbehave.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import os
import random
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from opentimestamps.core.notary import PendingAttestation
from opentimestamps.core.op import OpAppend, OpPrepend, OpSHA256
from opentimestamps.core.serialize import BytesSerializationContext
from opentimestamps.core.timestamp import Timestamp, make_merkle_tree

from ._http import BackgroundHttpServer, LoopbackServer, QuietHandler

if TYPE_CHECKING:
    from .regtest import RegtestNode

BEHAVIOURS = frozenset(
    {
        "ok",  # the real API
        "down",  # 500 for everything
        "garbage",  # 200 with random bytes
        "oversized",  # 200 with a body of several MB
        "wrong_commitment",  # well-formed answers whose paths lead somewhere else (see submit)
        "redirect",  # 302 to <url>/moved/..., which answers like "ok"
        "slow",  # the "ok" answer, one byte every slow_interval seconds
        "drop_some",  # drop_fraction of the requests: connection closed without an answer
    }
)
MAX_DIGEST_BYTES = 64
MAX_REQUEST_BODY = 4096
PENDING_MESSAGE = b"Pending confirmation in Bitcoin blockchain"


def serialize_timestamp(timestamp: Timestamp) -> bytes:
    """Serialize a Timestamp's ops and attestations (no magic header, no initial message)."""
    ctx = BytesSerializationContext()
    timestamp.serialize(ctx)
    return bytes(ctx.getbytes())


def _wrong(answer: bytes) -> bytes:
    """The upgrade for sha256(commitment) instead of commitment: it parses, but the Bitcoin
    attestation's message is then not the block's Merkle root."""
    ctx = BytesSerializationContext()
    OpSHA256().serialize(ctx)
    return bytes(ctx.getbytes()) + answer


class LocalCalendar(LoopbackServer):
    """A calendar on 127.0.0.1 at an ephemeral port, in a background thread.

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(
        self,
        *,
        behaviour: str = "ok",
        aggregate: bool = True,
        secret: bytes | None = None,
        clock: Callable[[], float] = time.time,
        nonce_source: Callable[[int], bytes] = os.urandom,
        slow_interval: float = 1.0,
        drop_fraction: float = 0.5,
        rng: random.Random | None = None,
        oversized_bytes: int = 4 * 1024 * 1024,
        redirect_location: str | None = None,
    ) -> None:
        self.behaviour = behaviour
        self.aggregate = aggregate
        self.secret = secret if secret is not None else os.urandom(32)
        self.clock = clock
        self.nonce_source = nonce_source
        self.slow_interval = slow_interval
        self.drop_fraction = drop_fraction
        self.rng = rng or random.Random(0)
        self.oversized_bytes = oversized_bytes
        self.redirect_location = redirect_location
        self.requests: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        self._submitted: list[bytes] = []
        self._pending: list[bytes] = []  # commitments, in order of submission
        self._answers: dict[bytes, bytes] = {}  # commitment -> serialized upgrade
        handler = type("Handler", (_CalendarHandler,), {"calendar": self})
        self._http = BackgroundHttpServer(handler)

    # -- behaviour --------------------------------------------------------------------------

    @property
    def behaviour(self) -> str:
        return self._behaviour

    @behaviour.setter
    def behaviour(self, value: str) -> None:
        if value not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {value!r}; one of {sorted(BEHAVIOURS)}")
        self._behaviour = value

    # -- state -----------------------------------------------------------------------------

    @property
    def submitted(self) -> list[bytes]:
        """Every digest received by ``POST /digest`` and answered, in order (a copy)."""
        with self._lock:
            return list(self._submitted)

    @property
    def pending(self) -> list[bytes]:
        """Commitments waiting for the next :meth:`anchor` (a copy)."""
        with self._lock:
            return list(self._pending)

    def submit(self, digest: bytes, *, wrong_commitment: bool = False) -> Timestamp:
        """What ``POST /digest`` does: record ``digest`` and return its pending timestamp.

        With ``wrong_commitment`` the answer is well-formed but its pending attestation sits on
        sha256(commitment), not on the commitment the calendar recorded: it does not wrap the
        digest with prepend/append as a calendar does, and it can never be upgraded.
        """
        if not 0 < len(digest) <= MAX_DIGEST_BYTES:
            raise ValueError(f"digest must be 1 to {MAX_DIGEST_BYTES} bytes, not {len(digest)}")
        timestamp = Timestamp(digest)
        tip = timestamp
        if self.aggregate:
            tip = tip.ops.add(OpAppend(self.nonce_source(16))).ops.add(OpSHA256())
        tip = tip.ops.add(OpPrepend(int(self.clock()).to_bytes(4, "big")))
        mac = hmac.new(self.secret, tip.msg, hashlib.sha256).digest()[:8]
        tip = tip.ops.add(OpAppend(mac))
        commitment = tip.msg
        if wrong_commitment:
            tip = tip.ops.add(OpSHA256())
        tip.attestations.add(PendingAttestation(self.url))
        with self._lock:
            self._submitted.append(digest)
            self._pending.append(commitment)
        return timestamp

    def anchor(self, node: RegtestNode) -> int:
        """Anchor every pending commitment in one regtest block; return the block height.

        The block's header also meets Bitcoin's proof-of-work rule (see RegtestNode.anchor_root).
        """
        with self._lock:
            commitments = list(self._pending)
        if not commitments:
            raise ValueError("no pending commitments to anchor")
        roots = [Timestamp(c) for c in commitments]
        tip = make_merkle_tree([root.ops.add(OpSHA256()) for root in roots])
        height, anchored = node.anchor_root(tip.msg)
        tip.merge(anchored)
        answers = {root.msg: serialize_timestamp(root) for root in roots}
        with self._lock:
            self._answers.update(answers)
            self._pending = [c for c in self._pending if c not in answers]
        return height

    def upgrade(self, commitment: bytes) -> bytes | None:
        """What ``GET /timestamp/<hex>`` answers: the serialized upgrade, or None (404)."""
        with self._lock:
            return self._answers.get(commitment)

    def is_pending(self, commitment: bytes) -> bool:
        with self._lock:
            return commitment in self._pending

    def _drop_this_one(self) -> bool:
        with self._lock:
            return self.rng.random() < self.drop_fraction


class _CalendarHandler(QuietHandler):
    calendar: ClassVar[LocalCalendar]

    def do_POST(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        calendar = self.calendar
        path = self.path.split("?", 1)[0]
        moved = path.startswith("/moved/")
        if moved:
            path = path[len("/moved") :]
        kind = "moved" if moved else self._kind(path)
        with calendar._lock:
            calendar.requests[kind] += 1
        body = self._read_body()
        if body is None:
            return
        behaviour = "ok" if moved else calendar.behaviour

        if behaviour == "drop_some" and calendar._drop_this_one():
            self.close_connection = True
            self.connection.close()
            return
        if behaviour == "down":
            self.send_body(500, b"Internal Server Error", "text/plain")
            return
        if behaviour == "garbage":
            with calendar._lock:
                noise = calendar.rng.randbytes(calendar.rng.randint(1, 200))
            self.send_body(200, noise)
            return
        if behaviour == "oversized":
            self._send_oversized(calendar.oversized_bytes)
            return
        if behaviour == "redirect":
            location = calendar.redirect_location or f"{calendar.url}/moved{path}"
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return

        status, answer, content_type = self._answer(
            path, body, wrong=behaviour == "wrong_commitment"
        )
        if behaviour == "slow" and status == 200:
            self._trickle(answer, content_type)
        else:
            self.send_body(status, answer, content_type)

    @staticmethod
    def _kind(path: str) -> str:
        if path == "/digest":
            return "digest"
        if path.startswith("/timestamp/"):
            return "timestamp"
        return "other"

    def _read_body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_REQUEST_BODY:
            self.send_body(400, b"bad request body length", "text/plain")
            return None
        return self.rfile.read(length) if length else b""

    def _answer(self, path: str, body: bytes, *, wrong: bool) -> tuple[int, bytes, str]:
        calendar = self.calendar
        if path == "/digest" and self.command == "POST":
            if not body or len(body) > MAX_DIGEST_BYTES:
                return 400, b"digest must be 1 to 64 bytes", "text/plain"
            answer = serialize_timestamp(calendar.submit(body, wrong_commitment=wrong))
            return 200, answer, "application/octet-stream"
        if path.startswith("/timestamp/") and self.command == "GET":
            try:
                commitment = bytes.fromhex(path[len("/timestamp/") :])
            except ValueError:
                return 400, b"commitment must be hex", "text/plain"
            upgrade = calendar.upgrade(commitment)
            if upgrade is not None:
                return 200, _wrong(upgrade) if wrong else upgrade, "application/octet-stream"
            if calendar.is_pending(commitment):
                return 404, PENDING_MESSAGE, "text/plain"
            return 404, b"Not found", "text/plain"
        if path == "/" and self.command == "GET":
            return 200, b"Amber local test calendar", "text/plain"
        return 404, b"Not found", "text/plain"

    def _trickle(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        stopping = self.calendar._http.stopping
        for i in range(len(body)):
            if stopping.wait(self.calendar.slow_interval):
                return
            self.wfile.write(body[i : i + 1])
            self.wfile.flush()

    def _send_oversized(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"\x00" * 65536
        sent = 0
        while sent < size and not self.calendar._http.stopping.is_set():
            piece = chunk[: size - sent]
            self.wfile.write(piece)
            sent += len(piece)
