"""Header sources without sockets: an Esplora and a JSON-RPC node behind httpx.MockTransport."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from collections import Counter

import httpx
from amber.core.verify import BlockHeader


def display_hash(raw: bytes) -> str:
    return hashlib.sha256(hashlib.sha256(raw).digest()).digest()[::-1].hex()


def esplora_transport(
    headers: dict[int, bytes], calls: Counter[str] | None = None
) -> httpx.MockTransport:
    by_hash = {display_hash(raw): raw for raw in headers.values()}

    def handler(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.strip("/").split("/")
        while parts and parts[0] not in ("block", "block-height"):
            parts = parts[1:]  # the API's base path, e.g. /api
        if not parts:
            return httpx.Response(404)
        if calls is not None:
            calls[parts[0]] += 1
        if len(parts) == 2 and parts[0] == "block-height":
            raw = headers.get(int(parts[1]))
            if raw is None:
                return httpx.Response(404, text="Block not found")
            return httpx.Response(200, text=display_hash(raw))
        if len(parts) == 3 and parts[0] == "block" and parts[2] == "header":
            raw = by_hash.get(parts[1])
            if raw is None:
                return httpx.Response(404, text="Block not found")
            return httpx.Response(200, text=raw.hex())
        return httpx.Response(404)

    return httpx.MockTransport(handler)


def rpc_transport(
    headers: dict[int, bytes],
    *,
    user: str = "amber",
    password: str = "secret",
    chain: str = "main",
    calls: Counter[str] | None = None,
) -> httpx.MockTransport:
    by_hash = {display_hash(raw): raw for raw in headers.values()}
    expected_auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("authorization") != expected_auth:
            return httpx.Response(401)
        call = json.loads(request.content)
        method, params = call["method"], call["params"]
        if calls is not None:
            calls[method] += 1

        def ok(result: object) -> httpx.Response:
            return httpx.Response(200, json={"result": result, "error": None, "id": call["id"]})

        def error(code: int, message: str) -> httpx.Response:
            body = {"result": None, "error": {"code": code, "message": message}, "id": call["id"]}
            return httpx.Response(500, json=body)

        if method == "getblockchaininfo":
            return ok({"chain": chain, "blocks": max(headers, default=0)})
        if method == "getblockhash":
            raw = headers.get(params[0])
            return ok(display_hash(raw)) if raw else error(-8, "Block height out of range")
        if method == "getblockheader":
            assert params[1] is False
            raw = by_hash.get(params[0])
            return ok(raw.hex()) if raw else error(-5, "Block not found")
        return error(-32601, "Method not found")

    return httpx.MockTransport(handler)


def easy_header(
    merkle_root: bytes, *, time: int = 1_700_000_000, prev: bytes = b"\x00" * 32
) -> bytes:
    """A regtest-difficulty header committing to ``merkle_root`` that meets its own target."""
    for nonce in range(1000):
        raw = struct.pack("<i32s32sIII", 0x20000000, prev, merkle_root, time, 0x207FFFFF, nonce)
        if BlockHeader.parse(raw).meets_own_target():
            return raw
    raise AssertionError("no nonce found")  # pragma: no cover - probability 2**-1000


class DictHeaderSource:
    """A HeaderSource over {height: BlockHeader}; heights it lacks are errors."""

    def __init__(self, headers: dict[int, bytes], name: str = "dict") -> None:
        self.headers = headers
        self.name = name
        self.asked: list[int] = []

    def header_at(self, height: int) -> BlockHeader:
        from amber.core.verify import HeaderSourceError

        self.asked.append(height)
        raw = self.headers.get(height)
        if raw is None:
            raise HeaderSourceError(f"{self.name}: no block {height}")
        return BlockHeader.parse(raw)
