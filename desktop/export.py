"""Long work behind the menus — export, zip, import, upgrade. Runs on worker threads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_IMPORT_BYTES = 1 << 20  # a proof is a few KB; refuse anything absurd before reading it


@dataclass
class ExportOutcome:
    written: list[Path] = field(default_factory=list)
    existing: list[int] = field(default_factory=list)  # ids left alone: a file was there
    skipped: list[str] = field(default_factory=list)  # plain reasons
    target: Path | None = None
    zipped: int | None = None  # proofs inside the zip, for a zip export

    def summary(self) -> str:
        if self.zipped is not None:
            parts = [f"Saved {self.zipped} proof(s) into {self.target}."]
        else:
            where = f" into {self.target}" if self.target else " beside the original files"
            parts = [f"Saved {len(self.written)} proof file(s){where}."]
        if self.existing:
            parts.append(f"{len(self.existing)} already existed and were left alone.")
        if self.skipped:
            parts.append("Not saved: " + "; ".join(self.skipped[:5]) + ".")
        return " ".join(parts)


@dataclass
class ImportOutcome:
    stamps: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _label(stamp: Any) -> str:
    return stamp.name or stamp.digest.hex()[:12]


def export_proofs(
    service: Any, ids: Sequence[int], folder: Path | None, *, force: bool = False
) -> ExportOutcome:
    """Write ``<name>.ots`` for each stamp into ``folder``, or beside its original when None."""
    outcome = ExportOutcome(target=folder)
    report = service.export(list(ids), folder, force=force)
    outcome.written.extend(report.written)
    for stamp, reason in report.skipped:
        if "exists" in reason and stamp.proof:
            outcome.existing.append(stamp.id)
        else:
            outcome.skipped.append(f"{_label(stamp)}: {reason}")
    return outcome


def export_zip(store: Any, ids: Sequence[int], target: Path) -> ExportOutcome:
    """Every proof of ``ids`` in one zip (written atomically by the service's exporter)."""
    from amber.core.service import export_zip as write_zip

    stamps = []
    for start in range(0, len(ids), 1000):
        stamps.extend(store.rows(list(ids[start : start + 1000])))
    report = write_zip(stamps, target)
    outcome = ExportOutcome(target=target, written=list(report.written))
    outcome.skipped.extend(f"{_label(stamp)}: {reason}" for stamp, reason in report.skipped)
    outcome.zipped = len(stamps) - len(report.skipped)
    return outcome


def import_proofs(service: Any, proofs: Sequence[Path]) -> ImportOutcome:
    outcome = ImportOutcome()
    for proof_path in proofs:
        try:
            if proof_path.stat().st_size > MAX_IMPORT_BYTES:
                raise ValueError("too large to be a proof")
            data = proof_path.read_bytes()
            original = proof_path.with_suffix("") if proof_path.suffix == ".ots" else None
            file = original if original is not None and original.is_file() else None
            name = original.name if original is not None else proof_path.name
            outcome.stamps.append(service.import_proof(data, file=file, name=name))
        except Exception as error:  # one bad proof must not stop the others
            outcome.errors.append(f"{proof_path.name}: {error}")
    return outcome


def upgrade_now(service: Any) -> str:
    """Ask the calendars now; return a sentence for the status bar."""
    report = service.upgrade_now()
    confirmed = len(report.confirmed)
    pending = report.still_pending
    errors = report.errors
    parts = []
    if confirmed:
        parts.append(f"{confirmed} stamp(s) now confirmed in Bitcoin")
    if pending:
        parts.append(f"{pending} still waiting for Bitcoin (calendars anchor every few hours)")
    if errors:
        parts.append(f"{len(errors)} calendar(s) did not answer")
    return ("; ".join(parts) or "Nothing was waiting for Bitcoin") + "."
