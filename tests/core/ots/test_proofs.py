"""read_proof / write_proof / describe_proof against the real vectors and hand-made damage."""

from __future__ import annotations

import pytest
from amber.core.ots.proofs import (
    MAX_PROOF_BYTES,
    ProofError,
    describe_proof,
    read_proof,
    read_timestamp,
    write_proof,
)
from opentimestamps.core.notary import PendingAttestation, UnknownAttestation
from opentimestamps.core.op import OpAppend, OpSHA1, OpSHA256
from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp

from tests.vectors import proof_bytes, vectors_dir

MAGIC = DetachedTimestampFile.HEADER_MAGIC
ALL_PROOFS = sorted(p.name for p in (vectors_dir() / "proofs").glob("*.ots"))
BTC_TAG = bytes.fromhex("0588960d73d71901")
PENDING_TAG = PendingAttestation.TAG


def test_vectors_are_there() -> None:
    assert len(ALL_PROOFS) == 11


@pytest.mark.parametrize("name", ALL_PROOFS)
def test_every_vector_round_trips_byte_for_byte(name: str) -> None:
    data = proof_bytes(name)
    assert write_proof(read_proof(data)) == data


def test_unknown_attestation_is_kept_unchanged() -> None:
    data = proof_bytes("unknown-notary.txt.ots")
    proof = read_proof(data)
    (attestation,) = [a for _m, a in proof.timestamp.all_attestations()]
    assert isinstance(attestation, UnknownAttestation)
    assert bytes.fromhex("0102030405060708") == attestation.TAG
    assert write_proof(proof) == data


def test_file_digest_is_read() -> None:
    proof = read_proof(proof_bytes("hello-world.txt.ots"))
    assert proof.file_hash_op == OpSHA256()
    assert proof.file_digest.hex() == (
        "03ba204e50d126e4674c005e04d82e84c21366780af1f43bd54a37816b6ab340"
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad-major-version.ots", "unsupported proof format version 1151"),
        ("exceeds-max-msg-length.ots", "result would be longer than 4096 bytes"),
        ("invalid-file-digest-type.ots", "hexlify (tag 0xf3), which is not a hash function"),
    ],
)
def test_invalid_vectors_give_their_specific_reason(name: str, expected: str) -> None:
    with pytest.raises(ProofError) as caught:
        read_proof((vectors_dir() / "invalid" / name).read_bytes())
    assert expected in caught.value.reason


def _minimal(body: bytes, *, op_tag: bytes = b"\x08", digest: bytes = b"\x11" * 32) -> bytes:
    return MAGIC + b"\x01" + op_tag + digest + body


PENDING = b"\x00" + PENDING_TAG + b"\x0c\x0bhttp://a.bc"  # attestation on the digest


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "empty"),
        (b"hello, not a proof at all", "does not start with its header"),
        (MAGIC[:10], "cut short inside the OpenTimestamps header"),
        (MAGIC, "cut short right after the header"),
        (MAGIC + b"\x01", "cut short before its file hash operation"),
        (MAGIC + b"\x01\x08" + b"\x11" * 10, "sha256 needs 32 bytes, the file has 10"),
        (MAGIC + b"\x01\x02" + b"\x11" * 19, "sha1 needs 20 bytes, the file has 19"),
        (MAGIC + b"\x01\x77", "unknown file hash operation tag 0x77"),
        (MAGIC + b"\x01\xf0", "append (tag 0xf0), which is not a hash function"),
        (MAGIC + b"\x80" * 20, "version number is absurdly large"),
        (_minimal(b""), "cut short"),
        (_minimal(PENDING[:-3]), "cut short"),
        (_minimal(PENDING + b"junk"), "4 unexpected bytes after the end of the proof"),
        (_minimal(b"\x42" + PENDING), "unknown operation tag 0x42"),
        (_minimal(b"\xf0\x00" + PENDING), "empty argument"),
        (_minimal(b"\xf0\xff\x7f"), "length field is larger than allowed"),
        (_minimal(b"\x00" + PENDING_TAG + b"\x04\x03a b"), "invalid calendar URL"),
        (_minimal(b"\x00" + BTC_TAG + b"\x02\x01\x01"), "payload has unexpected extra bytes"),
        (_minimal(b"\x00" + BTC_TAG + b"\x00"), "payload is cut short"),
        (_minimal(b"\x08" * 300 + PENDING), "nested too deeply"),
        (_minimal(b"\xf3" * 8 + PENDING), "result would be longer than 4096 bytes"),
        (_minimal(b"\x00" + BTC_TAG + b"\x0a" + b"\xff" * 9 + b"\x7f"), "absurdly large"),
    ],
)
def test_damaged_proofs_give_specific_reasons(data: bytes, expected: str) -> None:
    with pytest.raises(ProofError) as caught:
        read_proof(data)
    assert expected in caught.value.reason


def test_oversized_input_is_refused_before_parsing() -> None:
    with pytest.raises(ProofError, match="larger than"):
        read_proof(proof_bytes("hello-world.txt.ots") + b"\x00" * MAX_PROOF_BYTES)


def test_too_many_parts_is_refused() -> None:
    # 20,000 distinct sibling branches, each a 2-byte append then an attestation.
    branches = b"".join(b"\xff\xf0\x02" + i.to_bytes(2, "big") + PENDING for i in range(20_000))
    with pytest.raises(ProofError, match="too many parts"):
        read_proof(_minimal(branches + PENDING))


def test_sha1_and_ripemd160_proofs_are_read() -> None:
    for tag, size in ((b"\x02", 20), (b"\x03", 20)):
        data = _minimal(PENDING, op_tag=tag, digest=b"\x22" * size)
        assert write_proof(read_proof(data)) == data


def test_write_proof_of_a_new_proof() -> None:
    ts = Timestamp(b"\x01" * 20)
    ts.ops.add(OpAppend(b"\x02")).attestations.add(PendingAttestation("https://x.example"))
    data = write_proof(DetachedTimestampFile(OpSHA1(), ts))
    assert read_proof(data) == DetachedTimestampFile(OpSHA1(), ts)


def test_describe_shows_ops_and_every_kind_of_attestation() -> None:
    text = describe_proof(read_proof(proof_bytes("different-blockchains.txt.ots")))
    assert text.startswith(
        "File sha256 hash: 62c8b090faa21ee5f2e75399d4909e1e27a00ade7dca8f219c6fd34f54de3494"
    )
    assert "verify Bitcoin block 455605" in text
    assert "2a19192cf00fb1baeea516b69b3a62195849589b4caafeb6ad6ebba58b9ae69a" in text
    assert "Ethereum block 3283713 (not trusted by Amber)" in text
    assert "pending at calendar" in text
    assert "sha256" in text and "append" in text and "prepend" in text

    unknown = describe_proof(read_proof(proof_bytes("unknown-notary.txt.ots")))
    assert "unknown attestation, tag 0102030405060708" in unknown


def test_describe_hello_world() -> None:
    text = describe_proof(read_proof(proof_bytes("hello-world.txt.ots")))
    assert "verify Bitcoin block 358391" in text
    assert "8a1b66ecb7cbd07d8139a7e7d7f2c41aab1f5009b8364aaf61d03ad245e47e00" in text


def test_read_timestamp_for_calendar_answers() -> None:
    msg = b"\x33" * 32
    ts = read_timestamp(b"\xf0\x01\x01" + PENDING, msg)
    assert ts.msg == msg
    with pytest.raises(ProofError, match="unexpected bytes"):
        read_timestamp(PENDING + b"x", msg)
    with pytest.raises(ProofError, match="more than 100"):
        read_timestamp(b"\x00" * 101, msg, max_bytes=100)
