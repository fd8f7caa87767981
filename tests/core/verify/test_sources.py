"""Header sources: RPC node, Esplora, agreement between sources, and the checked-header cache."""

from __future__ import annotations

import itertools
from collections import Counter

import httpx
import pytest
from amber.core.verify import (
    AgreeingHeaderSource,
    BlockHeader,
    CachedHeaderSource,
    EsploraHeaderSource,
    HeaderSource,
    HeaderSourceError,
    RpcHeaderSource,
)

from tests.core.verify.fakes import (
    DictHeaderSource,
    display_hash,
    easy_header,
    esplora_transport,
    rpc_transport,
)
from tests.vectors import block_header_358391

HEIGHT = 358391
RAW = block_header_358391()
HASH = "000000000000000003e892881a8cdcdc117c06d444057c98b6f04a9ee75a2319"
ESPLORA = "https://esplora.example/api"
NODE = "http://amber:secret@127.0.0.1:8332"


def esplora(handler_or_headers: object, **kwargs: object) -> EsploraHeaderSource:
    if isinstance(handler_or_headers, dict):
        transport: httpx.BaseTransport = esplora_transport(handler_or_headers)
    else:
        transport = httpx.MockTransport(handler_or_headers)  # type: ignore[arg-type]
    return EsploraHeaderSource(ESPLORA, transport=transport, **kwargs)  # type: ignore[arg-type]


def _error(source: HeaderSource, height: int = HEIGHT) -> str:
    with pytest.raises(HeaderSourceError) as caught:
        source.header_at(height)
    return str(caught.value)


def test_esplora_serves_a_checked_header() -> None:
    header = esplora({HEIGHT: RAW}).header_at(HEIGHT)
    assert header.block_hash_hex == HASH and header.raw == RAW


def test_esplora_missing_block() -> None:
    assert "has no block at height 5" in _error(esplora({HEIGHT: RAW}), 5)


def test_esplora_header_that_does_not_hash_to_the_block_hash() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(f"/block-height/{HEIGHT}"):
            return httpx.Response(200, text="00" * 32)
        return httpx.Response(200, text=RAW.hex())

    message = _error(esplora(handler))
    assert "hashes to " + HASH in message and "not to the block hash" in message


def test_esplora_header_that_misses_its_target() -> None:
    tampered = bytearray(RAW)
    tampered[-1] ^= 1
    assert "does not meet its own proof-of-work target" in _error(
        esplora({HEIGHT: bytes(tampered)})
    )


def test_esplora_garbage_and_bad_hex() -> None:
    assert "not a block hash" in _error(esplora(lambda r: httpx.Response(200, text="<html>")))

    def bad_header(request: httpx.Request) -> httpx.Response:
        if "block-height" in request.url.path:
            return httpx.Response(200, text=HASH)
        return httpx.Response(200, text="not hex")

    assert "hexadecimal" in _error(esplora(bad_header))
    assert "HTTP 500" in _error(esplora(lambda r: httpx.Response(500)))


def test_esplora_redirect_oversize_timeout_refused() -> None:
    redirect = esplora(lambda r: httpx.Response(302, headers={"Location": "https://x.example"}))
    assert "redirect" in _error(redirect)
    assert "larger than 10000 bytes" in _error(
        esplora(lambda r: httpx.Response(200, content=b"0" * 20_000))
    )

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    assert "did not answer within 3 s" in _error(esplora(slow, timeout=3.0))

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    assert "could not connect" in _error(esplora(refused))


def test_esplora_total_deadline() -> None:
    ticks = itertools.count(0, 6.0)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=iter([b"00"] * 40))

    source = esplora(handler, timeout=10.0, clock=lambda: next(ticks))
    assert "took longer than 10 s" in _error(source)


def test_regtest_header_is_refused_when_the_chain_is_bitcoin() -> None:
    raw = easy_header(b"\x01" * 32)
    assert esplora({7: raw}).header_at(7).raw == raw  # no chain given: own target only
    assert esplora({7: raw}, chain="regtest").header_at(7).raw == raw
    assert "easier proof-of-work target than bitcoin allows" in _error(
        esplora({7: raw}, chain="bitcoin"), 7
    )


def rpc(headers: dict[int, bytes], url: str = NODE, **kwargs: object) -> RpcHeaderSource:
    chain = kwargs.pop("node_chain", "main")
    transport = rpc_transport(headers, chain=chain)  # type: ignore[arg-type]
    return RpcHeaderSource(url, transport=transport, **kwargs)  # type: ignore[arg-type]


def test_rpc_serves_a_checked_header_with_basic_auth() -> None:
    calls: Counter[str] = Counter()
    source = RpcHeaderSource(NODE, transport=rpc_transport({HEIGHT: RAW}, calls=calls))
    assert source.header_at(HEIGHT).block_hash_hex == HASH
    assert calls == Counter({"getblockhash": 1, "getblockheader": 1})
    assert "secret" not in source.name and "secret" not in repr(source)
    assert source.chain_name() == "bitcoin"


def test_rpc_wrong_credentials() -> None:
    source = rpc({HEIGHT: RAW}, url="http://amber:wrong@127.0.0.1:8332")
    assert "refused the credentials (HTTP 401)" in _error(source)


def test_rpc_errors_are_reported() -> None:
    assert "getblockhash failed: Block height out of range" in _error(rpc({HEIGHT: RAW}), 999)

    def not_json(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="hello")

    source = RpcHeaderSource(NODE, transport=httpx.MockTransport(not_json))
    assert "no JSON" in _error(source)


def test_rpc_header_that_does_not_hash_to_the_block_hash() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        import json

        call = json.loads(request.content)
        result = "11" * 32 if call["method"] == "getblockhash" else RAW.hex()
        return httpx.Response(200, json={"result": result, "error": None, "id": call["id"]})

    source = RpcHeaderSource(NODE, transport=httpx.MockTransport(handler))
    assert "not to the block hash" in _error(source)


def test_rpc_node_on_another_chain_is_refused() -> None:
    raw = easy_header(b"\x02" * 32)
    assert "the node is on regtest, but Amber is set to bitcoin" in _error(
        rpc({1: raw}, node_chain="regtest", chain="bitcoin"), 1
    )
    assert rpc({1: raw}, node_chain="regtest", chain="regtest").header_at(1).raw == raw


def test_rpc_out_of_range_heights() -> None:
    assert "out of range" in _error(rpc({}), -1)
    assert "out of range" in _error(rpc({}), 2**40)


def test_agreeing_sources_that_agree() -> None:
    both = AgreeingHeaderSource(
        [esplora({HEIGHT: RAW}), RpcHeaderSource(NODE, transport=rpc_transport({HEIGHT: RAW}))]
    )
    assert both.header_at(HEIGHT).raw == RAW


def test_agreeing_sources_tolerate_one_that_cannot_answer() -> None:
    down = EsploraHeaderSource(
        "https://down.example", transport=httpx.MockTransport(lambda r: httpx.Response(503))
    )
    assert AgreeingHeaderSource([down, esplora({HEIGHT: RAW})]).header_at(HEIGHT).raw == RAW


def test_agreeing_sources_that_disagree_are_named() -> None:
    other = easy_header(b"\x03" * 32)
    source = AgreeingHeaderSource(
        [DictHeaderSource({HEIGHT: RAW}, "first"), DictHeaderSource({HEIGHT: other}, "second")]
    )
    message = _error(source)
    assert "disagree about block 358391" in message
    assert f"first says {HASH}" in message and f"second says {display_hash(other)}" in message


def test_agreeing_sources_none_answering() -> None:
    source = AgreeingHeaderSource([DictHeaderSource({}, "a"), DictHeaderSource({}, "b")])
    message = _error(source)
    assert "no header source could answer for block 358391" in message
    assert "a: no block" in message and "b: no block" in message


class FakeHeaderStore:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, int], bytes] = {}

    def get(self, chain: str, height: int) -> bytes | None:
        return self.rows.get((chain, height))

    def put(self, chain: str, height: int, raw: bytes) -> None:
        self.rows[(chain, height)] = raw


def test_cache_keeps_checked_headers_for_offline_use() -> None:
    store = FakeHeaderStore()
    calls: Counter[str] = Counter()
    online = CachedHeaderSource(
        store, EsploraHeaderSource(ESPLORA, transport=esplora_transport({HEIGHT: RAW}, calls))
    )
    assert online.header_at(HEIGHT).raw == RAW
    assert store.rows == {("bitcoin", HEIGHT): RAW}
    assert online.header_at(HEIGHT).raw == RAW
    assert calls["block-height"] == 1  # the second answer came from the cache

    offline = CachedHeaderSource(store, None)
    assert offline.header_at(HEIGHT) == BlockHeader.parse(RAW)
    assert "not in the local header cache" in _error(offline, 1)


def test_cache_is_per_chain_and_does_not_keep_rejected_headers() -> None:
    store = FakeHeaderStore()
    tampered = bytearray(RAW)
    tampered[-1] ^= 1
    source = CachedHeaderSource(store, esplora({HEIGHT: bytes(tampered)}), chain="regtest")
    _error(source)
    assert store.rows == {}
    store.put("bitcoin", HEIGHT, RAW)
    assert "not in the local header cache" in _error(CachedHeaderSource(store, None, "regtest"))
