"""Bitcoin block headers: parsing the 80 bytes, the block hash, and the proof-of-work check."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass

HEADER_BYTES = 80

# Proof-of-work limits (the easiest target a chain allows), as compact nBits.
POW_LIMIT_BITS = {"bitcoin": 0x1D00FFFF, "testnet": 0x1D00FFFF, "regtest": 0x207FFFFF}


class InvalidHeaderError(ValueError):
    """Bytes that are not a well-formed block header, or nBits that encode no valid target."""


def sha256d(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def compact_to_target(bits: int) -> int:
    """Decode compact nBits to the target; negative, overflowing or zero targets are refused."""
    exponent = bits >> 24
    mantissa = bits & 0x007FFFFF
    if bits & 0x00800000 and mantissa:
        raise InvalidHeaderError(f"nBits 0x{bits:08x} encodes a negative target")
    if mantissa and (
        exponent > 34
        or (mantissa > 0xFF and exponent > 33)
        or (mantissa > 0xFFFF and exponent > 32)
    ):
        raise InvalidHeaderError(f"nBits 0x{bits:08x} overflows 256 bits")
    shift = 8 * (exponent - 3)
    target = mantissa << shift if shift >= 0 else mantissa >> -shift
    if target == 0:
        raise InvalidHeaderError(f"nBits 0x{bits:08x} encodes a zero target")
    return target


@dataclass(frozen=True)
class BlockHeader:
    """An 80-byte Bitcoin block header. Hashes are in internal byte order."""

    raw: bytes
    version: int
    prev_hash: bytes
    merkle_root: bytes
    time: int
    bits: int
    nonce: int

    @classmethod
    def parse(cls, raw: bytes) -> BlockHeader:
        if not isinstance(raw, bytes) or len(raw) != HEADER_BYTES:
            size = len(raw) if isinstance(raw, bytes) else type(raw).__name__
            raise InvalidHeaderError(f"a block header is {HEADER_BYTES} bytes, got {size}")
        version, prev, root, time, bits, nonce = struct.unpack("<i32s32sIII", raw)
        return cls(raw, version, prev, root, time, bits, nonce)

    @classmethod
    def from_hex(cls, text: str) -> BlockHeader:
        try:
            raw = bytes.fromhex(text.strip())
        except ValueError:
            raise InvalidHeaderError("a block header must be hexadecimal") from None
        return cls.parse(raw)

    @property
    def block_hash(self) -> bytes:
        return sha256d(self.raw)

    @property
    def block_hash_hex(self) -> str:
        """The hash as block explorers and RPC show it (reversed)."""
        return self.block_hash[::-1].hex()

    @property
    def merkle_root_hex(self) -> str:
        return self.merkle_root[::-1].hex()

    @property
    def target(self) -> int:
        return compact_to_target(self.bits)

    def meets_own_target(self) -> bool:
        """Whether the block hash is at or below the target its own nBits claims."""
        try:
            target = self.target
        except InvalidHeaderError:
            return False
        return int.from_bytes(self.block_hash, "little") <= target

    def within_pow_limit(self, chain: str) -> bool:
        """Whether nBits claims no easier a target than ``chain`` allows."""
        limit = POW_LIMIT_BITS.get(chain)
        if limit is None:
            raise ValueError(f"unknown chain {chain!r}")
        try:
            return self.target <= compact_to_target(limit)
        except InvalidHeaderError:
            return False
