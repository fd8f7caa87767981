"""``amber info`` and ``amber verify``."""

from __future__ import annotations

from pathlib import Path

import click

from ..hashing import UnreadableFileError, hash_file
from ..ots.proofs import MAX_PROOF_BYTES, ProofError, describe_proof, read_proof
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


SEVERITY = {0: 0, 3: 1, 1: 2}  # with several targets the exit status is the worst one


class TargetError(Exception):
    """A verify target that cannot be resolved to a proof and a file or digest."""


@click.command("verify")
@click.argument("targets", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--proof", type=click.Path(dir_okay=False, path_type=Path), help="The .ots proof.")
@click.option("--digest", help="Verify a SHA-256 digest (hex) instead of a file.")
@json_option
@pass_state
def verify_command(
    state: CliState,
    targets: tuple[Path, ...],
    proof: Path | None,
    digest: str | None,
    as_json: bool,
) -> None:
    """Verify FILE against its proof (FILE.ots, --proof, or the history), or verify PROOF.ots.

    Several targets may be given at once (each a file or a proof). Exit status: 0 attested by
    Bitcoin, 1 mismatch or invalid, 3 pending or no header source could answer; with several
    targets, the worst of them.
    """
    raw_digest = parse_digest(digest) if digest else None
    if len(targets) > 1 and (proof is not None or raw_digest is not None):
        raise click.UsageError("--proof and --digest go with a single target")
    if not targets and (proof is None or raw_digest is None):
        raise click.UsageError("give a file, a proof, or --digest with a proof")
    service = state.service()
    results: list[dict[str, object]] = []
    lines: list[str] = []
    worst = 0
    for target in targets or (None,):
        try:
            proof_bytes, file, target_digest = _resolve(service, target, proof, raw_digest)
            verdict = service.verify(proof_bytes, file=file, digest=target_digest)
        except (TargetError, UnreadableFileError) as error:
            results.append({"target": str(target), "verdict": "error", "message": str(error)})
            lines.append(f"{target}: {error}" if len(targets) > 1 else f"amber: {error}")
            worst = max(worst, 1, key=SEVERITY.__getitem__)
            continue
        code = EXIT_CODES[verdict.kind]
        worst = max(worst, code, key=SEVERITY.__getitem__)
        results.append({"target": str(target), **verdict_json(verdict)})
        prefix = f"{target}: " if len(targets) > 1 else ""
        lines.extend(prefix + line for line in _explain(verdict))
    emit(as_json, results[0] if len(results) == 1 else results, "\n".join(lines))
    raise SystemExit(worst)


def _explain(verdict: Verdict) -> list[str]:
    lines = [verdict.message()]
    if verdict.kind is VerdictKind.PENDING and verdict.calendars:
        lines.append("Pending at: " + ", ".join(verdict.calendars))
        lines.append("Run `amber upgrade` later; calendars anchor every few hours.")
    for other in (*verdict.other_attestations, *verdict.unknown_attestations):
        lines.append(f"Also attested (not checked): {other}")
    return lines


def _resolve(
    service: AmberService, target: Path | None, proof: Path | None, digest: bytes | None
) -> tuple[bytes, Path | None, bytes | None]:
    """(proof bytes, file, digest) for one target: a file, a PROOF.ots, or --digest alone."""
    file: Path | None = None
    if target is not None and target.suffix == ".ots" and proof is None:
        proof = target
        if digest is None:
            file = target.with_suffix("")
            if not file.exists():
                raise TargetError(
                    f"{file} not found: give the stamped file, or its digest with --digest"
                )
    elif target is not None:
        file = target
    if proof is not None:
        return _read_proof_file(proof), file, digest
    return _proof_beside_or_in_history(service, file), file, digest


def _read_proof_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PROOF_BYTES:
            raise TargetError(f"{path}: {size} bytes is too large for a proof")
        return path.read_bytes()
    except OSError as error:
        raise TargetError(f"cannot read {path}: {error.strerror or error}") from None


def _proof_beside_or_in_history(service: AmberService, file: Path | None) -> bytes:
    assert file is not None
    beside = file.with_name(file.name + ".ots")
    if beside.exists():
        return _read_proof_file(beside)
    digest = hash_file(file)
    for stamp in service.store.find_by_digest(digest):
        if stamp.proof:
            return stamp.proof
    raise TargetError(
        f"no proof for {file}: no {beside.name} beside it and it is not in the history"
    )
