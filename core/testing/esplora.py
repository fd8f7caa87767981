"""A fake Esplora HTTP API serving block headers, from a RegtestNode or from a dict.

Only what a header source needs: ``GET /block-height/{height}`` (the block hash, display hex,
text/plain), ``GET /block/{hash}/header`` (the raw 80-byte header, hex), and
``GET /blocks/tip/height``. Unknown heights and hashes are 404.

With ``lie=True`` it serves, for every height, a different but self-consistent header (another
Merkle root; its hash is what ``/block-height`` answers, and where it can, it also meets its own
proof-of-work target), so that only comparing sources exposes it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

from ._http import BackgroundHttpServer, LoopbackServer, QuietHandler
from .regtest import RpcError, header_meets_bitcoin_target, sha256d

if TYPE_CHECKING:
    from .regtest import RegtestNode

_HEIGHT = re.compile(r"^/block-height/(\d{1,10})$")
_HEADER = re.compile(r"^/block/([0-9a-fA-F]{64})/header$")
MAX_LIE_TRIES = 1000


def block_hash_hex(raw_header: bytes) -> str:
    """The block hash as explorers show it (byte-reversed double SHA-256)."""
    return sha256d(raw_header)[::-1].hex()


def lying_header(raw_header: bytes) -> bytes:
    """A different header for the same height: another Merkle root, and if a nonce within a
    thousand tries makes it meet its own Bitcoin target (always on regtest), that nonce."""
    header = bytearray(raw_header)
    header[36] ^= 0xFF
    nonce = int.from_bytes(header[76:80], "little")
    for i in range(MAX_LIE_TRIES):
        header[76:80] = ((nonce + i) % 2**32).to_bytes(4, "little")
        if header_meets_bitcoin_target(bytes(header)):
            break
    return bytes(header)


class FakeEsplora(LoopbackServer):
    """Esplora-compatible header API on 127.0.0.1 at an ephemeral port, in a background thread.

    Pass ``node`` (headers come from its RPC) or ``headers`` ({height: raw 80-byte header}).
    """

    def __init__(
        self,
        *,
        node: RegtestNode | None = None,
        headers: Mapping[int, bytes] | None = None,
        lie: bool = False,
    ) -> None:
        if (node is None) == (headers is None):
            raise ValueError("give exactly one of node= or headers=")
        for height, raw in (headers or {}).items():
            if len(raw) != 80:
                raise ValueError(f"header at height {height} is {len(raw)} bytes, not 80")
        self.node = node
        self.headers = dict(headers or {})
        self.lie = lie
        self.requests: dict[str, int] = {}
        self._lock = threading.Lock()
        self._served: dict[str, bytes] = {}  # block hash (display hex) -> header, as served
        handler = type("Handler", (_EsploraHandler,), {"esplora": self})
        self._http = BackgroundHttpServer(handler)

    # -- lookups (what the HTTP handler serves) --------------------------------------------

    def header_at(self, height: int) -> bytes | None:
        raw = self._true_header_at(height)
        if raw is None:
            return None
        if self.lie:
            raw = lying_header(raw)
        with self._lock:
            self._served[block_hash_hex(raw)] = raw
        return raw

    def header_by_hash(self, block_hash: str) -> bytes | None:
        block_hash = block_hash.lower()
        if self.node is not None and not self.lie:
            try:
                raw = bytes.fromhex(self.node.rpc("getblockheader", block_hash, False))
            except RpcError:
                return None
            # Only the active chain: blocks invalidated while anchoring are not served.
            return raw if self._active_hash(raw) else None
        with self._lock:
            served = self._served.get(block_hash)
        if served is not None:
            return served
        for height in self._heights():
            candidate = self.header_at(height)
            if candidate is not None and block_hash_hex(candidate) == block_hash:
                return candidate
        return None

    def tip_height(self) -> int:
        if self.node is not None:
            count: int = self.node.rpc("getblockcount")
            return count
        return max(self.headers, default=0)

    def _true_header_at(self, height: int) -> bytes | None:
        if self.node is None:
            return self.headers.get(height)
        try:
            return self.node.block_header(height)
        except RpcError:
            return None

    def _active_hash(self, raw: bytes) -> bool:
        assert self.node is not None
        info = self.node.rpc("getblockheader", block_hash_hex(raw), True)
        return int(info.get("confirmations", -1)) >= 1

    def _heights(self) -> list[int]:
        if self.node is None:
            return sorted(self.headers)
        return list(range(self.tip_height() + 1))


class _EsploraHandler(QuietHandler):
    esplora: ClassVar[FakeEsplora]

    def do_GET(self) -> None:
        esplora = self.esplora
        path = self.path.split("?", 1)[0]
        with esplora._lock:
            kind = path.split("/")[1] if path.count("/") else path
            esplora.requests[kind] = esplora.requests.get(kind, 0) + 1
        try:
            if path == "/blocks/tip/height":
                self.send_body(200, str(esplora.tip_height()).encode(), "text/plain")
                return
            if match := _HEIGHT.match(path):
                raw = esplora.header_at(int(match.group(1)))
                if raw is not None:
                    self.send_body(200, block_hash_hex(raw).encode(), "text/plain")
                    return
            elif match := _HEADER.match(path):
                raw = esplora.header_by_hash(match.group(1))
                if raw is not None:
                    self.send_body(200, raw.hex().encode(), "text/plain")
                    return
        except Exception as exc:  # the node went away: answer like a broken server
            self.send_body(500, f"error: {exc}".encode(), "text/plain")
            return
        self.send_body(404, b"Block not found", "text/plain")
