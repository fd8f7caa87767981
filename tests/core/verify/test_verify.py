"""verify(): verdicts on the real vectors and on proofs made here, through real header checks."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from amber.core.hashing import UnreadableFileError
from amber.core.ots.proofs import write_proof
from amber.core.verify import (
    EsploraHeaderSource,
    RpcHeaderSource,
    Verdict,
    VerdictKind,
    verify,
)
from opentimestamps.core.notary import BitcoinBlockHeaderAttestation, PendingAttestation
from opentimestamps.core.op import CryptOp, OpAppend, OpRIPEMD160, OpSHA1, OpSHA256
from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp

from tests.core.verify.fakes import DictHeaderSource, easy_header, esplora_transport, rpc_transport
from tests.vectors import block_header_358391, proof_bytes, vectors_dir

HELLO = "hello-world.txt"
HEADERS = {358391: block_header_358391()}
ALICE = "https://alice.btc.calendar.opentimestamps.org"
BOB = "https://bob.btc.calendar.opentimestamps.org"
HELLO_MESSAGE = "Bitcoin block 358391 attests existence as of 2015-05-28 15:41:18 UTC"


def proofs_dir() -> Path:
    return vectors_dir() / "proofs"


def esplora() -> EsploraHeaderSource:
    return EsploraHeaderSource("https://esplora.example", transport=esplora_transport(HEADERS))


def node() -> RpcHeaderSource:
    return RpcHeaderSource("http://amber:secret@127.0.0.1:8332", transport=rpc_transport(HEADERS))


@pytest.mark.parametrize("source", [esplora, node], ids=["esplora", "rpc"])
def test_hello_world_is_attested(source: object) -> None:
    verdict = verify(
        proof_bytes(HELLO + ".ots"),
        file=proofs_dir() / HELLO,
        headers=source(),  # type: ignore[operator]
    )
    assert verdict.kind is VerdictKind.ATTESTED
    assert verdict.block is not None
    assert verdict.block.height == 358391
    assert verdict.block.block_hash == (
        "000000000000000003e892881a8cdcdc117c06d444057c98b6f04a9ee75a2319"
    )
    assert verdict.block.time == 1432827678
    assert verdict.message() == HELLO_MESSAGE
    assert verdict.hash_algo == "sha256"


def test_hello_world_by_digest_and_by_proof_alone() -> None:
    digest = bytes.fromhex("03ba204e50d126e4674c005e04d82e84c21366780af1f43bd54a37816b6ab340")
    assert verify(proof_bytes(HELLO + ".ots"), digest=digest, headers=esplora()).message() == (
        HELLO_MESSAGE
    )
    assert verify(proof_bytes(HELLO + ".ots"), headers=esplora()).kind is VerdictKind.ATTESTED


def test_bad_stamp_fails() -> None:
    verdict = verify(
        proof_bytes("bad-stamp.txt.ots"), file=proofs_dir() / "bad-stamp.txt", headers=esplora()
    )
    assert verdict.kind is VerdictKind.INVALID
    assert "1bb49db87782170860c2e467994762f7f00c815d80d712e7eb9a7c14b9811f92" in verdict.reason
    assert "8a1b66ecb7cbd07d8139a7e7d7f2c41aab1f5009b8364aaf61d03ad245e47e00" in verdict.reason
    assert verdict.message().startswith("Invalid: the proof claims Bitcoin block 358391")


def test_another_file_is_a_mismatch(tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    other.write_bytes(b"Hello World?\n")
    verdict = verify(proof_bytes(HELLO + ".ots"), file=other, headers=esplora())
    assert verdict.kind is VerdictKind.MISMATCH
    assert "not the file that was stamped" in verdict.reason
    wrong_size = verify(proof_bytes(HELLO + ".ots"), digest=b"\x01" * 20, headers=None)
    assert wrong_size.kind is VerdictKind.MISMATCH
    assert "20 bytes" in wrong_size.reason


def test_missing_file_raises_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFileError, match="no such file"):
        verify(proof_bytes(HELLO + ".ots"), file=tmp_path / "gone", headers=None)


def test_no_header_source_is_unchecked() -> None:
    verdict = verify(proof_bytes(HELLO + ".ots"), headers=None)
    assert verdict.kind is VerdictKind.UNCHECKED
    assert "claims Bitcoin block 358391" in verdict.reason
    assert "no header source" in verdict.reason


def test_header_source_that_cannot_answer_is_unchecked() -> None:
    verdict = verify(proof_bytes(HELLO + ".ots"), headers=DictHeaderSource({}, "empty"))
    assert verdict.kind is VerdictKind.UNCHECKED
    assert "no header source could check it: empty: no block 358391" in verdict.reason


def test_empty_reports_its_bitcoin_block() -> None:
    verdict = verify(proof_bytes("empty.ots"), file=proofs_dir() / "empty", headers=None)
    assert verdict.kind is VerdictKind.UNCHECKED
    assert "129405" in verdict.reason


def test_different_blockchains_reports_every_attestation() -> None:
    verdict = verify(
        proof_bytes("different-blockchains.txt.ots"),
        file=proofs_dir() / "different-blockchains.txt",
        headers=None,
    )
    assert verdict.kind is VerdictKind.UNCHECKED
    assert "455605" in verdict.reason
    assert verdict.other_attestations == ("Ethereum block 3283713 (not trusted)",)
    assert len(verdict.calendars) == 2


def test_different_blockchains_trusts_only_bitcoin() -> None:
    # A source that has a header for 455605 whose merkle root is the proof's: attested by it,
    # and the Ethereum attestation is still only reported.
    root = bytes.fromhex("2a19192cf00fb1baeea516b69b3a62195849589b4caafeb6ad6ebba58b9ae69a")
    source = DictHeaderSource({455605: easy_header(root[::-1], time=1489300000)})
    verdict = verify(proof_bytes("different-blockchains.txt.ots"), headers=source)
    assert verdict.kind is VerdictKind.ATTESTED
    assert verdict.block is not None and verdict.block.height == 455605
    assert verdict.other_attestations == ("Ethereum block 3283713 (not trusted)",)
    assert source.asked == [455605]


@pytest.mark.parametrize(
    ("name", "calendars"),
    [
        ("incomplete.txt.ots", (ALICE,)),
        ("two-calendars.txt.ots", (ALICE, BOB)),
        ("merkle1.txt.ots", (ALICE, BOB)),
        ("merkle2.txt.ots", (ALICE, BOB)),
        ("merkle3.txt.ots", (ALICE, BOB)),
        ("known-and-unknown-notary.txt.ots", (BOB,)),
    ],
)
def test_pending_vectors_report_their_calendars(name: str, calendars: tuple[str, ...]) -> None:
    verdict = verify(proof_bytes(name), file=proofs_dir() / name[: -len(".ots")], headers=esplora())
    assert verdict.kind is VerdictKind.PENDING
    assert tuple(sorted(verdict.calendars)) == calendars
    assert verdict.message().startswith("Pending")
    assert all(c in verdict.message() for c in calendars)


def test_unknown_attestations_are_reported() -> None:
    known = verify(proof_bytes("known-and-unknown-notary.txt.ots"), headers=None)
    assert len(known.unknown_attestations) == 1
    assert "0102030405060708" in known.unknown_attestations[0]
    only = verify(
        proof_bytes("unknown-notary.txt.ots"),
        file=proofs_dir() / "unknown-notary.txt",
        headers=None,
    )
    assert only.kind is VerdictKind.UNCHECKED
    assert "no Bitcoin or pending attestation" in only.reason
    assert "0102030405060708" in only.unknown_attestations[0]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("bad-major-version.ots", "unsupported proof format version"),
        ("exceeds-max-msg-length.ots", "longer than 4096 bytes"),
        ("invalid-file-digest-type.ots", "not a hash function"),
    ],
)
def test_invalid_vectors_are_invalid_verdicts(name: str, reason: str) -> None:
    verdict = verify((vectors_dir() / "invalid" / name).read_bytes(), headers=esplora())
    assert verdict.kind is VerdictKind.INVALID
    assert reason in verdict.reason
    assert verdict.message() == f"Invalid: {verdict.reason}"


def _proof_to_block(op: CryptOp, data: bytes, heights: list[int]) -> tuple[bytes, bytes]:
    """A proof for ``data`` hashed with ``op``, Bitcoin-attested at ``heights``; and its root."""
    ts = Timestamp(hashlib.new(op.TAG_NAME, data).digest())
    tip = ts.ops.add(OpAppend(b"\x5a" * 16)).ops.add(OpSHA256())
    for height in heights:
        tip.attestations.add(BitcoinBlockHeaderAttestation(height))
    tip.attestations.add(PendingAttestation("https://cal.example"))
    return write_proof(DetachedTimestampFile(op, ts)), tip.msg


@pytest.mark.parametrize("op", [OpSHA256(), OpSHA1(), OpRIPEMD160()], ids=str)
def test_every_supported_file_hash(op: CryptOp, tmp_path: Path) -> None:
    data = b"a file of some kind\n" * 1000
    path = tmp_path / "file.bin"
    path.write_bytes(data)
    proof, root = _proof_to_block(op, data, [100])
    source = DictHeaderSource({100: easy_header(root, time=1_600_000_000)})
    verdict = verify(proof, file=path, headers=source)
    assert verdict.kind is VerdictKind.ATTESTED
    assert verdict.hash_algo == op.TAG_NAME
    assert verdict.message() == "Bitcoin block 100 attests existence as of 2020-09-13 12:26:40 UTC"
    path.write_bytes(data + b"!")
    assert verify(proof, file=path, headers=source).kind is VerdictKind.MISMATCH


def test_the_earliest_matching_bitcoin_block_wins() -> None:
    proof, root = _proof_to_block(OpSHA256(), b"x", [300, 200, 100])
    source = DictHeaderSource(
        {
            100: easy_header(b"\x00" * 32),  # a header that does not match
            200: easy_header(root, time=2_000_000_000),
            300: easy_header(root, time=2_100_000_000),
        }
    )
    verdict = verify(proof, headers=source)
    assert verdict.kind is VerdictKind.ATTESTED
    assert verdict.block is not None and verdict.block.height == 200
    assert source.asked == [100, 200]


def test_one_unanswered_claim_and_one_wrong_claim_is_unchecked_not_invalid() -> None:
    proof, _root = _proof_to_block(OpSHA256(), b"x", [100, 200])
    verdict = verify(proof, headers=DictHeaderSource({100: easy_header(b"\x00" * 32)}))
    assert verdict.kind is VerdictKind.UNCHECKED
    assert "no block 200" in verdict.reason and "claims Bitcoin block 100" in verdict.reason


def test_a_parsed_proof_can_be_given() -> None:
    from amber.core.ots.proofs import read_proof

    parsed = read_proof(proof_bytes(HELLO + ".ots"))
    assert verify(parsed, headers=esplora()).message() == HELLO_MESSAGE


def test_file_and_digest_together_are_refused() -> None:
    with pytest.raises(ValueError, match="not both"):
        verify(b"", file=Path("x"), digest=b"x", headers=None)


def test_verdict_messages() -> None:
    assert Verdict(VerdictKind.MISMATCH, reason="r").message() == "Mismatch: r"
    assert Verdict(VerdictKind.UNCHECKED, reason="r").message() == "Not checked: r"
    assert "waiting on" in Verdict(VerdictKind.PENDING, calendars=("https://c",)).message()
