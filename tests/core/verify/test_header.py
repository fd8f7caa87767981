"""BlockHeader: parsing, the block hash, compact targets and the proof-of-work check."""

from __future__ import annotations

import pytest
from amber.core.verify import BlockHeader, InvalidHeaderError, compact_to_target

from tests.core.verify.fakes import easy_header
from tests.vectors import block_header_358391


def test_block_358391() -> None:
    header = BlockHeader.parse(block_header_358391())
    assert header.block_hash_hex == (
        "000000000000000003e892881a8cdcdc117c06d444057c98b6f04a9ee75a2319"
    )
    assert header.block_hash == bytes.fromhex(header.block_hash_hex)[::-1]
    assert header.bits == 0x181686F5
    assert header.time == 1432827678
    assert header.version == 2
    assert header.merkle_root_hex == (
        "8a1b66ecb7cbd07d8139a7e7d7f2c41aab1f5009b8364aaf61d03ad245e47e00"
    )
    assert header.meets_own_target()
    assert header.within_pow_limit("bitcoin")


def test_tampered_header_misses_its_target() -> None:
    raw = bytearray(block_header_358391())
    raw[-1] ^= 1  # another nonce
    assert not BlockHeader.parse(bytes(raw)).meets_own_target()


@pytest.mark.parametrize("size", [0, 79, 81])
def test_wrong_size_is_refused(size: int) -> None:
    with pytest.raises(InvalidHeaderError, match="80 bytes"):
        BlockHeader.parse(b"\x00" * size)


def test_from_hex_refuses_non_hex() -> None:
    with pytest.raises(InvalidHeaderError, match="hexadecimal"):
        BlockHeader.from_hex("zz" * 80)


@pytest.mark.parametrize(
    ("bits", "target"),
    [
        (0x1D00FFFF, 0xFFFF << 208),
        (0x181686F5, 0x1686F5 << 168),
        (0x207FFFFF, 0x7FFFFF << 232),
        (0x03123456, 0x123456),
        (0x02123456, 0x1234),
        (0x01123456, 0x12),
    ],
)
def test_compact_targets(bits: int, target: int) -> None:
    assert compact_to_target(bits) == target


@pytest.mark.parametrize(
    ("bits", "why"),
    [
        (0x04923456, "negative"),
        (0x01803456, "negative"),
        (0xFF123456, "overflows"),
        (0x23000001, "overflows"),
        (0x22000100, "overflows"),
        (0x21010000, "overflows"),
        (0x00000000, "zero"),
        (0x01003456, "zero"),
    ],
)
def test_bad_compact_targets(bits: int, why: str) -> None:
    with pytest.raises(InvalidHeaderError, match=why):
        compact_to_target(bits)


def test_header_with_bad_bits_never_meets_its_target() -> None:
    raw = bytearray(easy_header(b"\x01" * 32))
    raw[72:76] = (0x04923456).to_bytes(4, "little")  # sign bit set
    assert not BlockHeader.parse(bytes(raw)).meets_own_target()


def test_regtest_header_meets_its_easy_target_but_not_bitcoins_limit() -> None:
    header = BlockHeader.parse(easy_header(b"\x01" * 32))
    assert header.meets_own_target()
    assert header.within_pow_limit("regtest")
    assert not header.within_pow_limit("bitcoin")
    with pytest.raises(ValueError, match="unknown chain"):
        header.within_pow_limit("dogecoin")
