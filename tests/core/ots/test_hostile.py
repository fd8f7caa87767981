"""Hostile proofs: whatever the bytes, read_proof raises ProofError and verify gives a verdict."""

from __future__ import annotations

from amber.core.ots.proofs import (
    MAX_PROOF_BYTES,
    ProofError,
    describe_proof,
    read_proof,
    write_proof,
)
from amber.core.verify import Verdict, VerdictKind, verify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from opentimestamps.core.timestamp import DetachedTimestampFile

from tests.core.verify.fakes import DictHeaderSource
from tests.vectors import block_header_358391, vectors_dir

VECTORS = [p.read_bytes() for p in sorted((vectors_dir() / "proofs").glob("*.ots"))]
HEADERS = DictHeaderSource({358391: block_header_358391()})
HEADER = DetachedTimestampFile.HEADER_MAGIC + b"\x01"

fast = settings(
    max_examples=150,
    deadline=2000,  # ms per example: a hostile proof must not take long
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


def _check(data: bytes) -> None:
    try:
        proof = read_proof(data)
    except ProofError as error:
        assert error.reason
        verdict = verify(data, digest=b"\x00" * 32, headers=HEADERS)
        assert verdict.kind is VerdictKind.INVALID
        assert verdict.reason == error.reason
        return
    # it parsed: it must describe, serialize and re-read, and verify to some verdict
    assert describe_proof(proof)
    assert read_proof(write_proof(proof)) == proof
    assert isinstance(verify(data, headers=HEADERS), Verdict)
    assert isinstance(verify(data, digest=b"\x01" * 32, headers=HEADERS), Verdict)


@fast
@given(st.sampled_from(VECTORS), st.data())
def test_truncated(vector: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(vector) - 1))
    _check(vector[:cut])


@fast
@given(st.sampled_from(VECTORS), st.lists(st.integers(min_value=0), min_size=1, max_size=8))
def test_bit_flipped(vector: bytes, flips: list[int]) -> None:
    damaged = bytearray(vector)
    for flip in flips:
        bit = flip % (len(damaged) * 8)
        damaged[bit // 8] ^= 1 << (bit % 8)
    _check(bytes(damaged))


@fast
@given(st.binary(max_size=2000))
def test_random_bytes(data: bytes) -> None:
    _check(data)


@fast
@given(st.sampled_from([b"\x08", b"\x02", b"\x03", b"\x67"]), st.binary(max_size=3000))
def test_random_bytes_after_a_valid_header(op: bytes, tail: bytes) -> None:
    _check(HEADER + op + tail)


@fast
@given(st.sampled_from(VECTORS), st.binary(min_size=1, max_size=64))
def test_trailing_garbage(vector: bytes, tail: bytes) -> None:
    _check(vector + tail)


@settings(max_examples=5, deadline=5000, derandomize=True)
@given(st.integers(min_value=MAX_PROOF_BYTES + 1, max_value=MAX_PROOF_BYTES * 4))
def test_oversized(size: int) -> None:
    data = (VECTORS[0] * (size // len(VECTORS[0]) + 1))[:size]
    _check(data)
