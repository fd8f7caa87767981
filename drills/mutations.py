"""Hostile `.ots` files made from real proofs: bit flips, truncations, splices, deep nesting,
huge varuint lengths, oversized files, many Bitcoin claims. Deterministic: input ``i`` of seed
``s`` is always the same."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

MAGIC = b"\x00OpenTimestamps\x00\x00Proof\x00\xbf\x89\xe2\xe8\x84\xe8\x92\x94"
VERSION = b"\x01"
SHA256_TAG = b"\x08"
APPEND_TAG = b"\xf0"
FORK = b"\xff"
ATTESTATION = b"\x00"
PENDING_TAG = bytes.fromhex("83dfe30d2ef90c8e")
BITCOIN_TAG = bytes.fromhex("0588960d73d71901")
MAX_PROOF_BYTES = 1 << 20


@dataclass(frozen=True)
class Seed:
    name: str
    proof: bytes
    digest: bytes  # the sha256 of the stamped file (what `amber verify FILE` compares with)


@dataclass(frozen=True)
class Hostile:
    kind: str
    data: bytes
    digest: bytes


def load_seeds(vectors: Path) -> list[Seed]:
    seeds = []
    for proof in sorted((vectors / "proofs").glob("*.ots")):
        original = proof.with_suffix("")
        digest = hashlib.sha256(original.read_bytes()).digest() if original.exists() else b""
        seeds.append(Seed(proof.name, proof.read_bytes(), digest))
    for proof in sorted((vectors / "invalid").glob("*.ots")):
        seeds.append(Seed(proof.name, proof.read_bytes(), bytes(32)))
    return seeds


def varuint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def header(digest: bytes) -> bytes:
    return MAGIC + VERSION + SHA256_TAG + digest


def pending(url: bytes) -> bytes:
    payload = varuint(len(url)) + url
    return ATTESTATION + PENDING_TAG + varuint(len(payload)) + payload


Mutator = Callable[[random.Random, Seed, Sequence[Seed]], bytes]


def bit_flips(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    data = bytearray(seed.proof)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(data))
        data[i] ^= 1 << rng.randrange(8)
    return bytes(data)


def byte_writes(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    data = bytearray(seed.proof)
    for _ in range(rng.randint(1, 4)):
        data[rng.randrange(len(data))] = rng.choice(
            [0x00, 0x08, 0xF0, 0xF1, 0xFF, rng.randrange(256)]
        )
    return bytes(data)


def truncation(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    return seed.proof[: rng.randrange(len(seed.proof))]


def splice(rng: random.Random, seed: Seed, seeds: Sequence[Seed]) -> bytes:
    other = rng.choice(seeds).proof
    return seed.proof[: rng.randrange(len(seed.proof) + 1)] + other[rng.randrange(len(other)) :]


def insertion(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    i = rng.randrange(len(seed.proof) + 1)
    return seed.proof[:i] + rng.randbytes(rng.randint(1, 64)) + seed.proof[i:]


def deletion(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    i = rng.randrange(len(seed.proof))
    return seed.proof[:i] + seed.proof[i + rng.randint(1, 32) :]


def repetition(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    """A slice repeated many times; sometimes past the 1 MiB size cap."""
    i = rng.randrange(len(seed.proof))
    piece = seed.proof[i : i + rng.randint(1, 200)]
    times = rng.choice([2, 10, 1000, 20_000, (MAX_PROOF_BYTES // max(len(piece), 1)) + 2])
    return seed.proof[:i] + piece * times + seed.proof[i:]


def deep_nesting(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    """Forks inside forks, or a long chain of operations, ending in an attestation (or not)."""
    depth = rng.choice([100, 255, 256, 257, 1000, 10_000, 100_000])
    end = pending(b"http://127.0.0.1:1") if rng.random() < 0.7 else b""
    shape = rng.choice(["forks", "chain", "append_chain"])
    if shape == "forks":
        body = (FORK + SHA256_TAG) * depth + end
    elif shape == "chain":
        body = SHA256_TAG * depth + end
    else:
        body = (APPEND_TAG + varuint(1) + b"\x01") * depth + end
    return header(seed.digest or bytes(32)) + body


def huge_length(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    """A varuint length far beyond the data (or beyond 64 bits) in an op or an attestation."""
    huge = rng.choice(
        [
            varuint(1 << 20),
            varuint(1 << 31),
            varuint((1 << 63) - 1),
            varuint(1 << 64),
            b"\xff" * rng.randint(9, 5000) + b"\x01",
            b"\x80" * rng.randint(1, 100),
        ]
    )
    where = rng.choice(["op", "attestation", "pending_url", "version"])
    base = header(seed.digest or bytes(32))
    if where == "op":
        return base + APPEND_TAG + huge + rng.randbytes(rng.randint(0, 64))
    if where == "attestation":
        return base + ATTESTATION + rng.choice([PENDING_TAG, BITCOIN_TAG]) + huge + b"\x01\x02"
    if where == "pending_url":
        return base + ATTESTATION + PENDING_TAG + varuint(20) + huge + b"http://x"
    return MAGIC + huge + SHA256_TAG + bytes(32)


def long_results(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    """Appends whose results grow past 4096 bytes, or huge block heights."""
    if rng.random() < 0.5:
        arg = rng.randbytes(rng.choice([4096, 4097, 2000]))
        return header(seed.digest or bytes(32)) + (APPEND_TAG + varuint(len(arg)) + arg) * 3
    height = varuint(rng.choice([0, 1 << 62, (1 << 63) - 1, 1 << 63, 1 << 70]))
    return (
        header(seed.digest or bytes(32)) + ATTESTATION + BITCOIN_TAG + varuint(len(height)) + height
    )


def bitcoin(height: int) -> bytes:
    payload = varuint(height)
    return ATTESTATION + BITCOIN_TAG + varuint(len(payload)) + payload


def many_claims(count: int, digest: bytes, *, first_height: int = 1000) -> bytes:
    """One proof claiming ``count`` different Bitcoin blocks: one header lookup each."""
    forks = b"".join(FORK + bitcoin(first_height + i) for i in range(count - 1))
    return header(digest) + forks + bitcoin(first_height + count - 1)


def claims(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    return many_claims(
        rng.choice([2, 50, 1000, 9000]),
        seed.digest or bytes(32),
        first_height=rng.randrange(1 << 20),
    )


def noise(rng: random.Random, seed: Seed, _seeds: Sequence[Seed]) -> bytes:
    body = rng.randbytes(rng.randint(0, 400))
    return rng.choice([body, MAGIC + body, header(seed.digest or bytes(32)) + body])


MUTATORS: dict[str, Mutator] = {
    "bit_flip": bit_flips,
    "byte_write": byte_writes,
    "truncation": truncation,
    "splice": splice,
    "insertion": insertion,
    "deletion": deletion,
    "repetition": repetition,
    "deep_nesting": deep_nesting,
    "huge_length": huge_length,
    "long_result": long_results,
    "noise": noise,
    "many_claims": claims,
}
# Cheap, common mutations more often; the expensive big ones less.
WEIGHTS = {
    "repetition": 2,
    "deep_nesting": 3,
    "huge_length": 6,
    "long_result": 4,
    "noise": 5,
    "many_claims": 1,
}


def hostile(index: int, seeds: Sequence[Seed], *, seed: int = 0) -> Hostile:
    rng = random.Random(seed * 1_000_003 + index)
    names = list(MUTATORS)
    kind = rng.choices(names, weights=[WEIGHTS.get(n, 12) for n in names])[0]
    base = rng.choice(seeds)
    data = MUTATORS[kind](rng, base, seeds)
    if rng.random() < 0.1:  # a second mutation on top of the first
        data = bit_flips(rng, Seed(base.name, data or b"\x00", base.digest), seeds)
    return Hostile(kind, data, base.digest or bytes(32))
