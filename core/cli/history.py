"""``amber list``, ``amber export`` and ``amber import``."""

from __future__ import annotations

from pathlib import Path

import click

from ..ots.proofs import MAX_PROOF_BYTES, ProofError
from ..service import ProofImportError
from ..storage import StampState
from .context import CliState, emit, fail, json_option, pass_state, utc
from .stamping import stamp_summary

STATES = [s.value for s in StampState]


@click.command("list")
@click.option("--state", "states", multiple=True, type=click.Choice(STATES), help="Only these.")
@click.option("--search", default="", help="Part of a name or folder, or a SHA-256 prefix.")
@json_option
@pass_state
def list_command(state: CliState, states: tuple[str, ...], search: str, as_json: bool) -> None:
    """Show the history with each stamp's state."""
    store = state.service().store
    wanted = [StampState(s) for s in states] or None
    stamps = store.rows(store.query_ids(states=wanted, search=search, descending=False))
    lines = []
    for s in stamps:
        block = f"block {s.block_height} {utc(s.block_time)}" if s.block_height is not None else ""
        detail = block or (s.last_error or "")
        lines.append(
            f"{s.id:>6}  {s.state.value:<9}  {s.digest.hex()[:16]}  "
            f"{s.name or '(digest)':<32}  {detail}"
        )
    emit(as_json, [stamp_summary(s) for s in stamps], "\n".join(lines) or "no stamps yet")


@click.command("export")
@click.argument("stamp_ids", nargs=-1, type=int)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--force", is_flag=True, help="Overwrite existing .ots files.")
@json_option
@pass_state
def export_command(
    state: CliState, stamp_ids: tuple[int, ...], out: Path | None, force: bool, as_json: bool
) -> None:
    """Write standard .ots proofs, beside each original or into --out."""
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    report = state.service().export(list(stamp_ids) or None, out, force=force)
    lines = [f"wrote    {p}" for p in report.written]
    lines += [f"skipped  {s.name or s.id}: {why}" for s, why in report.skipped]
    emit(
        as_json,
        {
            "written": [str(p) for p in report.written],
            "skipped": [{"stamp": s.id, "reason": why} for s, why in report.skipped],
        },
        "\n".join(lines) or "nothing to export",
    )
    if report.skipped:
        raise SystemExit(1)


@click.command("import")
@click.argument("proof", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@json_option
@pass_state
def import_command(state: CliState, proof: Path, file: Path | None, as_json: bool) -> None:
    """Add a proof made elsewhere to the history, so it is upgraded and verified."""
    data = read_small_file(proof)
    name = proof.name.removesuffix(".ots")
    try:
        stamp = state.service().import_proof(data, file=file, name=name)
    except (ProofError, ProofImportError) as error:
        fail(f"{proof}: {error}")
    emit(
        as_json,
        stamp_summary(stamp),
        f"imported {proof} as stamp {stamp.id} ({stamp.state.value})",
    )


def read_small_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_PROOF_BYTES:
            fail(f"{path}: {size} bytes is too large for a proof (limit {MAX_PROOF_BYTES})")
        return path.read_bytes()
    except OSError as error:
        fail(f"cannot read {path}: {error.strerror or error}")
