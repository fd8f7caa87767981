"""``amber info`` and ``amber verify``."""

from __future__ import annotations

from pathlib import Path

import click

from ..hashing import UnreadableFileError, hash_file
from ..ots.proofs import ProofError, describe_proof, read_proof
from ..service import AmberService
from ..verify import Verdict, VerdictKind
from .context import CliState, emit, fail, json_option, pass_state
from .history import read_small_file
from .stamping import parse_digest

EXIT_CODES = {
    VerdictKind.ATTESTED: 0,
    VerdictKind.MISMATCH: 1,
    VerdictKind.INVALID: 1,
    VerdictKind.PENDING: 3,
    VerdictKind.UNCHECKED: 3,
}


@click.command("info")
@click.argument("proof", type=click.Path(dir_okay=False, path_type=Path))
@json_option
def info_command(proof: Path, as_json: bool) -> None:
    """Show a proof's tree and attestations."""
    try:
        parsed = read_proof(read_small_file(proof))
    except ProofError as error:
        fail(f"{proof}: {error}")
    text = describe_proof(parsed)
    emit(
        as_json,
        {
            "file_hash_op": parsed.file_hash_op.TAG_NAME,
            "digest": bytes(parsed.file_digest).hex(),
            "tree": text,
        },
        text,
    )


def verdict_json(verdict: Verdict) -> dict[str, object]:
    block = verdict.block
    return {
        "verdict": verdict.kind.value,
        "message": verdict.message(),
        "reason": verdict.reason,
        "block_height": block.height if block else None,
        "block_hash": block.block_hash if block else None,
        "block_time": block.time if block else None,
        "calendars": list(verdict.calendars),
        "unknown_attestations": list(verdict.unknown_attestations),
        "other_attestations": list(verdict.other_attestations),
    }


@click.command("verify")
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--proof", type=click.Path(dir_okay=False, path_type=Path), help="The .ots proof.")
@click.option("--digest", help="Verify a SHA-256 digest (hex) instead of a file.")
@json_option
@pass_state
def verify_command(
    state: CliState, target: Path | None, proof: Path | None, digest: str | None, as_json: bool
) -> None:
    """Verify FILE against its proof (FILE.ots, --proof, or the history), or verify PROOF.ots.

    Exit status: 0 attested by Bitcoin, 1 mismatch or invalid, 3 pending or no header source
    could answer.
    """
    file: Path | None = None
    raw_digest = parse_digest(digest) if digest else None
    if target is not None and target.suffix == ".ots" and proof is None:
        proof = target
        if raw_digest is None:
            file = target.with_suffix("")
            if not file.exists():
                fail(f"{file} not found: give the stamped file, or its digest with --digest")
    elif target is not None:
        file = target
    if file is None and raw_digest is None:
        raise click.UsageError("give a file, a proof, or --digest with a proof")
    service = state.service()
    if proof is None:
        proof_bytes = _proof_beside_or_in_history(service, file)
    else:
        proof_bytes = read_small_file(proof)
    verdict = service.verify(proof_bytes, file=file, digest=raw_digest)
    lines = [verdict.message()]
    if verdict.kind is VerdictKind.PENDING and verdict.calendars:
        lines.append("Pending at: " + ", ".join(verdict.calendars))
        lines.append("Run `amber upgrade` later; calendars anchor every few hours.")
    for other in (*verdict.other_attestations, *verdict.unknown_attestations):
        lines.append(f"Also attested (not checked): {other}")
    emit(as_json, verdict_json(verdict), "\n".join(lines))
    raise SystemExit(EXIT_CODES[verdict.kind])


def _proof_beside_or_in_history(service: AmberService, file: Path | None) -> bytes:
    assert file is not None
    beside = file.with_name(file.name + ".ots")
    if beside.exists():
        return read_small_file(beside)
    try:
        digest = hash_file(file)
    except UnreadableFileError as error:
        fail(str(error))
    for stamp in service.store.find_by_digest(digest):
        if stamp.proof:
            return stamp.proof
    fail(f"no proof for {file}: no {beside.name} beside it and it is not in the history")
