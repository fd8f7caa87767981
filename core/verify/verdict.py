"""Verifying a proof: what it proves about a file or digest, checked against block headers."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path

from opentimestamps.core.op import CryptOp
from opentimestamps.core.timestamp import DetachedTimestampFile, Timestamp

from ..fossilizer.types import BlockAttestation
from ..hashing import hash_file
from ..ots.proofs import ProofError, read_proof
from ..ots.walk import bitcoin_attestations, other_attestations, pending_attestations
from .sources import HeaderSource, HeaderSourceError


class VerdictKind(StrEnum):
    ATTESTED = "attested"
    PENDING = "pending"
    UNCHECKED = "unchecked"  # attested by Bitcoin, but no header source could check it
    MISMATCH = "mismatch"
    INVALID = "invalid"


@dataclass(frozen=True)
class Verdict:
    kind: VerdictKind
    block: BlockAttestation | None = None
    calendars: tuple[str, ...] = ()
    reason: str = ""
    unknown_attestations: tuple[str, ...] = ()
    other_attestations: tuple[str, ...] = ()
    hash_algo: str | None = None  # the proof's file hash op, when the proof could be read
    digest: bytes | None = None  # the digest the proof is for

    def message(self) -> str:
        if self.kind is VerdictKind.ATTESTED and self.block is not None:
            when = datetime.fromtimestamp(self.block.time, UTC).strftime("%Y-%m-%d %H:%M:%S")
            return f"Bitcoin block {self.block.height} attests existence as of {when} UTC"
        if self.kind is VerdictKind.PENDING:
            where = ", ".join(self.calendars) or "no calendar"
            return f"Pending: not in Bitcoin yet; waiting on {where}"
        if self.kind is VerdictKind.UNCHECKED:
            return f"Not checked: {self.reason}"
        if self.kind is VerdictKind.MISMATCH:
            return f"Mismatch: {self.reason}"
        return f"Invalid: {self.reason}"


def _hasher(op: CryptOp) -> Callable[[], object]:
    name = op.TAG_NAME
    if name == "keccak256":
        from Cryptodome.Hash import keccak

        return lambda: keccak.new(digest_bits=256)
    if name == "ripemd160":
        try:
            hashlib.new("ripemd160")
        except ValueError:  # OpenSSL 3 without the legacy provider
            from Cryptodome.Hash import RIPEMD160

            return RIPEMD160.new
    return lambda: hashlib.new(name)


def hash_file_with(op: CryptOp, path: Path) -> bytes:
    """Stream ``path`` through the proof's file hash op."""
    return hash_file(path, new_hash=_hasher(op))


def verify(
    proof: bytes | DetachedTimestampFile,
    *,
    file: Path | str | os.PathLike[str] | None = None,
    digest: bytes | None = None,
    headers: HeaderSource | None,
) -> Verdict:
    """What ``proof`` proves about ``file`` (or ``digest``; or, with neither, its own digest).

    The earliest Bitcoin attestation whose merkle root matches a checked header wins. Other
    chains and unknown attestations are reported, never trusted. An unreadable file raises
    ``UnreadableFileError``; everything wrong with the proof is a verdict.
    """
    if file is not None and digest is not None:
        raise ValueError("give a file or a digest, not both")
    if isinstance(proof, DetachedTimestampFile):
        parsed = proof
    else:
        try:
            parsed = read_proof(proof)
        except ProofError as error:
            return Verdict(VerdictKind.INVALID, reason=error.reason)

    algo = str(parsed.file_hash_op.TAG_NAME)
    expected = parsed.file_digest
    base = Verdict(VerdictKind.INVALID, hash_algo=algo, digest=expected)

    if file is not None:
        actual = hash_file_with(parsed.file_hash_op, Path(file))
        if actual != expected:
            return replace(
                base,
                kind=VerdictKind.MISMATCH,
                reason=f"the file's {algo} is {actual.hex()}, but the proof is for "
                f"{expected.hex()}: this is not the file that was stamped",
            )
    elif digest is not None and bytes(digest) != expected:
        if len(digest) != len(expected):
            why = f"the digest is {len(digest)} bytes, but the proof's {algo} is {len(expected)}"
        else:
            why = f"the digest {bytes(digest).hex()} is not the proof's {expected.hex()}"
        return replace(base, kind=VerdictKind.MISMATCH, reason=why)

    return _judge_timestamp(parsed.timestamp, headers, base)


def judge_timestamp(timestamp: Timestamp, headers: HeaderSource | None) -> Verdict:
    """What a bare timestamp (e.g. a batch's shared root) proves, judged exactly as
    :func:`verify` judges a proof's tree: the earliest Bitcoin claim a header confirms wins."""
    return _judge_timestamp(timestamp, headers, Verdict(VerdictKind.INVALID))


def _judge_timestamp(timestamp: Timestamp, headers: HeaderSource | None, base: Verdict) -> Verdict:
    calendars = tuple(dict.fromkeys(url for url, _c, _t in pending_attestations(timestamp)))
    others = other_attestations(timestamp)
    report = replace(
        base,
        calendars=calendars,
        unknown_attestations=tuple(o.describe() for o in others if o.kind == "unknown"),
        other_attestations=tuple(o.describe() for o in others if o.kind != "unknown"),
    )
    claims = sorted(set(bitcoin_attestations(timestamp)))

    if claims:
        return _judge_bitcoin(claims, headers, report)
    if calendars:
        return replace(report, kind=VerdictKind.PENDING, reason="waiting for a Bitcoin block")
    held = ", ".join(o.describe() for o in others) or "nothing"
    return replace(
        report,
        kind=VerdictKind.UNCHECKED,
        reason="the proof has no Bitcoin or pending attestation Amber can check "
        f"(it holds: {held})",
    )


# Real proofs claim one or two Bitcoin blocks. Each claim costs a header lookup (a network
# request when the header is not cached), so a hostile proof claiming thousands of blocks would
# otherwise keep `amber verify` busy for minutes; the claims past this many are not checked.
MAX_CLAIMS_CHECKED = 8


def _judge_bitcoin(
    claims: list[tuple[int, bytes]], headers: HeaderSource | None, report: Verdict
) -> Verdict:
    skipped = len(claims) - MAX_CLAIMS_CHECKED
    if skipped > 0:
        verdict = _judge_bitcoin(claims[:MAX_CLAIMS_CHECKED], headers, report)
        if verdict.kind is VerdictKind.ATTESTED:
            return verdict
        note = f"; {skipped} more Bitcoin claims were not checked (only {MAX_CLAIMS_CHECKED} are)"
        return replace(verdict, reason=verdict.reason + note)
    heights = ", ".join(str(h) for h in dict.fromkeys(h for h, _ in claims))
    if headers is None:
        return replace(
            report,
            kind=VerdictKind.UNCHECKED,
            reason=f"the proof claims Bitcoin block {heights}, but no header source is set "
            "to check it",
        )
    wrong: list[str] = []
    unanswered: list[str] = []
    for height, root in claims:
        if len(root) != 32:
            wrong.append(f"block {height}: the proof's merkle root is {len(root)} bytes, not 32")
            continue
        try:
            header = headers.header_at(height)
        except HeaderSourceError as error:
            unanswered.append(str(error))
            continue
        if header.merkle_root == root:
            block = BlockAttestation(height, header.block_hash_hex, header.time)
            return replace(report, kind=VerdictKind.ATTESTED, block=block, reason="")
        wrong.append(
            f"the proof claims Bitcoin block {height}, but leads to merkle root "
            f"{root[::-1].hex()}, and that block's merkle root is {header.merkle_root_hex}"
        )
    if unanswered:
        reason = "no header source could check it: " + "; ".join(unanswered)
        if wrong:
            reason += "; and " + "; ".join(wrong)
        return replace(report, kind=VerdictKind.UNCHECKED, reason=reason)
    return replace(report, kind=VerdictKind.INVALID, reason="; ".join(wrong))
