"""The regtest node anchors roots into real blocks; the fake Esplora serves their headers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import httpx
import pytest
from amber.core.testing.esplora import FakeEsplora, block_hash_hex
from amber.core.testing.regtest import (
    RegtestNode,
    bits_to_target,
    header_meets_bitcoin_target,
    merkle_path_timestamp,
    sha256d,
)
from bitcoin.core import CBlockHeader
from opentimestamps.core.notary import BitcoinBlockHeaderAttestation
from opentimestamps.core.timestamp import Timestamp

VECTORS = Path(__file__).resolve().parents[4] / "shared" / "ots-vectors"
BLOCK_358391 = bytes.fromhex((VECTORS / "block-headers" / "358391.hex").read_text().strip())


def merkle_root(txids: list[bytes]) -> bytes:
    level = list(txids)
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]


def test_bits_to_target_matches_known_values() -> None:
    assert bits_to_target(0x1D00FFFF) == 0xFFFF << 208  # Bitcoin's difficulty-1 target
    assert bits_to_target(0x207FFFFF) == 0x7FFFFF << 232  # regtest
    assert bits_to_target(0x04923456) == -1  # sign bit set: nothing meets it


def test_real_block_header_passes_the_pow_check_and_a_tampered_one_fails() -> None:
    assert header_meets_bitcoin_target(BLOCK_358391)
    assert block_hash_hex(BLOCK_358391) == (
        "000000000000000003e892881a8cdcdc117c06d444057c98b6f04a9ee75a2319"
    )
    tampered = bytearray(BLOCK_358391)
    tampered[0] ^= 1
    assert not header_meets_bitcoin_target(bytes(tampered))


@pytest.mark.parametrize("count", range(1, 8))
def test_merkle_paths_follow_bitcoins_duplicate_last_rule(count: int) -> None:
    txids = [hashlib.sha256(bytes([count, i])).digest() for i in range(count)]
    for index in range(count):
        leaf = Timestamp(txids[index])
        tip = merkle_path_timestamp(leaf, txids, index)
        assert tip.msg == merkle_root(txids)


def test_node_starts_with_spendable_coins(regtest_node: RegtestNode) -> None:
    info = regtest_node.rpc("getblockchaininfo")
    assert info["chain"] == "regtest"
    assert regtest_node.rpc("getbalance") > 0
    assert regtest_node.rpc_url.startswith("http://amber:")


def test_anchored_root_leads_to_a_block_that_passes_the_bitcoin_check(
    regtest_node: RegtestNode,
) -> None:
    root = hashlib.sha256(b"amber regtest anchor").digest()

    height, timestamp = regtest_node.anchor_root(root)

    assert timestamp.msg == root
    [(msg, attestation)] = timestamp.all_attestations()
    assert attestation == BitcoinBlockHeaderAttestation(height)
    block_hash = regtest_node.rpc("getblockhash", height)
    info = regtest_node.rpc("getblockheader", block_hash)
    assert msg == bytes.fromhex(info["merkleroot"])[::-1]
    raw_header = bytes.fromhex(regtest_node.rpc("getblockheader", block_hash, False))
    assert header_meets_bitcoin_target(raw_header)
    assert block_hash_hex(raw_header) == block_hash
    # The opentimestamps library agrees, on a header parsed by python-bitcoinlib.
    header = CBlockHeader.deserialize(raw_header)
    assert attestation.verify_against_blockheader(msg, header) == info["time"]


def test_anchoring_transaction_holds_the_root_in_op_return(regtest_node: RegtestNode) -> None:
    root = hashlib.sha256(b"op_return").digest()
    height, _ = regtest_node.anchor_root(root)

    block = regtest_node.rpc("getblock", regtest_node.rpc("getblockhash", height), 2)
    scripts = [out["scriptPubKey"]["hex"] for tx in block["tx"] for out in tx["vout"]]
    assert "6a20" + root.hex() in scripts


def test_repeated_anchors_each_pass(regtest_node: RegtestNode) -> None:
    heights = []
    for i in range(4):
        height, timestamp = regtest_node.anchor_root(sha256d(bytes([i])))
        raw = regtest_node.block_header(height)
        [(msg, _)] = timestamp.all_attestations()
        assert header_meets_bitcoin_target(raw)
        assert msg == raw[36:68]
        heights.append(height)
    assert heights == sorted(set(heights))


def test_anchor_refuses_a_root_that_is_not_32_bytes(regtest_node: RegtestNode) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        regtest_node.anchor_root(b"short")


# -- fake Esplora -----------------------------------------------------------------------------


def test_fake_esplora_serves_the_nodes_headers(
    regtest_node: RegtestNode, fake_esplora: FakeEsplora
) -> None:
    height = regtest_node.rpc("getblockcount")
    with httpx.Client(base_url=fake_esplora.url, timeout=5.0) as http:
        block_hash = http.get(f"/block-height/{height}").text
        header_hex = http.get(f"/block/{block_hash}/header").text
        assert http.get("/blocks/tip/height").text == str(height)
        assert http.get(f"/block-height/{height + 1000}").status_code == 404
        assert http.get(f"/block/{'00' * 32}/header").status_code == 404

    assert block_hash == regtest_node.rpc("getblockhash", height)
    assert header_hex == regtest_node.rpc("getblockheader", block_hash, False)


def test_fake_esplora_serves_a_dict_of_real_headers() -> None:
    with (
        FakeEsplora(headers={358391: BLOCK_358391}) as esplora,
        httpx.Client(base_url=esplora.url, timeout=5.0) as http,
    ):
        block_hash = http.get("/block-height/358391").text
        header = http.get(f"/block/{block_hash}/header")
        missing = http.get("/block-height/358392")

    assert block_hash == "000000000000000003e892881a8cdcdc117c06d444057c98b6f04a9ee75a2319"
    assert header.headers["content-type"].startswith("text/plain")
    assert bytes.fromhex(header.text) == BLOCK_358391
    assert missing.status_code == 404


def test_lying_esplora_serves_a_consistent_but_different_header(
    regtest_node: RegtestNode,
) -> None:
    height = regtest_node.rpc("getblockcount")
    with (
        FakeEsplora(node=regtest_node, lie=True) as liar,
        httpx.Client(base_url=liar.url, timeout=5.0) as http,
    ):
        block_hash = http.get(f"/block-height/{height}").text
        raw = bytes.fromhex(http.get(f"/block/{block_hash}/header").text)

    assert raw != regtest_node.block_header(height)
    assert block_hash_hex(raw) == block_hash  # self-consistent
    assert header_meets_bitcoin_target(raw)  # only comparing sources exposes it


def test_esplora_needs_exactly_one_backing() -> None:
    with pytest.raises(ValueError):
        FakeEsplora()
    with pytest.raises(ValueError, match="80"):
        FakeEsplora(headers={1: b"short"})
