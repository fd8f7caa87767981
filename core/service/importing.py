"""Adding proofs made elsewhere (the reference client, opentimestamps.org) to the history."""

from __future__ import annotations

from pathlib import Path

from ..ots.proofs import read_proof
from ..storage import Stamp, StampState, StampStore
from ..verify import HeaderSource, VerdictKind, verify


class ProofImportError(ValueError):
    """A proof that cannot join the history, with the reason."""


def import_proof(
    store: StampStore,
    proof_bytes: bytes,
    *,
    headers: HeaderSource | None,
    file: Path | None = None,
    name: str = "",
) -> Stamp:
    """Store a foreign proof so it is upgraded and verified like Amber's own.

    Raises ``ProofError`` for an unreadable proof and ``ProofImportError`` when ``file`` is not
    the stamped file or the proof is invalid. Importing the same proof twice returns the first.
    """
    proof = read_proof(proof_bytes)
    digest = bytes(proof.file_digest)
    verdict = verify(proof, file=file, digest=None if file else digest, headers=headers)
    if verdict.kind is VerdictKind.MISMATCH:
        raise ProofImportError(f"{file} is not the file this proof stamps: {verdict.reason}")
    if verdict.kind is VerdictKind.INVALID:
        raise ProofImportError(f"the proof is invalid: {verdict.reason}")
    for existing in store.find_by_digest(digest):
        if existing.proof == proof_bytes:
            return existing
    state = {
        VerdictKind.ATTESTED: StampState.CONFIRMED,
        VerdictKind.PENDING: StampState.SUBMITTED,
        VerdictKind.UNCHECKED: StampState.SUBMITTED,
    }.get(verdict.kind, StampState.FAILED)
    return store.add_imported(
        digest=digest,
        hash_algo=proof.file_hash_op.HASHLIB_NAME,
        proof=proof_bytes,
        name=name or (file.name if file else ""),
        folder=str(file.absolute().parent) if file else "",
        state=state,
        calendars=verdict.calendars,
        block=verdict.block,
    )
